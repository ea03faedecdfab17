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
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A Hugging Face {@code tokenizer.json} tokenizer (through DJL's native binding) that reports
 * where each token sits in the text, in UTF-16 offsets.
 *
 * <p>Two families of vocabulary are read exactly: byte-level BPE (GPT-2, Pythia, Llama 3, SmolLM,
 * Qwen2) and SentencePiece-style BPE with byte fallback (Llama 2, TinyLlama, Mistral: {@code ▁}
 * for a space, a {@code ▁} put in front of the text, {@code <0x0A>} byte tokens); see
 * {@link TokenBytes}. Ranges are computed from the tokens' bytes as {@link TokenRanges} says.
 *
 * <p>Encoding adds no special tokens and never truncates or pads: the model sees exactly the
 * text's tokens, however long. A literal special token ({@code <|endoftext|>}, {@code <s>})
 * inside the text is matched as that token, as Hugging Face does. Decoding keeps special tokens
 * and does no "clean-up" of spaces, so {@code decode(encode(t).ids())} equals {@code t} for
 * every well-formed {@code t} (a lone surrogate, which is not Unicode text, comes back as
 * U+FFFD), with one exception that is the tokenizer file's own: Llama 2's legacy normalizer
 * puts a {@code ▁} in front of the text after a literal special token too, so {@code "x<s>y"}
 * decodes as {@code "x<s> y"}; a newer {@code Metaspace(prepend_scheme: "first")} file drops a
 * leading space ({@code " a"} decodes as {@code "a"}).
 *
 * <p>BOS: the file does not say which token begins a sequence, so the caller names it
 * ({@link #load(Path, BosToken)}); {@link #load(Path)} keeps GPT-2's convention,
 * {@code <|endoftext|>} (which is also Pythia's BOS, id 0). A model directory's loader uses
 * {@link BosToken#choose}: config.json's {@code bos_token_id} (GPT-2 50256, Pythia 0, Llama 2 and
 * TinyLlama 1 ({@code <s>}), Llama 3 128000, Qwen2 151643), else tokenizer_config.json's
 * {@code bos_token} ({@link TokenizerConfigJson}), else its {@code eos_token}, else
 * {@code <|endoftext|>}. Whether BOS is prepended is the prompt's choice, not the tokenizer's:
 * TransformerLens prepends it by default ({@code default_prepend_bos = True}) whatever
 * {@code add_bos_token} says.
 *
 * <p>Vocabulary look-ups ({@link #tokenString}, {@link #tokenId}, {@link #vocabSize}) read the
 * file's {@code model.vocab} and {@code added_tokens} directly, because DJL does not expose them.
 *
 * <p>Threads: the native encode and decode only read the Rust {@code Tokenizer} (which is
 * {@code Sync}), so sharing one instance should be safe, but that is not tested here;
 * {@link #close} waits for running calls, and later calls fail with IllegalStateException.
 */
public final class Tokenizer implements AutoCloseable {

    private static final String END_OF_TEXT = TokenizerJsonWriter.END_OF_TEXT;

    private final Path source;
    private final HuggingFaceTokenizer hf;
    private final String[] idToString;
    private final Map<String, Integer> stringToId;
    private final TokenBytes tokenBytes;
    private final OptionalInt bosId;
    private volatile boolean closed;
    /** Native calls share it; {@link #close} takes it alone. */
    private final java.util.concurrent.locks.ReentrantReadWriteLock lifetime = new java.util.concurrent.locks.ReentrantReadWriteLock();

    private Tokenizer(Path source, HuggingFaceTokenizer hf, Vocabulary v, OptionalInt bosId) {
        this.source = source;
        this.hf = hf;
        this.idToString = v.idToString;
        this.stringToId = v.stringToId;
        this.tokenBytes = v.bytes;
        this.bosId = bosId;
    }

    /** What {@code readVocabulary} takes from the file. */
    private record Vocabulary(String[] idToString, Map<String, Integer> stringToId, TokenBytes bytes) {}

    /** {@link #load(Path, BosToken)} with GPT-2's convention: BOS is {@code <|endoftext|>} when the vocabulary has it. */
    public static Tokenizer load(Path tokenizerJson) throws IOException {
        return load(tokenizerJson, BosToken.endOfText());
    }

    /**
     * Loads a Hugging Face {@code tokenizer.json}. Needs no network: DJL's native library comes
     * from its jar and is unpacked once into DJL's cache ({@code DJL_CACHE_DIR}, else
     * {@code ~/.djl.ai}).
     *
     * @param bos which token {@link #bosId} returns (see the class comment for each family's)
     * @throws IOException naming the file when it is missing, unreadable, not JSON, or not a
     *     tokenizer the Hugging Face library accepts, or when {@code bos} names a token the
     *     vocabulary lacks
     */
    public static Tokenizer load(Path tokenizerJson, BosToken bos) throws IOException {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IOException("tokenizer file not found: " + tokenizerJson.toAbsolutePath()
                    + " (expected a Hugging Face tokenizer.json)");
        }
        byte[] bytes = Files.readAllBytes(tokenizerJson);
        Vocabulary vocabulary = readVocabulary(tokenizerJson, bytes);
        OptionalInt bosId = resolve(tokenizerJson, vocabulary, bos);

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
        return new Tokenizer(tokenizerJson, hf, vocabulary, bosId);
    }

    private static OptionalInt resolve(Path file, Vocabulary v, BosToken bos) throws IOException {
        return switch (bos) {
            case BosToken.None n -> OptionalInt.empty();
            case BosToken.EndOfText e -> {
                Integer id = v.stringToId.get(END_OF_TEXT);
                yield id == null ? OptionalInt.empty() : OptionalInt.of(id);
            }
            case BosToken.Named n -> {
                Integer id = v.stringToId.get(n.token());
                if (id == null) {
                    throw new IOException("BOS token \"" + n.token() + "\" is not in the vocabulary of " + file.toAbsolutePath());
                }
                yield OptionalInt.of(id);
            }
            case BosToken.Id i -> {
                if (i.id() < 0 || i.id() >= v.idToString.length || v.idToString[i.id()] == null) {
                    throw new IOException("BOS token id " + i.id() + " is not in the vocabulary 0.."
                            + (v.idToString.length - 1) + " of " + file.toAbsolutePath());
                }
                yield OptionalInt.of(i.id());
            }
        };
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

    /** Raw vocabulary strings ↔ ids, from {@code model.vocab} and {@code added_tokens}, and their bytes. */
    private static Vocabulary readVocabulary(Path file, byte[] bytes) throws IOException {
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException("tokenizer file " + file.toAbsolutePath() + " is not UTF-8 text", e);
        }
        Map<String, Integer> vocab = new HashMap<>();
        Set<Integer> addedIds = new HashSet<>();
        JsonObject root;
        try {
            root = JsonParser.parseString(json).getAsJsonObject();
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
                    int id = checkedId(file, content, o.get("id").getAsInt());
                    vocab.put(content, id);
                    addedIds.add(id);
                }
            }
        } catch (RuntimeException e) {
            // Gson reports bad syntax and wrong shapes (a string where an id belongs, a missing
            // field) with unchecked exceptions of several kinds.
            throw new IOException("tokenizer file " + file.toAbsolutePath()
                    + " is not a valid tokenizer.json: " + e.getMessage(), e);
        }
        int size = 0;
        for (int id : vocab.values()) {
            size = Math.max(size, id + 1);
        }
        String[] idToString = new String[size];
        vocab.forEach((s, id) -> idToString[id] = s);
        TokenBytes tokenBytes;
        try {
            tokenBytes = TokenBytes.of(root, idToString, Set.copyOf(addedIds));
        } catch (RuntimeException e) {
            throw new IOException("tokenizer file " + file.toAbsolutePath() + " has a malformed normalizer,"
                    + " pre-tokenizer or decoder: " + e.getMessage(), e);
        }
        return new Vocabulary(idToString, vocab, tokenBytes);
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
        String wellFormed = replaceLoneSurrogates(text);
        ai.djl.huggingface.tokenizers.Encoding e = whileOpen(() -> hf.encode(wellFormed, false, false));
        long[] rawIds = e.getIds();
        CharSpan[] spans = e.getCharTokenSpans();
        int[] charOfCodePoint = utf16OffsetOfEachCodePoint(wellFormed);
        int codePoints = charOfCodePoint.length - 1;
        int n = rawIds.length;
        int[] ids = new int[n];
        int[] nativeStarts = new int[n];
        int[] nativeEnds = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = Math.toIntExact(rawIds[i]);
            CharSpan span = spans[i];
            if (span == null || span.getStart() < 0) {
                // A token with no place in the text (none arise without added special tokens,
                // but a tokenizer.json may still insert some).
                nativeStarts[i] = -1;
                nativeEnds[i] = -1;
                continue;
            }
            // DJL counts Unicode code points (Rust chars); LSP and String count UTF-16 units.
            if (span.getEnd() > codePoints || span.getStart() > span.getEnd()) {
                throw new IllegalStateException("tokenizer returned the range " + span.getStart() + ".."
                        + span.getEnd() + " for token " + i + " of a text of " + codePoints
                        + " code points (" + source + ")");
            }
            nativeStarts[i] = charOfCodePoint[span.getStart()];
            nativeEnds[i] = charOfCodePoint[span.getEnd()];
        }
        int[][] ranges = TokenRanges.of(wellFormed, ids, tokenBytes, nativeStarts, nativeEnds);
        return new Encoding(ids, ranges[0], ranges[1]);
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
        long[] raw = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            raw[i] = checkId(ids[i], "position " + i);
        }
        return whileOpen(() -> hf.decode(raw, false));
    }

    /**
     * Human-readable text of one token as it reads inside a text (e.g. {@code " the"} for
     * {@code "Ġthe"} and for {@code "▁the"}, {@code "\n"} for {@code "<0x0A>"}); a token holding
     * part of a character's UTF-8 bytes shows U+FFFD. For byte-level vocabularies this is
     * {@code decode} of the token alone; a SentencePiece decoder would strip the space of
     * {@code "▁the"} as the first token of a text, so its tokens are read from their bytes.
     */
    public String tokenText(int id) {
        if (tokenBytes.sentencePiece()) {
            checkOpen();
            checkId(id, "tokenText");
            byte[] b = tokenBytes.of(id);
            if (b != null) return new String(b, StandardCharsets.UTF_8);
        }
        return decode(new int[] {id});
    }

    /**
     * The token as a user should see it: {@link #tokenText} ({@code ▁} as a space, a byte token
     * {@code <0x0A>} as its character), except that bytes that are not whole UTF-8 characters
     * show as {@code <0xF0>} where the decoder would show U+FFFD, and control characters other
     * than tab and line ends (which draw as nothing or a box) show as their byte too,
     * {@code <0x10>}.
     */
    public String displayText(int id) {
        checkId(id, "displayText");
        byte[] bytes = tokenBytes.of(id);
        if (bytes != null) return ByteDisplay.show(bytes);
        return ByteDisplay.controls(tokenText(id));
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
     * The beginning-of-sequence token named at {@link #load(Path, BosToken) load}; by default
     * {@code <|endoftext|>}, which GPT-2 style models use as BOS. Empty when there is none.
     */
    public OptionalInt bosId() {
        return bosId;
    }

    /** The file this tokenizer came from. */
    public Path source() {
        return source;
    }

    /**
     * Runs a native call unless the tokenizer is closed, holding the read lock: {@link #close}
     * waits for calls in flight, since freeing the native tokenizer under one crashes the JVM
     * (a warm-up encode racing the server's shutdown did).
     */
    private <T> T whileOpen(java.util.function.Supplier<T> call) {
        lifetime.readLock().lock();
        try {
            checkOpen();
            return call.get();
        } finally {
            lifetime.readLock().unlock();
        }
    }

    @Override
    public void close() {
        lifetime.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
            hf.close();
        } finally {
            lifetime.writeLock().unlock();
        }
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
