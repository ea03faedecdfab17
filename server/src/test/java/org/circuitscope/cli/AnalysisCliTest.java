package org.circuitscope.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The paths, attribute, ablate and lens commands: JSON fields against the model, and one-line errors. */
class AnalysisCliTest {
    @TempDir static Path tmp;
    static Path model, text;
    /** BOS a b c a b, as the byte-level tokenizer numbers them; A, B, C, X, Z: ids of a, b, c, x, z. */
    static String TOKENS;
    static int BOS, A, B, C, X, Z;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    static JsonObject json(String... args) {
        Run r = run(args);
        assertEquals(0, r.code(), r.err());
        return JsonParser.parseString(r.out()).getAsJsonObject();
    }

    static void oneLineError(Run r, int code, String... contains) {
        assertEquals(code, r.code(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        for (String c : contains) assertTrue(r.err().contains(c), "error should mention '" + c + "': " + r.err());
    }

    @BeforeAll
    static void makeModel() throws Exception {
        model = tmp.resolve("m");
        Run r = run("random-model", "--out", model.toString(), "--n-layers", "2", "--d-model", "32", "--n-heads", "2",
                "--d-head", "16", "--d-mlp", "64", "--n-ctx", "32", "--seed", "5", "--init-std", "0.3");
        assertEquals(0, r.code(), r.err());
        text = Files.writeString(tmp.resolve("p.txt"), "abcab");
        try (LoadedModel m = ModelDirectory.load(model)) {
            var tok = m.tokenizer().orElseThrow();
            BOS = tok.bosId().getAsInt();
            int[] abcxz = tok.encode("abcxz").ids();
            assertEquals(5, abcxz.length, "one token per byte");
            A = abcxz[0]; B = abcxz[1]; C = abcxz[2]; X = abcxz[3]; Z = abcxz[4];
        }
        TOKENS = BOS + "," + A + "," + B + "," + C + "," + A + "," + B;
    }

    static Tensor logits(int... ids) throws Exception {
        try (LoadedModel m = ModelDirectory.load(model)) {
            return m.transformer().forward(ids);
        }
    }

    static int[] ids() { return java.util.Arrays.stream(TOKENS.split(",")).mapToInt(Integer::parseInt).toArray(); }

    static double sum(JsonArray a, String field) {
        double s = 0;
        for (JsonElement e : a) s += e.getAsJsonObject().get(field).getAsDouble();
        return s;
    }

    @Test
    void pathsJsonTermsSumToTheLogitOfTheNextToken() throws Exception {
        JsonObject o = json("paths", "--model", model.toString(), "--tokens", TOKENS, "--pos", "2", "--json");
        assertEquals(2, o.get("position").getAsInt());
        assertEquals(C, o.getAsJsonObject("target").get("id").getAsInt(), "default target: the token at pos + 1");
        assertEquals("c", o.getAsJsonObject("target").get("text").getAsString());
        assertEquals(B, o.getAsJsonObject("token").get("id").getAsInt());
        double logit = logits(ids()).get(2, C);
        assertEquals(logit, o.get("logit").getAsDouble(), 1e-6);
        JsonArray terms = o.getAsJsonArray("terms");
        assertEquals(terms.size(), o.get("n_terms").getAsInt());
        double max = 0;
        for (JsonElement e : terms) {
            JsonObject t = e.getAsJsonObject();
            assertTrue(t.has("kind") && t.has("label") && t.has("value"), t.toString());
            max = Math.max(max, Math.abs(t.get("value").getAsDouble()));
        }
        assertEquals(logit, sum(terms, "value"), 1e-4 * max + 1e-6);
        // 1 direct, 4 heads, 4 virtual, 2 MLP, 2 MLP0->L1H*, biases: 4 b_V + 2 b_O + 2 biases->L1H* + ln_final.b + b_U.
        assertEquals(1 + 4 + 4 + 2 + 2 + 10, terms.size());
    }

    @Test
    void pathsAtTheLastPositionDefaultsToTheTopPredictionAndTakesATextTarget() throws Exception {
        JsonObject o = json("paths", "--model", model.toString(), "--text", text.toString(), "--json");
        Tensor l = logits(ids());
        int best = 0;
        for (int j = 0; j < l.dim(1); j++) if (l.get(5, j) > l.get(5, best)) best = j;
        assertEquals(5, o.get("position").getAsInt(), "BOS + 5 bytes: last position 5");
        assertEquals(best, o.getAsJsonObject("target").get("id").getAsInt());

        o = json("paths", "--model", model.toString(), "--text", text.toString(), "--pos", "-2", "--target", "z", "--json");
        assertEquals(4, o.get("position").getAsInt());
        assertEquals(Z, o.getAsJsonObject("target").get("id").getAsInt());
        assertEquals(l.get(4, Z), o.get("logit").getAsDouble(), 1e-6);
    }

    @Test
    void attributeJsonComponentsSumToTheLogitDifferenceAndSourcesToTheirHead() throws Exception {
        JsonObject o = json("attribute", "--model", model.toString(), "--tokens", TOKENS, "--pos", "4", "--target", String.valueOf(B),
                "--contrast", "x", "--method", "direct", "--json");
        assertEquals("direct", o.get("method").getAsString());
        assertEquals(X, o.getAsJsonObject("contrast").get("id").getAsInt());
        Tensor l = logits(ids());
        double want = (double) l.get(4, B) - l.get(4, X);
        assertEquals(want, o.get("value").getAsDouble(), 1e-5);
        JsonArray comps = o.getAsJsonArray("components");
        assertEquals(want, sum(comps, "value"), 1e-4);
        assertEquals(2 + 4 + 2 + 2 + 2, comps.size(), "embed, pos_embed, 4 heads, 2 b_O, 2 MLPs, ln_final.b, b_U");
        JsonArray heads = o.getAsJsonArray("heads");
        assertEquals(4, heads.size());
        for (JsonElement e : heads) {
            JsonObject h = e.getAsJsonObject();
            JsonArray src = h.getAsJsonArray("sources");
            assertEquals(5, src.size(), "sources 0..4");
            double head = 0;
            for (JsonElement c : comps) if (c.getAsJsonObject().get("label").getAsString().equals(h.get("label").getAsString())) head = c.getAsJsonObject().get("value").getAsDouble();
            assertEquals(head, sum(src, "value"), 1e-4, h.get("label").getAsString());
            JsonObject at1 = null;
            for (JsonElement x : src) if (x.getAsJsonObject().getAsJsonObject("token").get("position").getAsInt() == 1) at1 = x.getAsJsonObject().getAsJsonObject("token");
            assertEquals("a", at1.get("text").getAsString(), "source 1 is the prompt's token 1");
        }
        assertTrue(o.get("contrast").isJsonObject());
        JsonObject plain = json("attribute", "--model", model.toString(), "--tokens", TOKENS, "--pos", "4", "--json");
        assertTrue(plain.get("contrast") == null || plain.get("contrast").isJsonNull());
    }

    @Test
    void gradientMethodsAttributeTheLogProbabilityToEachToken() throws Exception {
        JsonObject ig = json("attribute", "--model", model.toString(), "--tokens", TOKENS, "--pos", "3", "--method", "integrated-gradients",
                "--steps", "64", "--json");
        double sum = 0;
        for (JsonElement e : ig.getAsJsonArray("tokens")) sum += e.getAsJsonObject().get("value").getAsDouble();
        double f = ig.get("logprob").getAsDouble(), base = ig.get("baseline_logprob").getAsDouble();
        assertEquals(sum - (f - base), ig.get("completeness_error").getAsDouble(), 1e-9, "the reported error is Σ − (f − f₀)");
        assertTrue(Math.abs(ig.get("completeness_error").getAsDouble()) < 0.05 * Math.max(1, Math.abs(f - base)), ig.toString());
        JsonObject sal = json("attribute", "--model", model.toString(), "--tokens", TOKENS, "--pos", "3", "--method", "saliency", "--json");
        JsonArray salTokens = sal.getAsJsonArray("tokens");
        assertEquals(4, salTokens.size(), "positions 0..3: later tokens cannot change the prediction at 3");
        for (int i = 0; i < 4; i++) assertEquals(i, salTokens.get(i).getAsJsonObject().getAsJsonObject("token").get("position").getAsInt());
        oneLineError(run("attribute", "--model", model.toString(), "--tokens", TOKENS, "--method", "saliency", "--contrast", "3"), 1, "--contrast");
        oneLineError(run("attribute", "--model", model.toString(), "--tokens", TOKENS, "--method", "shap"), 1, "'shap'", "direct");
    }

    @Test
    void integratedGradientsStepsOutsideTheServersLimitAreRefusedAtOnce() {
        // A billion steps used to run for ever in silence; the limit is the language server's.
        for (String steps : new String[] {"1000000000", "1001", "0"}) {
            Run r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> run("attribute", "--model", model.toString(), "--tokens", TOKENS,
                    "--method", "integrated-gradients", "--steps", steps));
            oneLineError(r, 1, "--steps " + steps, "1–1000");
        }
    }

    @Test
    void errorsQuoteAtMostAFewDozenCharactersOfTheInput() {
        String big = "x".repeat(1 << 20), m = model.toString();
        String[][] cases = {
            {"--target", "paths", "--model", m, "--tokens", TOKENS, "--target", big},
            {"--contrast", "attribute", "--model", m, "--tokens", TOKENS, "--contrast", big},
            {"--heads", "ablate", "--model", m, "--tokens", TOKENS, "--heads", "L0H0," + big},
            {"--tokens", "predict", "--model", m, "--tokens", "1," + big},
            {"--pos", "lens", "--model", m, "--tokens", TOKENS, "--pos", big},
            {"--method", "attribute", "--model", m, "--tokens", TOKENS, "--method", big},
            // Shorter: matching a megabyte-long regular expression against every hook name takes minutes.
            {"--names", "cache", "--model", m, "--tokens", TOKENS, "--names", big.substring(0, 2000), "--out", tmp.resolve("c.st").toString()},
            {"unknown option", "predict", "--model", m, "--tokens", TOKENS, "--" + big},
        };
        for (String[] c : cases) {
            Run r = run(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertNotEquals(0, r.code(), c[0]);
            assertEquals(1, r.err().strip().lines().count(), c[0]);
            assertTrue(r.err().length() < 400, c[0] + ": the error is " + r.err().length() + " characters: " + r.err().substring(0, Math.min(200, r.err().length())));
            assertTrue(r.err().contains("xxx…") && !r.err().contains("x".repeat(Text.INPUT_CHARS + 1)), c[0] + ": " + r.err());
        }
    }

    @Test
    void ablateJsonGivesTheNextTokenLogprobChangeAtEveryPosition() throws Exception {
        JsonObject o = json("ablate", "--model", model.toString(), "--tokens", TOKENS, "--heads", "L1H0,0.1", "--json");
        assertEquals("zero", o.get("mode").getAsString());
        assertEquals("[\"L1H0\",\"L0H1\"]", o.getAsJsonArray("heads").toString());
        JsonArray ps = o.getAsJsonArray("positions");
        assertEquals(5, ps.size());
        Tensor l = logits(ids());
        int[] ids = ids();
        double mean = 0;
        for (int p = 0; p < 5; p++) {
            JsonObject e = ps.get(p).getAsJsonObject();
            assertEquals(ids[p + 1], e.getAsJsonObject("next").get("id").getAsInt());
            int V = l.dim(1);
            double max = Double.NEGATIVE_INFINITY, s = 0;
            for (int j = 0; j < V; j++) max = Math.max(max, l.get(p, j));
            for (int j = 0; j < V; j++) s += Math.exp(l.get(p, j) - max);
            assertEquals(l.get(p, ids[p + 1]) - max - Math.log(s), e.get("logprob").getAsDouble(), 1e-6, "clean log-prob at " + p);
            assertEquals(e.get("ablated_logprob").getAsDouble() - e.get("logprob").getAsDouble(), e.get("change").getAsDouble(), 1e-9);
            mean += e.get("change").getAsDouble() / 5;
        }
        assertEquals(mean, o.get("mean_change").getAsDouble(), 1e-9);
        assertEquals("mean", json("ablate", "--model", model.toString(), "--tokens", TOKENS, "--heads", "L0H0", "--mean", "--json").get("mode").getAsString());
    }

    @Test
    void badHeadLabelsNameTheValidRange() {
        oneLineError(run("ablate", "--model", model.toString(), "--tokens", TOKENS, "--heads", "L2H0"), 1, "L2H0", "0–1", "L1H1");
        oneLineError(run("ablate", "--model", model.toString(), "--tokens", TOKENS, "--heads", "first"), 1, "'first'", "L{layer}H{head}");
    }

    @Test
    void lensJsonLastLayerIsTheModelsPrediction() throws Exception {
        JsonObject o = json("lens", "--model", model.toString(), "--tokens", TOKENS, "--pos", "3", "--top", "3", "--json");
        JsonArray layers = o.getAsJsonArray("layers");
        assertEquals(3, layers.size(), "resid_pre 0, resid_post 0, resid_post 1");
        JsonObject last = layers.get(2).getAsJsonObject();
        assertEquals("blocks.1.hook_resid_post", last.get("hook").getAsString());
        Tensor l = logits(ids());
        int best = 0;
        for (int j = 0; j < l.dim(1); j++) if (l.get(3, j) > l.get(3, best)) best = j;
        JsonObject top = last.getAsJsonArray("top").get(0).getAsJsonObject();
        assertEquals(best, top.get("id").getAsInt());
        assertEquals(l.get(3, best), top.get("logit").getAsDouble(), 1e-4);
        assertEquals(A, o.getAsJsonObject("target").get("id").getAsInt(), "default target: token at pos + 1");
        assertEquals(l.get(3, A), last.get("target_logit").getAsDouble(), 1e-4);
        assertEquals(3, last.getAsJsonArray("top").size());
        assertTrue(last.get("target_rank").getAsInt() >= 1);
    }

    @Test
    void textOutputsAreReadable() {
        Run r = run("paths", "--model", model.toString(), "--tokens", TOKENS, "--top", "5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("more terms") && r.out().contains("logit"), r.out());
        r = run("attribute", "--model", model.toString(), "--tokens", TOKENS);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("direct contributions") && r.out().contains("L0H0"), r.out());
        r = run("ablate", "--model", model.toString(), "--tokens", TOKENS, "--heads", "L0H0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("zero-ablating L0H0"), r.out());
        r = run("lens", "--model", model.toString(), "--tokens", TOKENS);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("blocks.1.hook_resid_post"), r.out());
    }

    @Test
    void targetsPositionsAndOptionsAreCheckedWithOneLineErrors() {
        oneLineError(run("paths", "--model", model.toString(), "--tokens", TOKENS, "--target", "abc"), 1, "'abc'", "3 tokens", "single token");
        oneLineError(run("paths", "--model", model.toString(), "--tokens", TOKENS, "--target", "999"), 1, "999", "vocabulary");
        assertEquals(0, run("paths", "--model", model.toString(), "--tokens", TOKENS, "--target", "text:7").code(), "text: forces a one-token text");
        oneLineError(run("lens", "--model", model.toString(), "--tokens", TOKENS, "--pos", "6"), 1, "--pos 6", "0–5");
        oneLineError(run("attribute", "--model", model.toString(), "--tokens", TOKENS, "--contrast", "ab"), 1, "--contrast", "2 tokens");
        oneLineError(run("ablate", "--model", model.toString(), "--tokens", "5", "--heads", "L0H0"), 1, "at least two");
        assertEquals(2, run("ablate", "--model", model.toString(), "--tokens", TOKENS).code(), "--heads is required");
    }
}
