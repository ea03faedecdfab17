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
 * Writes a Llama 2 style {@code tokenizer.json} (SentencePiece BPE with byte fallback, in the
 * form Hugging Face converts Llama 2 and TinyLlama to), for test and random models of the
 * Llama family and {@link SentencePieceBpeTrainer}'s output.
 *
 * <p>Ids: {@code <unk>} 0, {@code <s>} 1, {@code </s>} 2 (added special tokens), the 256 byte
 * tokens {@code <0x00>}..{@code <0xFF>} as 3..258, then the single characters in the order
 * given, then one id per merge whose result is new. The normalizer puts a {@code ▁} in front and
 * turns spaces into {@code ▁} (the "legacy" form, which round-trips leading spaces); there is no
 * pre-tokenizer; the decoder undoes both, turning byte tokens back into bytes.
 */
public final class LlamaTokenizerJsonWriter {

    /** Ids taken before the characters: three special tokens and 256 byte tokens. */
    public static final int FIXED = 3 + 256;

    private static final String[] SPECIAL = {"<unk>", "<s>", "</s>"};

    private LlamaTokenizerJsonWriter() {}

    /**
     * @param chars single characters (one code point each, {@code ▁} for a space; no raw space)
     * @param merges pairs of vocabulary strings, each already a character or an earlier merge's result
     * @throws IllegalArgumentException naming the character or merge that breaks these rules
     */
    public static void write(Path out, List<String> chars, List<String[]> merges) throws IOException {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (String s : SPECIAL) vocab.put(s, vocab.size());
        for (int b = 0; b < 256; b++) vocab.put(String.format("<0x%02X>", b), vocab.size());
        for (String c : chars) {
            if (c == null || c.codePointCount(0, c.length()) != 1 || c.equals(" ") || vocab.containsKey(c)) {
                throw new IllegalArgumentException("character \"" + c + "\" must be one code point, not a raw space"
                        + " (write ▁) and not already in the vocabulary");
            }
            vocab.put(c, vocab.size());
        }
        JsonArray mergeList = new JsonArray();
        for (int i = 0; i < merges.size(); i++) {
            String[] m = merges.get(i);
            if (m == null || m.length != 2 || !vocab.containsKey(m[0]) || !vocab.containsKey(m[1])) {
                throw new IllegalArgumentException("merge " + i + " must be a pair of vocabulary strings already"
                        + " defined (a character or an earlier merge's result)");
            }
            // Two pairs may spell the same token (▁t+he, ▁th+e); Hugging Face maps both to one id.
            vocab.putIfAbsent(m[0] + m[1], vocab.size());
            mergeList.add(m[0] + " " + m[1]); // safe: no vocabulary string holds a raw space
        }

        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", JsonNull.INSTANCE);
        root.add("padding", JsonNull.INSTANCE);
        root.add("added_tokens", addedTokens());
        root.add("normalizer", sequence("normalizers", prepend(), replace(" ", SentencePieceBpeTrainer.SPACE)));
        root.add("pre_tokenizer", JsonNull.INSTANCE);
        root.add("post_processor", bosTemplate());
        root.add("decoder", sequence("decoders", replace(SentencePieceBpeTrainer.SPACE, " "), type("ByteFallback"),
                type("Fuse"), strip()));
        root.add("model", model(vocab, mergeList));

        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(root, w);
        }
    }

    private static JsonArray addedTokens() {
        JsonArray added = new JsonArray();
        for (int id = 0; id < SPECIAL.length; id++) {
            JsonObject t = new JsonObject();
            t.addProperty("id", id);
            t.addProperty("content", SPECIAL[id]);
            t.addProperty("single_word", false);
            t.addProperty("lstrip", false);
            t.addProperty("rstrip", false);
            t.addProperty("normalized", false);
            t.addProperty("special", true);
            added.add(t);
        }
        return added;
    }

    private static JsonObject type(String type) {
        JsonObject o = new JsonObject();
        o.addProperty("type", type);
        return o;
    }

    private static JsonObject sequence(String key, JsonObject... parts) {
        JsonObject o = type("Sequence");
        JsonArray a = new JsonArray();
        for (JsonObject p : parts) a.add(p);
        o.add(key, a);
        return o;
    }

    private static JsonObject prepend() {
        JsonObject o = type("Prepend");
        o.addProperty("prepend", SentencePieceBpeTrainer.SPACE);
        return o;
    }

    private static JsonObject replace(String from, String to) {
        JsonObject o = type("Replace");
        JsonObject pattern = new JsonObject();
        pattern.addProperty("String", from);
        o.add("pattern", pattern);
        o.addProperty("content", to);
        return o;
    }

    /** Drops the one space the normalizer put in front. */
    private static JsonObject strip() {
        JsonObject o = type("Strip");
        o.addProperty("content", " ");
        o.addProperty("start", 1);
        o.addProperty("stop", 0);
        return o;
    }

    /** Llama's: {@code <s>} before each text when a caller asks for special tokens (circuitscope never does). */
    private static JsonObject bosTemplate() {
        JsonObject o = type("TemplateProcessing");
        JsonArray single = new JsonArray();
        single.add(piece("SpecialToken", "<s>", 0));
        single.add(piece("Sequence", "A", 0));
        JsonArray pair = single.deepCopy();
        pair.add(piece("SpecialToken", "<s>", 1));
        pair.add(piece("Sequence", "B", 1));
        o.add("single", single);
        o.add("pair", pair);
        JsonObject bos = new JsonObject();
        bos.addProperty("id", "<s>");
        JsonArray ids = new JsonArray();
        ids.add(1);
        bos.add("ids", ids);
        JsonArray tokens = new JsonArray();
        tokens.add("<s>");
        bos.add("tokens", tokens);
        JsonObject specials = new JsonObject();
        specials.add("<s>", bos);
        o.add("special_tokens", specials);
        return o;
    }

    private static JsonObject piece(String kind, String id, int typeId) {
        JsonObject t = new JsonObject();
        t.addProperty("id", id);
        t.addProperty("type_id", typeId);
        JsonObject o = new JsonObject();
        o.add(kind, t);
        return o;
    }

    private static JsonObject model(Map<String, Integer> vocab, JsonArray merges) {
        JsonObject model = type("BPE");
        model.add("dropout", JsonNull.INSTANCE);
        model.addProperty("unk_token", "<unk>");
        model.add("continuing_subword_prefix", JsonNull.INSTANCE);
        model.add("end_of_word_suffix", JsonNull.INSTANCE);
        model.addProperty("fuse_unk", true);
        model.addProperty("byte_fallback", true);
        JsonObject v = new JsonObject();
        vocab.forEach(v::addProperty);
        model.add("vocab", v);
        model.add("merges", merges);
        return model;
    }
}
