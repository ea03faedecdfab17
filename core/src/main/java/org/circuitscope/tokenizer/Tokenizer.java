package org.circuitscope.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A Hugging Face {@code tokenizer.json} tokenizer (through DJL's native binding) that reports
 * where each token sits in the text, in UTF-16 offsets.
 *
 * <p>Encoding adds no special tokens and never truncates or pads: the model sees exactly the
 * text's tokens, however long. A literal {@code <|endoftext|>} inside the text is matched as
 * that special token, as Hugging Face does. Decoding keeps special tokens and does no
 * "clean-up" of spaces, so for byte-level BPE {@code decode(encode(t).ids())} equals {@code t}
 * for every well-formed {@code t} (a lone surrogate, which is not Unicode text, comes back as
 * U+FFFD).
 *
 * <p>Vocabulary look-ups ({@link #tokenString}, {@link #tokenId}, {@link #vocabSize}) read the
 * file's {@code model.vocab} and {@code added_tokens} directly, because DJL does not expose them.
 *
 * <p>Threads: the native encode and decode only read the Rust {@code Tokenizer} (which is
 * {@code Sync}), so sharing one instance should be safe, but that is not tested here;
 * {@link #close} must never race a running call.
 */
public final class Tokenizer implements AutoCloseable {

    private static final String END_OF_TEXT = TokenizerJsonWriter.END_OF_TEXT;

    private final Path source;
    private final HuggingFaceTokenizer hf;
    private final String[] idToString;
    private final Map<String, Integer> stringToId;
    private volatile boolean closed;

    private Tokenizer(Path source, HuggingFaceTokenizer hf, String[] idToString, Map<String, Integer> stringToId) {
        this.source = source;
        this.hf = hf;
        this.idToString = idToString;
        this.stringToId = stringToId;
    }

    /**
     * Loads a Hugging Face {@code tokenizer.json}. Needs no network: DJL's native library comes
     * from its jar and is unpacked once into DJL's cache ({@code DJL_CACHE_DIR}, else
     * {@code ~/.djl.ai}).
     *
     * @throws IOException naming the file when it is missing, unreadable, not JSON, or not a
     *     tokenizer the Hugging Face library accepts
     */
    public static Tokenizer load(Path tokenizerJson) throws IOException {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IOException("tokenizer file not found: " + tokenizerJson.toAbsolutePath()
                    + " (expected a Hugging Face tokenizer.json)");
        }
        byte[] bytes = Files.readAllBytes(tokenizerJson);
        Map<String, Integer> stringToId = readVocabulary(tokenizerJson, bytes);
        int size = 0;
        for (int id : stringToId.values()) {
            size = Math.max(size, id + 1);
        }
        String[] idToString = new String[size];
        stringToId.forEach((s, id) -> idToString[id] = s);

        optOutOfTelemetry();
        // Strings, not booleans: DJL's options map is what turns off its defaults (special
        // tokens on, truncation at 512, padding to the longest).
        Map<String, String> options = Map.of(
                "addSpecialTokens", "false",
                "truncation", "false",
                "padding", "false");
        HuggingFaceTokenizer hf;
        try {
            hf = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(bytes), options);
        } catch (RuntimeException e) {
            throw new IOException("Hugging Face tokenizers could not load " + tokenizerJson.toAbsolutePath()
                    + ": " + e.getMessage(), e);
        }
        return new Tokenizer(tokenizerJson, hf, idToString, stringToId);
    }

    /**
     * DJL's loaders ping the EC2 metadata service and send a usage beacon unless told not to;
     * a local analysis tool should do neither, and offline the probe only costs start-up time.
     * A user's own choice (environment variable or property) is left alone.
     */
    private static void optOutOfTelemetry() {
        if (System.getenv("OPT_OUT_TRACKING") == null && System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
    }

    /** Raw vocabulary strings → ids, from {@code model.vocab} and {@code added_tokens}. */
    private static Map<String, Integer> readVocabulary(Path file, byte[] bytes) throws IOException {
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException("tokenizer file " + file.toAbsolutePath() + " is not UTF-8 text", e);
        }
        Map<String, Integer> vocab = new HashMap<>();
        try {
            JsonObject root = JsonParser.parseString(json).getAsJsonObject();
            JsonElement model = root.get("model");
            JsonElement v = model != null && model.isJsonObject() ? model.getAsJsonObject().get("vocab") : null;
            if (v == null) {
                throw new IOException("tokenizer file " + file.toAbsolutePath()
                        + " has no model.vocab; is it a Hugging Face tokenizer.json?");
            }
            if (v.isJsonObject()) { // BPE, WordPiece, WordLevel: {"token": id}
                for (Map.Entry<String, JsonElement> e : v.getAsJsonObject().entrySet()) {
                    vocab.put(e.getKey(), checkedId(file, e.getKey(), e.getValue().getAsInt()));
                }
            } else { // Unigram: [["piece", score], ...], the id is the position
                JsonArray pieces = v.getAsJsonArray();
                for (int i = 0; i < pieces.size(); i++) {
                    vocab.put(pieces.get(i).getAsJsonArray().get(0).getAsString(), i);
                }
            }
            JsonElement added = root.get("added_tokens");
            if (added != null && added.isJsonArray()) {
                for (JsonElement t : added.getAsJsonArray()) {
                    JsonObject o = t.getAsJsonObject();
                    String content = o.get("content").getAsString();
                    vocab.put(content, checkedId(file, content, o.get("id").getAsInt()));
                }
            }
        } catch (RuntimeException e) {
            // Gson reports bad syntax and wrong shapes (a string where an id belongs, a missing
            // field) with unchecked exceptions of several kinds.
            throw new IOException("tokenizer file " + file.toAbsolutePath()
                    + " is not a valid tokenizer.json: " + e.getMessage(), e);
        }
        return vocab;
    }

    private static int checkedId(Path file, String token, int id) throws IOException {
        if (id < 0) {
            throw new IOException("tokenizer file " + file.toAbsolutePath() + " gives token \""
                    + token + "\" the negative id " + id);
        }
        return id;
    }

    /** Tokens of {@code text} with their UTF-16 ranges; see {@link Encoding} for split characters. */
    public Encoding encode(String text) {
        checkOpen();
        String wellFormed = replaceLoneSurrogates(text);
        ai.djl.huggingface.tokenizers.Encoding e = hf.encode(wellFormed, false, false);
        long[] rawIds = e.getIds();
        CharSpan[] spans = e.getCharTokenSpans();
        int[] charOfCodePoint = utf16OffsetOfEachCodePoint(wellFormed);
        int codePoints = charOfCodePoint.length - 1;
        int n = rawIds.length;
        int[] ids = new int[n];
        int[] starts = new int[n];
        int[] ends = new int[n];
        int previousEnd = 0;
        for (int i = 0; i < n; i++) {
            ids[i] = Math.toIntExact(rawIds[i]);
            CharSpan span = spans[i];
            if (span == null || span.getStart() < 0) {
                // A token with no place in the text (none arise without added special tokens,
                // but a tokenizer.json may still insert some): an empty range where it falls.
                starts[i] = previousEnd;
                ends[i] = previousEnd;
                continue;
            }
            // DJL counts Unicode code points (Rust chars); LSP and String count UTF-16 units.
            if (span.getEnd() > codePoints || span.getStart() > span.getEnd()) {
                throw new IllegalStateException("tokenizer returned the range " + span.getStart() + ".."
                        + span.getEnd() + " for token " + i + " of a text of " + codePoints
                        + " code points (" + source + ")");
            }
            starts[i] = charOfCodePoint[span.getStart()];
            ends[i] = charOfCodePoint[span.getEnd()];
            previousEnd = ends[i];
        }
        return new Encoding(ids, starts, ends);
    }

    /**
     * The native side receives Java strings through modified UTF-8 and turns each of a lone
     * surrogate's three bytes into its own U+FFFD, which would shift every later offset by two.
     * Replacing a lone surrogate by one U+FFFD first keeps the string the same length.
     */
    private static String replaceLoneSurrogates(String text) {
        char[] chars = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                if (chars == null) {
                    chars = text.toCharArray();
                }
                chars[i] = '\uFFFD';
            }
        }
        return chars == null ? text : new String(chars);
    }

    /** Entry k: the UTF-16 offset where code point k starts; the last entry is the length. */
    private static int[] utf16OffsetOfEachCodePoint(String text) {
        int[] offsets = new int[text.codePointCount(0, text.length()) + 1];
        int k = 0;
        for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
            offsets[k++] = i;
        }
        offsets[k] = text.length();
        return offsets;
    }

    /** Text of a token sequence; special tokens are kept and spaces are not cleaned up. */
    public String decode(int[] ids) {
        checkOpen();
        long[] raw = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            raw[i] = checkId(ids[i], "position " + i);
        }
        return hf.decode(raw, false);
    }

    /**
     * Human-readable text of one token, i.e. {@code decode} of it alone (e.g. {@code " the"} for
     * {@code "Ġthe"}); a token holding part of a character's UTF-8 bytes shows U+FFFD.
     */
    public String tokenText(int id) {
        return decode(new int[] {id});
    }

    /**
     * The token as a user should see it: {@link #tokenText}, except that a byte-level token
     * holding bytes that are not whole UTF-8 characters shows them as {@code <0xF0>} where the
     * decoder would show U+FFFD, and control characters other than tab and line ends (which
     * draw as nothing or a box) show as their byte too, {@code <0x10>}.
     */
    public String displayText(int id) {
        String text = tokenText(id);
        if (text.indexOf('\uFFFD') >= 0 && idToString[id] != null) {
            byte[] bytes = ByteDisplay.bytes(idToString[id]);
            if (bytes != null) return ByteDisplay.show(bytes);
        }
        return ByteDisplay.controls(text);
    }

    /**
     * {@link #displayText}, or {@code <id 50256>} for an id this vocabulary lacks (a model whose
     * d_vocab is padded past its tokenizer, as GPT-2-shaped test models are).
     */
    public String label(int id) {
        if (id < 0 || id >= idToString.length || idToString[id] == null) return "<id " + id + ">";
        return displayText(id);
    }

    /** Raw vocabulary string of a token, e.g. {@code "Ġthe"}. */
    public String tokenString(int id) {
        checkId(id, "tokenString");
        String s = idToString[id];
        if (s == null) {
            throw new IllegalArgumentException("token id " + id + " is unassigned in " + source);
        }
        return s;
    }

    /** Id of a raw vocabulary string (e.g. {@code "Ġthe"}), if the vocabulary has it. */
    public OptionalInt tokenId(String vocabString) {
        Integer id = stringToId.get(vocabString);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** One more than the largest id, counting added tokens: the {@code d_vocab} a model needs. */
    public int vocabSize() {
        return idToString.length;
    }

    /**
     * The id of {@code <|endoftext|>}, which GPT-2 style models also use as beginning of
     * sequence; empty when the vocabulary has no such token.
     */
    public OptionalInt bosId() {
        return tokenId(END_OF_TEXT);
    }

    /** The file this tokenizer came from. */
    public Path source() {
        return source;
    }

    @Override
    public void close() {
        closed = true;
        hf.close();
    }

    private int checkId(int id, String where) {
        if (id < 0 || id >= idToString.length) {
            throw new IllegalArgumentException("token id " + id + " (" + where + ") is outside the vocabulary 0.."
                    + (idToString.length - 1) + " of " + source);
        }
        return id;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("tokenizer " + source + " is closed");
        }
    }
}
