package org.circuitscope.tokenizer;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a Hugging Face {@code tokenizer.json} for a GPT-2 style byte-level BPE, so the shipped
 * models (and the BPE trainer's output) load through the same {@link Tokenizer} as real GPT-2.
 *
 * <p>Layout of the ids, as in GPT-2's own vocabulary: ids 0..255 are the 256 byte symbols in
 * the order of GPT-2's {@code bytes_to_unicode} table ({@code "!"} is 0, {@code "Ġ"} (space) is
 * 220), then one id per merge in merge order, then {@value #END_OF_TEXT} as an added special
 * token with the last id. With zero merges that is a pure byte-level tokenizer of 257 tokens.
 */
public final class TokenizerJsonWriter {

    /** GPT-2's end-of-text token; the last id of every file written here. */
    public static final String END_OF_TEXT = "<|endoftext|>";

    /** Byte value → its one-character symbol in GPT-2's byte-unicode alphabet. */
    private static final String[] BYTE_TO_UNICODE = new String[256];

    /** The 256 byte values in GPT-2's table order, which is also their id order. */
    private static final int[] BYTE_ORDER = new int[256];

    static {
        // GPT-2 keeps printable Latin-1 bytes as themselves (so merges stay readable) and
        // shifts the rest (controls, space, NBSP, soft hyphen) to U+0100 onwards, so that no
        // symbol is whitespace or a control character that a regex or a file format could eat.
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (isKeptAsItself(b)) {
                BYTE_TO_UNICODE[b] = Character.toString(b);
                BYTE_ORDER[n++] = b;
            }
        }
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            if (!isKeptAsItself(b)) {
                BYTE_TO_UNICODE[b] = Character.toString(256 + shifted++);
                BYTE_ORDER[n++] = b;
            }
        }
    }

    private TokenizerJsonWriter() {}

    private static boolean isKeptAsItself(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /**
     * GPT-2's {@code bytes_to_unicode} table: the one-character symbol that stands for byte
     * {@code b} in vocabulary strings (e.g. 32 → {@code "Ġ"}, 10 → {@code "Ċ"}, 65 → {@code "A"}).
     */
    public static String byteToUnicode(int b) {
        if (b < 0 || b > 255) {
            throw new IllegalArgumentException("byte value must be in 0..255, got " + b);
        }
        return BYTE_TO_UNICODE[b];
    }

    /**
     * Writes the tokenizer file.
     *
     * @param merges pairs of vocab strings in GPT-2 byte-unicode form, e.g. {@code ["Ġ","t"]};
     *     both halves must already be in the vocabulary (a byte symbol or an earlier merge's
     *     result), and each merge's result (the concatenation) gets the next id
     * @throws IllegalArgumentException if a merge is malformed, uses an unknown symbol, or
     *     produces a token that already exists (the message names the merge's index)
     */
    public static void write(Path out, List<String[]> merges) throws IOException {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int b : BYTE_ORDER) {
            vocab.put(BYTE_TO_UNICODE[b], vocab.size());
        }
        JsonArray mergeList = new JsonArray();
        for (int i = 0; i < merges.size(); i++) {
            String[] m = merges.get(i);
            checkMerge(i, m, vocab);
            vocab.put(m[0] + m[1], vocab.size());
            // "a b" strings: the form every tokenizers version reads; safe because no
            // byte-level symbol contains a space (space itself is "Ġ").
            mergeList.add(m[0] + " " + m[1]);
        }
        int endOfTextId = vocab.size();

        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", JsonNull.INSTANCE);
        root.add("padding", JsonNull.INSTANCE);
        root.add("added_tokens", addedTokens(endOfTextId));
        root.add("normalizer", JsonNull.INSTANCE);
        root.add("pre_tokenizer", byteLevel());
        // trim_offsets false: a token's offsets keep its leading space, so the spans tile the text.
        root.add("post_processor", byteLevel());
        root.add("decoder", byteLevel());
        root.add("model", bpeModel(vocab, mergeList));

        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            // serializeNulls: GPT-2 files spell out "normalizer": null etc.; keep the layout recognisable.
            new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(root, w);
        }
    }

    private static void checkMerge(int i, String[] m, Map<String, Integer> vocab) {
        if (m == null || m.length != 2 || m[0] == null || m[1] == null) {
            throw new IllegalArgumentException("merge " + i + " must be a pair of two vocab strings");
        }
        for (String part : m) {
            if (!vocab.containsKey(part)) {
                throw new IllegalArgumentException("merge " + i + " [" + m[0] + ", " + m[1]
                        + "] uses \"" + part + "\", which is neither a byte symbol nor the result"
                        + " of an earlier merge; write symbols in GPT-2 byte-unicode form"
                        + " (byteToUnicode) and list merges in the order they were learned");
            }
        }
        if (vocab.containsKey(m[0] + m[1])) {
            throw new IllegalArgumentException("merge " + i + " [" + m[0] + ", " + m[1]
                    + "] produces \"" + m[0] + m[1] + "\", which is already token "
                    + vocab.get(m[0] + m[1]) + "; each merge must make a new token");
        }
    }

    private static JsonArray addedTokens(int endOfTextId) {
        JsonObject eot = new JsonObject();
        eot.addProperty("id", endOfTextId);
        eot.addProperty("content", END_OF_TEXT);
        eot.addProperty("single_word", false);
        eot.addProperty("lstrip", false);
        eot.addProperty("rstrip", false);
        eot.addProperty("normalized", true);
        eot.addProperty("special", true);
        JsonArray added = new JsonArray();
        added.add(eot);
        return added;
    }

    /** ByteLevel block shared by pre-tokenizer, post-processor and decoder, as GPT-2 writes it. */
    private static JsonObject byteLevel() {
        JsonObject o = new JsonObject();
        o.addProperty("type", "ByteLevel");
        o.addProperty("add_prefix_space", false);
        o.addProperty("trim_offsets", false);
        o.addProperty("use_regex", true);
        return o;
    }

    private static JsonObject bpeModel(Map<String, Integer> vocab, JsonArray merges) {
        JsonObject model = new JsonObject();
        model.addProperty("type", "BPE");
        model.add("dropout", JsonNull.INSTANCE);
        model.add("unk_token", JsonNull.INSTANCE);
        model.addProperty("continuing_subword_prefix", "");
        model.addProperty("end_of_word_suffix", "");
        model.addProperty("fuse_unk", false);
        model.addProperty("byte_fallback", false);
        JsonObject v = new JsonObject();
        vocab.forEach(v::addProperty);
        model.add("vocab", v);
        model.add("merges", merges);
        return model;
    }
}
