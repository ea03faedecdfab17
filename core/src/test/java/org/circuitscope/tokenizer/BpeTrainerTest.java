package org.circuitscope.tokenizer;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTrainerTest {
    @TempDir Path tmp;

    static final String TEXT = """
            In the beginning God created the heaven and the earth.
            And the earth was without form, and void; and darkness was upon the face of the deep.
            And the Spirit of God moved upon the face of the waters.
            And God said, Let there be light: and there was light. 😀 日本語 the end, the end.
            """.repeat(3);

    @Test
    void firstMergeIsTheMostFrequentAdjacentBytePairWithinPieces() {
        List<String[]> merges = BpeTrainer.train(TEXT, 300);
        // Count byte pairs inside GPT-2 pre-tokens independently (strings of byte symbols).
        Map<String, Integer> counts = new HashMap<>();
        Matcher m = BpeTrainer.GPT2_SPLIT.matcher(TEXT);
        while (m.find()) {
            byte[] b = m.group().getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i + 1 < b.length; i++) {
                counts.merge(TokenizerJsonWriter.byteToUnicode(b[i] & 0xff) + "|" + TokenizerJsonWriter.byteToUnicode(b[i + 1] & 0xff), 1, Integer::sum);
            }
        }
        int max = counts.values().stream().max(Integer::compare).orElseThrow();
        String first = merges.get(0)[0] + "|" + merges.get(0)[1];
        assertEquals(max, counts.get(first), "first merge " + first + " is a most frequent pair");
        assertEquals(43, merges.size(), "300 tokens = 256 bytes + 43 merges + <|endoftext|>");
    }

    @Test
    void trainedTokenizerLoadsInDjlRoundTripsAndCompresses() throws Exception {
        List<String[]> merges = BpeTrainer.train(TEXT, 400);
        Path file = tmp.resolve("tokenizer.json");
        TokenizerJsonWriter.write(file, merges);
        try (Tokenizer tok = Tokenizer.load(file)) {
            assertEquals(257 + merges.size(), tok.vocabSize());
            Encoding e = tok.encode(TEXT);
            assertEquals(TEXT, tok.decode(e.ids()));
            int bytes = TEXT.getBytes(StandardCharsets.UTF_8).length;
            assertTrue(e.size() < bytes / 2, e.size() + " tokens for " + bytes + " bytes: merges must compress this repetitive text");
            // A frequent word is a single token.
            assertEquals(1, tok.encode(" the").size(), "' the' is one token");
        }
    }

    @Test
    void runsOfOneSymbolMergeWithoutOverlapAndTrainingStopsWhenNothingRepeats() throws Exception {
        // "aaaa" merges (a, a) twice in a row, not three times; then (aa, aa). Far more merges are asked
        // for than the text supports: training stops when no pair occurs twice.
        String text = "aaaa aaa aaaa aaaaa";
        List<String[]> merges = BpeTrainer.train(text, 2000);
        assertEquals("a", merges.get(0)[0]);
        assertEquals("a", merges.get(0)[1]);
        assertTrue(merges.size() < 20, merges.size() + " merges from a 19-character text");
        Path file = tmp.resolve("runs.json");
        TokenizerJsonWriter.write(file, merges);
        try (Tokenizer tok = Tokenizer.load(file)) {
            assertEquals(text, tok.decode(tok.encode(text).ids()));
        }
    }

    @Test
    void tooSmallAVocabularyIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> BpeTrainer.train(TEXT, 100));
    }
}
