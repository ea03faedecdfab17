package org.circuitscope.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenizerTest {

    private static final String[] TEXTS = {
        "", "Hello the world", " the", "the the  the", "  leading and trailing  ", "\n\nnewlines\n",
        "line one\r\nline two\r\n", "tab\there", "Hello , world . It 's n't", // clean-up would eat these spaces
        "a😀b", "👩‍👩‍👧 family", "日本語のテキスト x", "mixed: café, naïve, Ωmega, 😀 and 中文\r\n", "e\u0301", "x\0y",
        "before<|endoftext|>after",
    };

    @TempDir
    static Path dir;

    static Tokenizer bytes;
    static Tokenizer bpe;

    @BeforeAll
    static void load() throws IOException {
        TokenizerJsonWriter.write(dir.resolve("bytes.json"), List.of());
        TokenizerJsonWriter.write(dir.resolve("bpe.json"),
                List.of(new String[] {"Ġ", "t"}, new String[] {"h", "e"}, new String[] {"Ġt", "he"},
                        // Crosses a character boundary: last byte of 日 (E6 97 A5) + first of 本 (E6 9C AC).
                        new String[] {"¥", "æ"}));
        bytes = Tokenizer.load(dir.resolve("bytes.json"));
        bpe = Tokenizer.load(dir.resolve("bpe.json"));
    }

    @AfterAll
    static void close() {
        bytes.close();
        bpe.close();
    }

    @Test
    void byteLevelTokenizerGivesOneTokenPerUtf8Byte() {
        String text = "Hi 😀\r\n日";
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int[] expected = new int[utf8.length];
        for (int i = 0; i < utf8.length; i++) {
            expected[i] = Gpt2Bytes.idOfByte(utf8[i]);
        }
        assertArrayEquals(expected, bytes.encode(text).ids());
        assertEquals(257, bytes.vocabSize());
    }

    @Test
    void bpeMergesSpaceTheIntoOneToken() {
        assertEquals(List.of("Ġthe"), strings(bpe, " the"));
        assertEquals(List.of("t", "he"), strings(bpe, "the"));
        assertEquals(List.of("Ġthe", "n"), strings(bpe, " then"));
        // GPT-2's regex keeps a run of spaces apart from the word, all but the last space.
        assertEquals(List.of("Ġ", "Ġthe"), strings(bpe, "  the"));
        assertEquals(List.of("H", "e", "l", "l", "o", "Ġthe", "Ġ", "w", "o", "r", "l", "d"), strings(bpe, "Hello the world"));
        assertEquals(258, bpe.encode(" the").ids()[0]);
        assertEquals(258, bpe.tokenId("Ġthe").getAsInt());
    }

    @Test
    void vocabularyLookupsAgreeWithTheFile() {
        assertEquals(261, bpe.vocabSize());
        assertEquals("Ġ", bpe.tokenString(220));
        assertEquals("Ġthe", bpe.tokenString(258));
        assertEquals(220, bpe.tokenId("Ġ").getAsInt());
        assertTrue(bpe.tokenId("Ġcat").isEmpty());
        assertEquals(" the", bpe.tokenText(258));
        assertEquals("\n", bpe.tokenText(bpe.tokenId("Ċ").getAsInt()));
        assertEquals("<|endoftext|>", bpe.tokenString(260));
        var e = assertThrows(IllegalArgumentException.class, () -> bpe.tokenString(261));
        assertTrue(e.getMessage().contains("261"), e.getMessage());
    }

    @Test
    void tokenTextOfPartialCharacterShowsReplacementCharacter() {
        int firstByteOfEmoji = Gpt2Bytes.idOfByte(0xF0);
        assertEquals("\uFFFD", bytes.tokenText(firstByteOfEmoji));
    }

    @Test
    void bosIsEndOfTextAndTheLastId() {
        assertEquals(256, bytes.bosId().getAsInt());
        assertEquals(260, bpe.bosId().getAsInt());
        assertEquals("<|endoftext|>", bpe.tokenText(260));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes", "bpe"})
    void decodeInvertsEncodeExactly(String which) {
        Tokenizer tk = which.equals("bytes") ? bytes : bpe;
        for (String text : TEXTS) {
            assertEquals(text, tk.decode(tk.encode(text).ids()), "round trip of " + escape(text));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes", "bpe"})
    void offsetsMatchEachTokensBytes(String which) {
        Tokenizer tk = which.equals("bytes") ? bytes : bpe;
        for (String text : TEXTS) {
            assertOffsetsMatchBytes(tk, text);
        }
    }

    @Test
    void tokensOfOneEmojiAllCoverTheWholeEmoji() {
        Encoding e = bytes.encode("a😀b");
        assertEquals(6, e.size());
        for (int i = 1; i <= 4; i++) {
            assertEquals("😀", "a😀b".substring(e.starts()[i], e.ends()[i]), "token " + i);
        }
        assertEquals("b", "a😀b".substring(e.starts()[5], e.ends()[5]));
    }

    @Test
    void tokenSpanningTwoCharactersCoversBoth() {
        String text = "日本";
        Encoding e = bpe.encode(text);
        int cross = Arrays.stream(e.ids()).boxed().toList().indexOf(bpe.tokenId("¥æ").getAsInt());
        assertTrue(cross >= 0, "expected the merged token ¥æ in " + strings(bpe, text));
        assertEquals(0, e.starts()[cross]);
        assertEquals(2, e.ends()[cross]);
    }

    @Test
    void specialTokenInTextIsOneTokenWithItsRange() {
        String text = "x<|endoftext|>y";
        Encoding e = bpe.encode(text);
        assertArrayEquals(new int[] {bpe.tokenId("x").getAsInt(), 260, bpe.tokenId("y").getAsInt()}, e.ids());
        assertEquals("<|endoftext|>", text.substring(e.starts()[1], e.ends()[1]));
    }

    @Test
    void loneSurrogateDoesNotShiftLaterOffsets() {
        String text = "a\uD800b😀c";
        Encoding e = bytes.encode(text);
        int last = e.size() - 1;
        assertEquals("c", text.substring(e.starts()[last], e.ends()[last]));
        assertEquals("a\uFFFDb😀c", bytes.decode(e.ids()));
    }

    @Test
    void longTextIsNeitherTruncatedNorPadded() {
        String text = "the cat sat. ".repeat(2000);
        Encoding e = bytes.encode(text);
        assertEquals(text.length(), e.size(), "one token per ASCII byte");
        assertEquals(text.length(), e.ends()[e.size() - 1]);
        assertEquals(text, bytes.decode(e.ids()));
    }

    @Test
    void decodeRejectsIdOutsideVocabularyNamingThePosition() {
        var e = assertThrows(IllegalArgumentException.class, () -> bpe.decode(new int[] {1, 2, 9999}));
        assertTrue(e.getMessage().contains("9999") && e.getMessage().contains("position 2"), e.getMessage());
    }

    @Test
    void missingFileIsAnIOExceptionNamingIt() {
        Path missing = dir.resolve("nowhere/tokenizer.json");
        var e = assertThrows(IOException.class, () -> Tokenizer.load(missing));
        assertTrue(e.getMessage().contains(missing.toAbsolutePath().toString()), e.getMessage());
    }

    @Test
    void corruptFileIsAnIOExceptionNamingIt() throws IOException {
        Path notJson = dir.resolve("garbage.json");
        Files.writeString(notJson, "{ this is not json");
        var e = assertThrows(IOException.class, () -> Tokenizer.load(notJson));
        assertTrue(e.getMessage().contains("garbage.json"), e.getMessage());

        // Valid JSON with a vocab, but a merge the native library refuses.
        Path badMerge = dir.resolve("bad-merge.json");
        String good = Files.readString(dir.resolve("bpe.json"));
        Files.writeString(badMerge, good.replace("\"Ġt he\"", "\"Ġt zzz\""));
        var native_ = assertThrows(IOException.class, () -> Tokenizer.load(badMerge));
        assertTrue(native_.getMessage().contains("bad-merge.json"), native_.getMessage());

        Path noVocab = dir.resolve("no-vocab.json");
        Files.writeString(noVocab, "{\"model\": {}}");
        var nv = assertThrows(IOException.class, () -> Tokenizer.load(noVocab));
        assertTrue(nv.getMessage().contains("no-vocab.json") && nv.getMessage().contains("model.vocab"), nv.getMessage());
    }

    @Test
    void closedTokenizerRefusesWork() throws IOException {
        Tokenizer tk = Tokenizer.load(dir.resolve("bytes.json"));
        tk.close();
        assertThrows(IllegalStateException.class, () -> tk.encode("x"));
    }

    /**
     * Closing while other threads encode and decode (a server shutting down under a running
     * analysis) waits for the calls in flight and refuses later ones: the native tokenizer is
     * never freed under a call, which would crash the JVM rather than fail this test.
     */
    @Test
    void closingWhileOtherThreadsEncodeNeitherCrashesNorLetsALaterCallThrough() throws Exception {
        String text = "The quick brown fox jumps over the lazy dog. ".repeat(200);
        for (int round = 0; round < 20; round++) {
            Tokenizer tk = Tokenizer.load(dir.resolve("bytes.json"));
            var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
            java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
            java.util.List<java.util.concurrent.Future<?>> work = new java.util.ArrayList<>();
            for (int t = 0; t < 3; t++) {
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        try {
                            assertEquals(text, tk.decode(tk.encode(text).ids()));
                        } catch (IllegalStateException closed) {
                            refused.incrementAndGet();
                            return;
                        }
                    }
                }));
            }
            Thread.sleep(round % 5);
            tk.close();
            for (var f : work) f.get(30, java.util.concurrent.TimeUnit.SECONDS);
            pool.shutdown();
            assertThrows(IllegalStateException.class, () -> tk.encode("x"), "closed stays closed");
        }
    }

    /**
     * Checks every token's range against a reference built from bytes: the tokens' bytes
     * (from their vocab strings) must tile the text's UTF-8, and a token's range must be the
     * characters holding its first through last byte.
     */
    private static void assertOffsetsMatchBytes(Tokenizer tk, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int[] charStart = new int[utf8.length];
        int[] charEnd = new int[utf8.length];
        int b = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int units = Character.charCount(cp);
            int n = Character.toString(cp).getBytes(StandardCharsets.UTF_8).length;
            for (int k = 0; k < n; k++) {
                charStart[b + k] = i;
                charEnd[b + k] = i + units;
            }
            b += n;
            i += units;
        }
        Encoding e = tk.encode(text);
        StringBuilder rebuilt = new StringBuilder();
        int pos = 0;
        int prevEnd = 0;
        for (int t = 0; t < e.size(); t++) {
            byte[] tb = Gpt2Bytes.bytesOf(tk.tokenString(e.ids()[t]));
            String where = "token " + t + " of " + escape(text);
            assertArrayEquals(Arrays.copyOfRange(utf8, pos, Math.min(utf8.length, pos + tb.length)), tb, where + " bytes");
            assertEquals(charStart[pos], e.starts()[t], where + " start");
            assertEquals(charEnd[pos + tb.length - 1], e.ends()[t], where + " end");
            pos += tb.length;
            rebuilt.append(text, Math.max(prevEnd, e.starts()[t]), e.ends()[t]);
            prevEnd = Math.max(prevEnd, e.ends()[t]);
        }
        assertEquals(utf8.length, pos, "tokens cover all bytes of " + escape(text));
        assertEquals(text, rebuilt.toString(), "ranges tile the text");
    }

    private static List<String> strings(Tokenizer tk, String text) {
        List<String> out = new ArrayList<>();
        for (int id : tk.encode(text).ids()) {
            out.add(tk.tokenString(id));
        }
        return out;
    }

    private static String escape(String s) {
        return "\"" + s.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0") + "\"";
    }

    @Test
    void displayTextShowsPartialCharactersAndInvisibleControlsAsBytes() {
        byte[] emoji = "😀".getBytes(StandardCharsets.UTF_8); // F0 9F 98 80: no byte of it is a character alone
        for (byte b : emoji) {
            int id = Gpt2Bytes.idOfByte(b);
            assertEquals("\uFFFD", bytes.tokenText(id), "the decoder's view of a lone byte");
            assertEquals(String.format("<0x%02X>", b & 0xff), bytes.displayText(id));
        }
        assertEquals("<0x10>", bytes.displayText(Gpt2Bytes.idOfByte((byte) 0x10)), "a control character that draws as nothing");
        assertEquals("<0x7F>", bytes.displayText(Gpt2Bytes.idOfByte((byte) 0x7f)));
        assertEquals("\n", bytes.displayText(Gpt2Bytes.idOfByte((byte) '\n')), "line ends and tabs stay: views escape them");
        assertEquals("\t", bytes.displayText(Gpt2Bytes.idOfByte((byte) '\t')));
        assertEquals("a", bytes.displayText(Gpt2Bytes.idOfByte((byte) 'a')));
        assertEquals("<id 99999>", bytes.label(99999), "an id the vocabulary lacks");
    }
}
