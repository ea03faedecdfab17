package org.circuitscope.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.io.SafeTensors;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.HookPoint;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    @TempDir static Path tmp;
    static Path model;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void makeModel() {
        model = tmp.resolve("m");
        Run r = run("random-model", "--out", model.toString(), "--n-layers", "2", "--d-model", "32", "--n-heads", "2",
                "--d-head", "16", "--d-mlp", "64", "--n-ctx", "64", "--seed", "3", "--init-std", "0.3");
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void predictJsonGivesEachTokensLogProbabilityUnderTheModel() throws Exception {
        Path text = Files.writeString(tmp.resolve("p.txt"), "abcab");
        Run r = run("predict", "--model", model.toString(), "--text", text.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        JsonArray pos = o.getAsJsonArray("positions");
        assertEquals(6, pos.size(), "BOS + 5 byte tokens");
        try (LoadedModel m = ModelDirectory.load(model)) {
            int[] ids = new int[6];
            for (int i = 0; i < 6; i++) ids[i] = pos.get(i).getAsJsonObject().get("id").getAsInt();
            assertEquals(m.tokenizer().orElseThrow().bosId().getAsInt(), ids[0]);
            Tensor logits = m.transformer().forward(ids);
            for (int i = 1; i < 6; i++) {
                // log_softmax of the previous position's logits at this token, in float64 here.
                int v = logits.dim(1);
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < v; j++) max = Math.max(max, logits.data()[(i - 1) * v + j]);
                for (int j = 0; j < v; j++) sum += Math.exp(logits.data()[(i - 1) * v + j] - max);
                double want = logits.data()[(i - 1) * v + ids[i]] - max - Math.log(sum);
                assertEquals(want, pos.get(i).getAsJsonObject().get("logprob").getAsDouble(), 1e-6, "position " + i);
            }
            JsonArray top = pos.get(2).getAsJsonObject().getAsJsonArray("top");
            assertEquals(5, top.size());
            for (int k = 1; k < 5; k++) {
                assertTrue(top.get(k - 1).getAsJsonObject().get("logprob").getAsDouble() >= top.get(k).getAsJsonObject().get("logprob").getAsDouble());
            }
        }
        assertNull(pos.get(0).getAsJsonObject().get("logprob"), "the first token has no log-probability");
    }

    @Test
    void cacheFileHoldsEveryHookPointAndTheTokens() throws Exception {
        Path out = tmp.resolve("cache.safetensors");
        Run r = run("cache", "--model", model.toString(), "--tokens", "5,17,42,5,17", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        try (LoadedModel m = ModelDirectory.load(model); SafeTensors st = SafeTensors.open(out)) {
            int[] ids = {5, 17, 42, 5, 17};
            ActivationCache want = m.transformer().runWithCache(ids);
            for (String name : HookPoint.all(m.config())) {
                assertTrue(st.contains(name), name);
                assertArrayEquals(want.get(name).shape(), st.read(name).shape(), name);
                assertArrayEquals(want.get(name).data(), st.read(name).data(), 0f, name);
            }
            assertEquals("I64", st.info("tokens").dtype());
            assertArrayEquals(new float[] {5, 17, 42, 5, 17}, st.read("tokens").data());
        }
    }

    @Test
    void namesFilterAndWeightProcessingFlags() throws Exception {
        Path out = tmp.resolve("patterns.safetensors");
        Run r = run("cache", "--model", model.toString(), "--tokens", "1,2,3", "--names", "blocks\\.\\d\\.attn\\.hook_pattern",
                "--fold-ln", "--center-writing-weights", "--center-unembed", "--fold-value-biases", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        try (SafeTensors st = SafeTensors.open(out)) {
            assertEquals(java.util.List.of("blocks.0.attn.hook_pattern", "blocks.1.attn.hook_pattern", "tokens"), st.names());
        }
    }

    @Test
    void userMistakesAreOneLineAndNonZero() throws Exception {
        Run r = run("predict", "--model", tmp.resolve("nope").toString(), "--tokens", "1");
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("nope"), r.err());

        r = run("predict", "--model", model.toString(), "--tokens", "1,999");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("999") && r.err().contains("position 1"), r.err());

        r = run("predict", "--model", model.toString(), "--tokens", "1", "--bogus");
        assertEquals(2, r.code());

        Path bin = Files.write(tmp.resolve("bin.txt"), new byte[] {1, 0, 2, 3});
        r = run("predict", "--model", model.toString(), "--text", bin.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("binary"), r.err());

        Path longText = Files.writeString(tmp.resolve("long.txt"), "x".repeat(100));
        r = run("predict", "--model", model.toString(), "--text", longText.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("101 tokens") && r.err().contains("64"), r.err());

        r = run("cache", "--model", model.toString(), "--tokens", "1", "--names", "nothing.matches", "--out", tmp.resolve("x").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("matches no hook point"), r.err());
        assertFalse(Files.exists(tmp.resolve("x")));
    }

    @Test
    void headsCommandReportsEveryHead() {
        Run r = run("heads", "--model", model.toString(), "--json", "--sequences", "2", "--length", "10");
        assertEquals(0, r.code(), r.err());
        JsonArray heads = JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonArray("heads");
        assertEquals(4, heads.size());
        assertEquals("L1H0", heads.get(2).getAsJsonObject().get("label").getAsString());
        double ind = heads.get(3).getAsJsonObject().get("induction_score").getAsDouble();
        assertTrue(ind >= 0 && ind <= 1, "a score is attention mass: " + ind);
    }
}
