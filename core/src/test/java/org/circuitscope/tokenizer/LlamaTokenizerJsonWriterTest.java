package org.circuitscope.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaTokenizerJsonWriterTest {

    @TempDir
    Path dir;

    @Test
    void idsAreSpecialsThenBytesThenCharactersThenMerges() throws IOException {
        Path file = dir.resolve("tokenizer.json");
        LlamaTokenizerJsonWriter.write(file, List.of("▁", "t", "h", "e"),
                List.of(new String[] {"▁", "t"}, new String[] {"h", "e"}, new String[] {"▁t", "he"}));
        JsonObject vocab = JsonParser.parseString(Files.readString(file)).getAsJsonObject()
                .getAsJsonObject("model").getAsJsonObject("vocab");
        assertEquals(0, vocab.get("<unk>").getAsInt());
        assertEquals(1, vocab.get("<s>").getAsInt());
        assertEquals(2, vocab.get("</s>").getAsInt());
        assertEquals(3, vocab.get("<0x00>").getAsInt());
        assertEquals(13, vocab.get("<0x0A>").getAsInt(), "Llama 2's id of a line feed");
        assertEquals(258, vocab.get("<0xFF>").getAsInt());
        assertEquals(259, vocab.get("▁").getAsInt());
        assertEquals(262, vocab.get("e").getAsInt());
        assertEquals(265, vocab.get("▁the").getAsInt());
        assertEquals(266, vocab.size());

        try (Tokenizer tk = Tokenizer.load(file, BosToken.id(1))) {
            assertEquals(List.of("▁the", "▁the"), LlamaTokenizerTest.strings(tk, "the the"));
            assertEquals(List.of("<0x41>"), LlamaTokenizerTest.strings(tk, "A").subList(1, 2), "A is not a character here: byte fallback");
            assertEquals("the\nthe A😀", tk.decode(tk.encode("the\nthe A😀").ids()));
            assertEquals("<s>", tk.tokenText(tk.bosId().getAsInt()));
        }
    }

    @Test
    void badCharactersAndMergesAreRejected() {
        Path f = dir.resolve("t.json");
        assertThrows(IllegalArgumentException.class, () -> LlamaTokenizerJsonWriter.write(f, List.of(" "), List.of()));
        assertThrows(IllegalArgumentException.class, () -> LlamaTokenizerJsonWriter.write(f, List.of("ab"), List.of()));
        assertThrows(IllegalArgumentException.class, () -> LlamaTokenizerJsonWriter.write(f, List.of("a", "a"), List.of()));
        var e = assertThrows(IllegalArgumentException.class,
                () -> LlamaTokenizerJsonWriter.write(f, List.of("a"), List.<String[]>of(new String[] {"a", "b"})));
        assertTrue(e.getMessage().contains("merge 0"), e.getMessage());
    }

    @Test
    void trainerCountsCharacterPairsWithinWordsAndLeavesControlsToBytes() throws IOException {
        String text = LlamaTokenizerTest.CORPUS;
        SentencePieceBpeTrainer.Vocabulary v = SentencePieceBpeTrainer.train(text, 400);
        assertEquals("▁", v.chars().getFirst());
        assertFalse(v.chars().contains("\n"), "a line feed is spelled <0x0A>, as in Llama 2");
        assertTrue(v.chars().contains("日"));
        // Independent count: words start at ▁ ("▁" + text with spaces as ▁) and end at a line feed.
        Map<String, Integer> counts = new HashMap<>();
        for (String line : ("▁" + text.replace(' ', '▁')).split("\n")) {
            for (String word : line.split("(?=▁)")) {
                int[] cps = word.codePoints().toArray();
                for (int i = 0; i + 1 < cps.length; i++) counts.merge(Character.toString(cps[i]) + "|" + Character.toString(cps[i + 1]), 1, Integer::sum);
            }
        }
        int max = counts.values().stream().max(Integer::compare).orElseThrow();
        String first = v.merges().getFirst()[0] + "|" + v.merges().getFirst()[1];
        assertEquals(max, counts.get(first), "first merge " + first + " is a most frequent pair");
        assertEquals(400, LlamaTokenizerJsonWriter.FIXED + v.chars().size() + v.merges().size());

        Path file = dir.resolve("trained.json");
        LlamaTokenizerJsonWriter.write(file, v.chars(), v.merges());
        try (Tokenizer tk = Tokenizer.load(file)) {
            assertTrue(tk.vocabSize() <= 400);
            Encoding e = tk.encode(text);
            assertEquals(text, tk.decode(e.ids()));
            int chars = text.codePointCount(0, text.length());
            assertTrue(e.size() < chars / 2, e.size() + " tokens for " + chars + " characters: merges must compress");
            assertEquals(List.of("▁the"), LlamaTokenizerTest.strings(tk, "the"));
            assertTrue(tk.bosId().isEmpty(), "no <|endoftext|>: a Llama vocabulary needs its BOS named");
        }
        assertThrows(IllegalArgumentException.class, () -> SentencePieceBpeTrainer.train(text, 259));
    }
}
