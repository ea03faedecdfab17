package org.circuitscope.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The text bytes each vocabulary entry stands for, read from the {@code tokenizer.json}'s own
 * description of its alphabet, because the offsets and the display text are computed from them:
 *
 * <ul>
 *   <li>byte-level BPE (GPT-2, Pythia, Llama 3, Qwen2: a {@code ByteLevel} pre-tokenizer or
 *       decoder): each character of the string is one byte in GPT-2's byte-unicode alphabet;
 *   <li>SentencePiece-style BPE (Llama 2, TinyLlama, Mistral: a {@code Replace(" ", "▁")}
 *       normalizer or a {@code Metaspace} pre-tokenizer): the string is UTF-8 text with
 *       {@code ▁} standing for a space, and with {@code byte_fallback} the 256 entries
 *       {@code <0x00>}..{@code <0xFF>} are single bytes.
 * </ul>
 *
 * Added tokens ({@code <s>}, {@code <|endoftext|>}) and vocabularies of any other kind have no
 * bytes here (null): their offsets come from the native library.
 */
final class TokenBytes {
    private static final Pattern BYTE_TOKEN = Pattern.compile("<0x[0-9A-Fa-f]{2}>");

    private final String[] idToString;
    private final Set<Integer> added;
    private final boolean byteLevel;
    private final boolean byteFallback;
    /** The character that stands for a space (SentencePiece's U+2581), or -1 when there is none. */
    private final int spaceSymbol;

    private TokenBytes(String[] idToString, Set<Integer> added, boolean byteLevel, boolean byteFallback, int spaceSymbol) {
        this.idToString = idToString;
        this.added = added;
        this.byteLevel = byteLevel;
        this.byteFallback = byteFallback;
        this.spaceSymbol = spaceSymbol;
    }

    static TokenBytes of(JsonObject root, String[] idToString, Set<Integer> added) {
        JsonObject model = root.getAsJsonObject("model");
        boolean bpe = model.has("type") && "BPE".equals(model.get("type").getAsString())
                || model.has("merges"); // old files leave out the type
        boolean fallback = model.has("byte_fallback") && model.get("byte_fallback").getAsBoolean();
        boolean byteLevel = hasType(root.get("pre_tokenizer"), "ByteLevel") || hasType(root.get("decoder"), "ByteLevel");
        int space = spaceSymbol(root);
        boolean known = byteLevel || (space >= 0 && (bpe || "Unigram".equals(typeOf(model))));
        return new TokenBytes(idToString, added, known && byteLevel, fallback, known && !byteLevel ? space : -1);
    }

    /** True for SentencePiece-style vocabularies, whose strings use a symbol for the space. */
    boolean sentencePiece() {
        return spaceSymbol >= 0;
    }

    boolean isAdded(int id) {
        return added.contains(id);
    }

    /** The bytes of text token {@code id} stands for ({@code ▁} as a space); null for added tokens and unknown alphabets. */
    byte[] of(int id) {
        byte[] b = aligned(id);
        if (b == null || spaceSymbol < 0 || b.length == 1) return b;
        return new String(b, StandardCharsets.UTF_8).replace(Character.toString(spaceSymbol), " ").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The bytes of token {@code id} as they lie over {@link #normalize}d text: as {@link #of},
     * but a SentencePiece token keeps its {@code ▁}, since a literal {@code ▁} in the text is
     * read as the same symbol as a space.
     */
    byte[] aligned(int id) {
        if (id < 0 || id >= idToString.length || idToString[id] == null || added.contains(id)) return null;
        String s = idToString[id];
        if (byteLevel) return ByteDisplay.bytes(s);
        if (spaceSymbol < 0) return null;
        if (byteFallback && BYTE_TOKEN.matcher(s).matches()) {
            return new byte[] {(byte) Integer.parseInt(s.substring(3, 5), 16)};
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The text as {@link #aligned} bytes read it; the same length in UTF-16 units. */
    String normalize(String text) {
        return spaceSymbol < 0 ? text : text.replace(' ', (char) spaceSymbol);
    }

    /** The bytes of one space a tokenizer may put in front of a stretch of text. */
    byte[] insertedSpace() {
        return spaceSymbol < 0 ? new byte[] {' '} : Character.toString(spaceSymbol).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The space symbol: the content of a normalizer {@code Replace} of " " (Llama 2's legacy
     * form) or a {@code Metaspace} pre-tokenizer's replacement (the newer form), searched
     * through {@code Sequence}s.
     */
    private static int spaceSymbol(JsonObject root) {
        int s = find(root.get("normalizer"), true);
        return s >= 0 ? s : find(root.get("pre_tokenizer"), false);
    }

    private static int find(JsonElement e, boolean normalizer) {
        if (e == null || !e.isJsonObject()) return -1;
        JsonObject o = e.getAsJsonObject();
        String type = typeOf(o);
        if ("Sequence".equals(type)) {
            JsonArray parts = o.getAsJsonArray(normalizer ? "normalizers" : "pretokenizers");
            if (parts == null) return -1;
            for (JsonElement p : parts) {
                int s = find(p, normalizer);
                if (s >= 0) return s;
            }
            return -1;
        }
        if (normalizer && "Replace".equals(type) && o.has("pattern") && o.getAsJsonObject("pattern").has("String")
                && " ".equals(o.getAsJsonObject("pattern").get("String").getAsString())) {
            String c = o.get("content").getAsString();
            return c.length() == 1 ? c.charAt(0) : -1;
        }
        if (!normalizer && "Metaspace".equals(type)) {
            String c = o.has("replacement") ? o.get("replacement").getAsString() : "\u2581";
            return c.length() == 1 ? c.charAt(0) : -1; // one UTF-16 unit, so replacing keeps offsets
        }
        return -1;
    }

    private static boolean hasType(JsonElement e, String wanted) {
        if (e == null || !e.isJsonObject()) return false;
        JsonObject o = e.getAsJsonObject();
        if (wanted.equals(typeOf(o))) return true;
        for (String key : new String[] {"pretokenizers", "decoders"}) {
            JsonArray parts = o.getAsJsonArray(key);
            if (parts != null) for (JsonElement p : parts) if (hasType(p, wanted)) return true;
        }
        return false;
    }

    private static String typeOf(JsonObject o) {
        JsonElement t = o.get("type");
        return t != null && t.isJsonPrimitive() ? t.getAsString() : null;
    }
}
