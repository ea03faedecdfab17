package org.circuitscope.cli;

import static org.circuitscope.cli.AnalysisCliTest.json;
import static org.circuitscope.cli.AnalysisCliTest.oneLineError;
import static org.circuitscope.cli.AnalysisCliTest.run;
import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.circuitscope.circuits.BigramCounts;
import org.circuitscope.circuits.DirectPathBigrams;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bigrams} on a random zero-layer model: its JSON against the text, and one-line errors. */
class BigramsCliTest {
    @TempDir static Path tmp;
    static Path model, text;

    @BeforeAll
    static void makeModel() throws Exception {
        model = tmp.resolve("zero");
        var r = run("random-model", "--out", model.toString(), "--n-layers", "0", "--d-model", "16", "--n-heads", "2",
                "--d-head", "8", "--n-ctx", "16", "--attn-only", "--seed", "2", "--init-std", "0.5");
        assertEquals(0, r.code(), r.err());
        // One byte-level token per letter: "ab" 7 times, "ba" 4 times, "bc" and "ca" twice.
        text = Files.writeString(tmp.resolve("t.txt"), "abababcabababcab");
    }

    @Test
    void jsonCountsTheTextsPairsAndSortsTheTopByCount() throws Exception {
        JsonObject o = json("bigrams", "--model", model.toString(), "--text", text.toString(), "--min-count", "2", "--top", "3", "--json");
        assertEquals(0, o.get("n_layers").getAsInt());
        assertEquals(1, o.get("position").getAsInt(), "after the BOS the model prepends");
        assertEquals(15, o.get("counted_pairs").getAsLong(), "16 one-byte tokens");
        assertEquals(4, o.get("distinct_pairs").getAsInt(), "ab, ba, bc, ca");
        assertEquals(4, o.get("pairs").getAsInt(), "every pair occurs at least twice");
        JsonArray top = o.getAsJsonArray("top");
        assertEquals(3, top.size());
        JsonObject first = top.get(0).getAsJsonObject();
        assertEquals("a", first.getAsJsonObject("prev").get("text").getAsString());
        assertEquals("b", first.getAsJsonObject("next").get("text").getAsString());
        assertEquals(7, first.get("count").getAsInt());
        assertEquals(0.0, first.get("corpus_logprob").getAsDouble(), 1e-12, "a is always followed by b");
        assertEquals(Math.log(4.0 / 6), top.get(1).getAsJsonObject().get("corpus_logprob").getAsDouble(), 1e-12, "ba: 4 of b's 6 successors");
        // The same figures as the library on the same counts.
        try (LoadedModel m = ModelDirectory.load(model)) {
            var ids = m.tokenizer().orElseThrow().encode(Files.readString(text)).ids();
            var r = DirectPathBigrams.compute(m.transformer().weights(), new BigramCounts(ids, m.config().dVocab()), 1, 2, 3);
            assertEquals(r.correlation(), o.get("correlation").getAsDouble(), 1e-12);
            assertEquals(r.top().getFirst().directLogprob(), first.get("direct_logprob").getAsDouble(), 1e-12);
        }
        assertTrue(run("bigrams", "--model", model.toString(), "--text", text.toString(), "--min-count", "2").out().contains("correlation"));
    }

    @Test
    void badInputIsOneLine() {
        oneLineError(run("bigrams", "--model", model.toString(), "--text", tmp.resolve("none.txt").toString()), 1, "no such file");
        oneLineError(run("bigrams", "--model", model.toString(), "--text", text.toString(), "--min-count", "7"), 1, "too few");
        oneLineError(run("bigrams", "--model", model.toString(), "--text", text.toString(), "--min-count", "0"), 1, "--min-count");
        oneLineError(run("lens", "--model", model.toString(), "--tokens", "1,2"), 1, "no layers");
    }
}
