package org.circuitscope.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Llama-style (SentencePiece BPE with byte fallback) tokenizers: the real Mistral 7B file
 * (src/test/resources/tokenizers/mistral-7b), one trained and written here in Llama 2's legacy
 * form, and the same one rewritten in the newer {@code Metaspace} form.
 */
class LlamaTokenizerTest {

    static final String[] TEXTS = {
        "", " ", "Hello world", "  leading and trailing  ", "multiple   inner    spaces", "line one\r\nline two\r\n",
        "tab\there\t\tand\ttabs", "\n\nnewlines\n", "a😀b", "👩‍👩‍👧 family", "🏳️‍🌈 flag", "日本語のテキスト x",
        "mixed: café, naïve, Ωmega, 😀 and 中文\r\n", "e\u0301", "x\0y", "\uD800\uDC00 old script",
    };

    static final String CORPUS = """
            In the beginning God created the heaven and the earth.
            And the earth was without form, and void; and darkness was upon the face of the deep.
            And the Spirit of God moved upon the face of the waters.
            And God said, Let there be light: and there was light. 日本語 the end, the end.
            """.repeat(3);

    @TempDir
    static Path dir;

    static Tokenizer mistral;
    static Tokenizer legacy;
    static Tokenizer metaspace;

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        mistral = Tokenizer.load(mistralDir().resolve("tokenizer.json"), BosToken.named("<s>"));
        SentencePieceBpeTrainer.Vocabulary v = SentencePieceBpeTrainer.train(CORPUS, 400);
        LlamaTokenizerJsonWriter.write(dir.resolve("legacy.json"), v.chars(), v.merges());
        legacy = Tokenizer.load(dir.resolve("legacy.json"), BosToken.id(1));
        // The form newer conversions write: no normalizer, a Metaspace pre-tokenizer that puts ▁
        // in front of the first piece unless the text already starts with a space.
        JsonObject root = JsonParser.parseString(Files.readString(dir.resolve("legacy.json"))).getAsJsonObject();
        root.add("normalizer", null);
        root.add("pre_tokenizer", JsonParser.parseString(
                "{\"type\":\"Metaspace\",\"replacement\":\"\u2581\",\"prepend_scheme\":\"first\",\"split\":false}"));
        Files.writeString(dir.resolve("metaspace.json"), root.toString());
        metaspace = Tokenizer.load(dir.resolve("metaspace.json"), BosToken.id(1));
    }

    static Path mistralDir() throws URISyntaxException {
        return Path.of(LlamaTokenizerTest.class.getResource("/tokenizers/mistral-7b/tokenizer.json").toURI()).getParent();
    }

    @AfterAll
    static void close() {
        mistral.close();
        legacy.close();
        metaspace.close();
    }

    static Tokenizer pick(String which) {
        return switch (which) {
            case "mistral" -> mistral;
            case "legacy" -> legacy;
            default -> metaspace;
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"mistral", "legacy"})
    void decodeInvertsEncode(String which) {
        Tokenizer tk = pick(which);
        for (String text : TEXTS) {
            assertEquals(text, tk.decode(tk.encode(text).ids()), "round trip of " + escape(text));
        }
    }

    @Test
    void metaspaceFormRoundTripsAllButALeadingSpace() {
        for (String text : TEXTS) {
            String expected = text.startsWith(" ") ? text.substring(1) : text;
            assertEquals(expected, metaspace.decode(metaspace.encode(text).ids()), "round trip of " + escape(text));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mistral", "legacy", "metaspace"})
    void rangesAreTheCharactersOfEachTokensBytes(String which) {
        Tokenizer tk = pick(which);
        boolean prependAlways = !which.equals("metaspace");
        for (String text : TEXTS) {
            assertRangesExact(tk, text, prependAlways || !text.startsWith(" ") ? 1 : 0);
        }
    }

    @Test
    void realTokenizerSpellsWordsSpacesAndBytesAsSentencePieceDoes() {
        assertEquals(List.of("▁Hello", "▁world"), strings(mistral, "Hello world"));
        assertEquals(22557, mistral.tokenId("▁Hello").getAsInt());
        assertEquals(32000, mistral.vocabSize());
        // A line feed has no piece of its own: the byte token <0x0A>, id 3 + 0x0A.
        assertEquals(13, mistral.tokenId("<0x0A>").getAsInt());
        assertTrue(strings(mistral, "a\nb").contains("<0x0A>"), strings(mistral, "a\nb").toString());
        // 👩 (U+1F469, F0 9F 91 A9 in UTF-8) is not in the vocabulary: four byte tokens.
        List<String> woman = strings(mistral, "👩");
        assertEquals(List.of("<0xF0>", "<0x9F>", "<0x91>", "<0xA9>"), woman.subList(woman.size() - 4, woman.size()));
    }

    @Test
    void everyByteTokenOfAnEmojiHasTheWholeEmojisRange() {
        String text = "a👩b";
        Encoding e = mistral.encode(text);
        int bytes = 0;
        for (int t = 0; t < e.size(); t++) {
            if (mistral.tokenString(e.ids()[t]).startsWith("<0x")) {
                assertEquals("👩", text.substring(e.starts()[t], e.ends()[t]), "token " + t);
                bytes++;
            }
        }
        assertEquals(4, bytes);
    }

    @Test
    void prependedSpaceIsEmptyAndDoesNotOverlapTheFirstCharacter() {
        // Legacy normalizer: " lead" becomes "▁▁lead"; the first ▁ is not in the text.
        String text = " lead";
        Encoding e = mistral.encode(text);
        assertEquals(List.of("▁", "▁lead"), strings(mistral, text));
        assertEquals(0, e.starts()[0]);
        assertEquals(0, e.ends()[0], "the inserted ▁ covers no character");
        assertEquals(" lead", text.substring(e.starts()[1], e.ends()[1]));
        // Without a leading space the first token simply starts at the first character.
        Encoding h = mistral.encode("Hello world");
        assertEquals("Hello", "Hello world".substring(h.starts()[0], h.ends()[0]));
        assertEquals(" world", "Hello world".substring(h.starts()[1], h.ends()[1]));
    }

    @Test
    void literalSpecialTokenKeepsItsRangeAndTheLegacyPrefixAfterIt() {
        String text = "x<s>y";
        Encoding e = mistral.encode(text);
        assertEquals(List.of("▁x", "<s>", "▁y"), strings(mistral, text));
        assertEquals("<s>", text.substring(e.starts()[1], e.ends()[1]));
        assertEquals("y", text.substring(e.starts()[2], e.ends()[2]));
        assertEquals("x<s> y", mistral.decode(e.ids()), "the file's own behaviour: ▁ is put in front after <s> too");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mistral", "legacy"})
    void literalSpaceSymbolReadsAsASpaceWithExactRanges(String which) {
        Tokenizer tk = pick(which);
        String text = "a ▁b▁";
        assertEquals("a  b ", tk.decode(tk.encode(text).ids()), "the vocabulary cannot tell ▁ from a space");
        assertRangesExact(tk, text, 1);
    }

    @Test
    void loneSurrogateDoesNotShiftLaterOffsets() {
        String text = "a\uD800b😀c";
        Encoding e = legacy.encode(text);
        int last = e.size() - 1;
        assertEquals("c", text.substring(e.starts()[last], e.ends()[last]));
        assertEquals("a\uFFFDb😀c", legacy.decode(e.ids()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mistral", "legacy"})
    void displayShowsSpacesAndBytesReadably(String which) {
        Tokenizer tk = pick(which);
        int the = tk.tokenId("▁the").getAsInt();
        assertEquals(" the", tk.tokenText(the), "▁ is a space even as a first token");
        assertEquals(" the", tk.displayText(the));
        int lf = tk.tokenId("<0x0A>").getAsInt();
        assertEquals("\n", tk.tokenText(lf));
        assertEquals("\n", tk.displayText(lf));
        int f0 = tk.tokenId("<0xF0>").getAsInt();
        assertEquals("\uFFFD", tk.tokenText(f0));
        assertEquals("<0xF0>", tk.displayText(f0));
        assertEquals("<0x10>", tk.displayText(tk.tokenId("<0x10>").getAsInt()));
        assertEquals("<s>", tk.displayText(1));
        assertEquals("<s>", tk.label(1));
        assertEquals("<id 99999>", tk.label(99999));
        int space = tk.tokenId("▁").getAsInt();
        assertEquals(" ", tk.displayText(space));
    }

    @Test
    void bosIsWhatTheCallerNames() throws IOException, URISyntaxException {
        assertEquals(1, mistral.bosId().getAsInt());
        assertEquals(1, legacy.bosId().getAsInt());
        Path file = mistralDir().resolve("tokenizer.json");
        try (Tokenizer plain = Tokenizer.load(file)) {
            assertTrue(plain.bosId().isEmpty(), "GPT-2's rule: no <|endoftext|> in this vocabulary");
        }
        try (Tokenizer none = Tokenizer.load(file, BosToken.none())) {
            assertTrue(none.bosId().isEmpty());
        }
        try (Tokenizer eos = Tokenizer.load(file, BosToken.id(2))) {
            assertEquals(2, eos.bosId().getAsInt());
        }
        var badId = assertThrows(IOException.class, () -> Tokenizer.load(file, BosToken.id(32000)));
        assertTrue(badId.getMessage().contains("32000") && badId.getMessage().contains("tokenizer.json"), badId.getMessage());
        var badName = assertThrows(IOException.class, () -> Tokenizer.load(file, BosToken.named("<|begin_of_text|>")));
        assertTrue(badName.getMessage().contains("<|begin_of_text|>"), badName.getMessage());
    }

    @Test
    void tokenizerConfigNamesBosAndTheRuleUsesIt() throws IOException, URISyntaxException {
        TokenizerConfigJson tc = TokenizerConfigJson.readIn(mistralDir());
        assertEquals(Optional.of("<s>"), tc.bosToken());
        assertEquals(Optional.of("</s>"), tc.eosToken());
        assertEquals(Optional.of(true), tc.addBosToken());
        assertEquals(BosToken.named("<s>"), BosToken.choose(null, tc));
        assertEquals(BosToken.id(1), BosToken.choose(1, tc), "config.json's bos_token_id comes first");
        assertEquals(BosToken.endOfText(), BosToken.choose(null, TokenizerConfigJson.readIn(dir.resolve("no-such-dir"))));

        // Older files write tokens as AddedToken objects; Qwen2 has no BOS, so its EOS stands in.
        Path d = Files.createDirectories(dir.resolve("cfg"));
        Files.writeString(d.resolve("tokenizer_config.json"),
                "{\"bos_token\": {\"__type\": \"AddedToken\", \"content\": \"<s>\", \"lstrip\": false}, \"add_bos_token\": null}");
        TokenizerConfigJson old = TokenizerConfigJson.readIn(d);
        assertEquals(Optional.of("<s>"), old.bosToken());
        assertTrue(old.addBosToken().isEmpty());
        Files.writeString(d.resolve("tokenizer_config.json"), "{\"bos_token\": null, \"eos_token\": \"<|endoftext|>\"}");
        assertEquals(BosToken.named("<|endoftext|>"), BosToken.choose(null, TokenizerConfigJson.readIn(d)));

        Files.writeString(d.resolve("tokenizer_config.json"), "{\"bos_token\": [1, 2]");
        var e = assertThrows(IOException.class, () -> TokenizerConfigJson.readIn(d));
        assertTrue(e.getMessage().contains("tokenizer_config.json"), e.getMessage());
    }

    /**
     * The invariant the editor relies on, checked against a reference built from the vocabulary
     * strings: the tokens' bytes are {@code inserted} spaces followed by the text's UTF-8; a token
     * covers the characters holding its first through last text byte (whole characters, so never
     * half a surrogate pair), and a token of inserted spaces only is empty at 0; starts never go
     * back; and over each distinct range, the tokens' bytes put together are that range's text.
     */
    static void assertRangesExact(Tokenizer tk, String text, int inserted) {
        String where = escape(text);
        // Spaces as ▁, the form the vocabulary spells them in (same UTF-16 length).
        String wellFormed = text.replace("\uD800b", "\uFFFDb").replace(' ', SentencePieceRef.SPACE);
        byte[] utf8 = wellFormed.getBytes(StandardCharsets.UTF_8);
        int[] charStart = new int[utf8.length];
        int[] charEnd = new int[utf8.length];
        for (int i = 0, b = 0; i < wellFormed.length(); ) {
            int cp = wellFormed.codePointAt(i);
            int units = Character.charCount(cp);
            int n = Character.toString(cp).getBytes(StandardCharsets.UTF_8).length;
            Arrays.fill(charStart, b, b + n, i);
            Arrays.fill(charEnd, b, b + n, i + units);
            b += n;
            i += units;
        }
        Encoding e = tk.encode(text);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int pos = -3 * inserted; // text byte the next token byte stands for; negative: inserted (▁ is 3 bytes)
        int prevStart = 0;
        List<int[]> groups = new ArrayList<>();
        for (int t = 0; t < e.size(); t++) {
            byte[] tb = SentencePieceRef.bytesOf(tk.tokenString(e.ids()[t]));
            all.writeBytes(tb);
            int s = e.starts()[t];
            int end = e.ends()[t];
            String at = "token " + t + " (" + tk.tokenString(e.ids()[t]) + ") of " + where;
            assertTrue(s >= prevStart && end >= s && end <= text.length(), at + ": range " + s + ".." + end);
            assertFalse(s > 0 && s < text.length() && Character.isLowSurrogate(text.charAt(s)), at + " starts inside a pair");
            assertFalse(end > 0 && end < text.length() && Character.isLowSurrogate(text.charAt(end)), at + " ends inside a pair");
            int first = Math.max(pos, 0);
            int last = pos + tb.length - 1;
            if (last < 0) {
                assertEquals(0, s, at + ": only inserted spaces");
                assertEquals(0, end, at + ": only inserted spaces");
            } else {
                assertEquals(charStart[first], s, at + " start");
                assertEquals(charEnd[last], end, at + " end");
                if (groups.isEmpty() || groups.getLast()[0] != s || groups.getLast()[1] != end) {
                    groups.add(new int[] {s, end, first, last + 1});
                } else {
                    groups.getLast()[3] = last + 1;
                }
            }
            pos += tb.length;
            prevStart = s;
        }
        byte[] expected = (String.valueOf(SentencePieceRef.SPACE).repeat(inserted) + wellFormed).getBytes(StandardCharsets.UTF_8);
        if (utf8.length > 0) assertArrayEquals(expected, all.toByteArray(), "tokens' bytes of " + where);
        for (int[] g : groups) {
            assertEquals(wellFormed.substring(g[0], g[1]), new String(utf8, g[2], g[3] - g[2], StandardCharsets.UTF_8),
                    "text under range " + g[0] + ".." + g[1] + " of " + where);
        }
    }

    static List<String> strings(Tokenizer tk, String text) {
        List<String> out = new ArrayList<>();
        for (int id : tk.encode(text).ids()) out.add(tk.tokenString(id));
        return out;
    }

    static String escape(String s) {
        return "\"" + s.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0") + "\"";
    }
}
