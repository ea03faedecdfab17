package org.circuitscope.tokenizer;

/**
 * Token ids of a text with each token's place in that text.
 *
 * <p>{@code starts[i]}..{@code ends[i]} (end exclusive) are UTF-16 char offsets into the
 * original Java {@code String}, the unit LSP positions and {@code String.substring} use, so
 * {@code text.substring(starts[i], ends[i])} is the text of token {@code i}.
 *
 * <p>Byte-level BPE may split one character's UTF-8 bytes over several tokens (an emoji is 4
 * bytes, a CJK character 3). Such a token gets the range of every character it holds any byte
 * of, whole: neighbouring tokens that share a character therefore overlap on it (all three
 * tokens of {@code "日"} have the range of {@code "日"}). Ranges never go backwards, and every
 * character of the text lies in at least one token's range.
 */
public record Encoding(int[] ids, int[] starts, int[] ends) {

    public Encoding {
        if (starts.length != ids.length || ends.length != ids.length) {
            throw new IllegalArgumentException("ids, starts and ends must have one entry per token, got "
                    + ids.length + ", " + starts.length + " and " + ends.length);
        }
    }

    /** Number of tokens. */
    public int size() {
        return ids.length;
    }
}
