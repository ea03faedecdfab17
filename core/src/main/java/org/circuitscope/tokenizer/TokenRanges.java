package org.circuitscope.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Each token's UTF-16 range, computed from the bytes the tokens stand for ({@link TokenBytes})
 * laid over the text's UTF-8, instead of from the native library's alignments, which give a
 * prepended {@code ▁} (Llama 2's {@code Prepend} normalizer) the range of the first character
 * so that two tokens claim it.
 *
 * <p>Between two added tokens (and before the first, after the last) the tokens' bytes must be
 * the text's bytes (with spaces as {@code ▁} for SentencePiece vocabularies, which read a
 * literal {@code ▁} as a space too), except for spaces the tokenizer inserted at the front of that stretch
 * (SentencePiece's prefix {@code ▁}, a {@code ByteLevel} {@code add_prefix_space}). A token
 * gets the characters holding its first through last text byte, whole (so the four byte tokens
 * of an emoji all get the emoji's range, and a range never splits a surrogate pair); a token
 * made only of inserted spaces gets the empty range where its stretch starts. Added tokens keep
 * the native range. When the bytes do not line up (a normalizer that rewrites text, an unknown
 * token, an alphabet {@link TokenBytes} does not know), every range is the native one.
 */
final class TokenRanges {
    private TokenRanges() {}

    /**
     * @param nativeStarts UTF-16 starts from the native library, -1 for a token without a place
     * @return {starts, ends}
     */
    static int[][] of(String text, int[] ids, TokenBytes bytes, int[] nativeStarts, int[] nativeEnds) {
        int[][] exact = fromBytes(text, ids, bytes, nativeStarts, nativeEnds);
        return exact != null ? exact : fromNative(nativeStarts, nativeEnds);
    }

    /** Native ranges; a token without one gets an empty range where the previous one ended. */
    static int[][] fromNative(int[] nativeStarts, int[] nativeEnds) {
        int n = nativeStarts.length;
        int[] starts = new int[n];
        int[] ends = new int[n];
        int previousEnd = 0;
        for (int i = 0; i < n; i++) {
            if (nativeStarts[i] < 0) {
                starts[i] = previousEnd;
                ends[i] = previousEnd;
            } else {
                starts[i] = nativeStarts[i];
                ends[i] = nativeEnds[i];
                previousEnd = ends[i];
            }
        }
        return new int[][] {starts, ends};
    }

    private static int[][] fromBytes(String original, int[] ids, TokenBytes bytes, int[] nativeStarts, int[] nativeEnds) {
        String text = bytes.normalize(original);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        // For byte b: the UTF-16 start and end of the character holding it.
        int[] charStart = new int[utf8.length];
        int[] charEnd = new int[utf8.length];
        // For UTF-16 offset u at a character boundary: the byte offset.
        int[] byteAt = new int[text.length() + 1];
        int b = 0;
        for (int u = 0; u < text.length(); ) {
            int cp = text.codePointAt(u);
            int units = Character.charCount(cp);
            int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            byteAt[u] = b;
            if (units == 2) byteAt[u + 1] = b; // not a boundary; never read for well-formed spans
            Arrays.fill(charStart, b, b + len, u);
            Arrays.fill(charEnd, b, b + len, u + units);
            b += len;
            u += units;
        }
        byteAt[text.length()] = utf8.length;

        int n = ids.length;
        int[] starts = new int[n];
        int[] ends = new int[n];
        int cursor = 0; // byte offset where the current stretch of text starts
        int i = 0;
        while (i < n) {
            if (bytes.isAdded(ids[i])) {
                if (nativeStarts[i] < 0) {
                    starts[i] = ends[i] = cursor == 0 ? 0 : charEnd[cursor - 1];
                } else {
                    if (byteAt[nativeStarts[i]] < cursor) return null;
                    starts[i] = nativeStarts[i];
                    ends[i] = nativeEnds[i];
                    cursor = byteAt[nativeEnds[i]];
                }
                i++;
                continue;
            }
            int j = i;
            while (j < n && !bytes.isAdded(ids[j])) j++;
            // The stretch's text runs up to the next added token that has a place.
            int stop = utf8.length;
            for (int k = j; k < n; k++) {
                if (nativeStarts[k] >= 0) {
                    stop = byteAt[nativeStarts[k]];
                    break;
                }
            }
            if (!place(ids, i, j, bytes, utf8, cursor, stop, charStart, charEnd, starts, ends)) return null;
            cursor = stop;
            i = j;
        }
        return new int[][] {starts, ends};
    }

    /** Lays tokens [from, to) over utf8[begin, stop); false when their bytes are not that text. */
    private static boolean place(int[] ids, int from, int to, TokenBytes bytes, byte[] utf8, int begin, int stop,
            int[] charStart, int[] charEnd, int[] starts, int[] ends) {
        byte[][] tb = new byte[to - from][];
        int total = 0;
        for (int t = from; t < to; t++) {
            tb[t - from] = bytes.aligned(ids[t]);
            if (tb[t - from] == null) return false;
            total += tb[t - from].length;
        }
        int inserted = total - (stop - begin);
        byte[] space = bytes.insertedSpace();
        if (inserted < 0 || inserted % space.length != 0) return false;
        int emptyAt = begin < utf8.length ? charStart[begin] : begin == 0 ? 0 : charEnd[begin - 1];
        int pos = 0; // offset into the stretch's token bytes, inserted spaces first
        for (int t = from; t < to; t++) {
            byte[] x = tb[t - from];
            int first = -1;
            int last = -1;
            for (int k = 0; k < x.length; k++, pos++) {
                if (pos < inserted) {
                    if (x[k] != space[pos % space.length]) return false;
                    continue;
                }
                int at = begin + pos - inserted;
                if (utf8[at] != x[k]) return false;
                if (first < 0) first = at;
                last = at;
            }
            if (first < 0) {
                starts[t] = ends[t] = emptyAt;
            } else {
                starts[t] = charStart[first];
                ends[t] = charEnd[last];
                emptyAt = ends[t];
            }
        }
        return true;
    }
}
