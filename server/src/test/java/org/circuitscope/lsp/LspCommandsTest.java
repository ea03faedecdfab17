package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.circuitscope.circuits.HeadDetectors;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.Hook;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.RunOptions;
import org.circuitscope.tensor.Tensor;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Commands over executeCommand and circuitscope/<name>, checked against direct runs; bad
 * arguments get error responses. Every test runs on a model of each family.
 */
@ParameterizedClass(name = "{0}")
@FieldSource("org.circuitscope.lsp.TestModels#FAMILIES")
class LspCommandsTest {
    /** The family this invocation runs on (also handed to {@link #start}). */
    @Parameter String family;
    static Path tmp;
    static LoadedModel model;
    static LspFixture f;
    static final String BODY = "abcabcab";
    static String uri;

    @BeforeParameterizedClassInvocation
    static void start(String family) throws Exception {
        tmp = java.nio.file.Files.createTempDirectory("lsp-commands-" + family);
        Path dir = TestModels.write(tmp, "m3", family, 2, 64, 11);
        model = ModelDirectory.load(dir);
        f = new LspFixture(LspFixture.settingsWithModel(dir), List.of("utf-16"));
        uri = f.open(BODY);
    }

    @AfterParameterizedClassInvocation
    static void stop() throws Exception {
        f.close();
        model.close();
        try (var files = java.nio.file.Files.walk(tmp)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** [BOS] + the body's byte tokens, from the tokenizer directly. */
    static int[] ids() {
        int[] b = model.tokenizer().orElseThrow().encode(BODY).ids();
        int[] out = new int[b.length + 1];
        out[0] = model.tokenizer().orElseThrow().bosId().getAsInt();
        System.arraycopy(b, 0, out, 1, b.length);
        return out;
    }

    static JsonObject args(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        o.addProperty("uri", uri);
        return o;
    }

    static JsonObject exec(String command, JsonElement arg) throws Exception {
        Object r = f.remote.getWorkspaceService().executeCommand(new ExecuteCommandParams(command, List.of(arg))).get(30, TimeUnit.SECONDS);
        return json(r);
    }

    /** LSP4J hands untyped results over as Gson maps; back to a tree. */
    static JsonObject json(Object r) {
        return new com.google.gson.Gson().toJsonTree(r).getAsJsonObject();
    }

    static ResponseErrorException error(CompletableFuture<?> fut) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> fut.get(30, TimeUnit.SECONDS));
        assertInstanceOf(ResponseErrorException.class, e.getCause(), "an error response, got " + e.getCause());
        return (ResponseErrorException) e.getCause();
    }

    static ActivationCache direct() {
        return model.transformer().runWithCache(ids());
    }

    @Test
    void inspectHeadReturnsThePatternOfADirectRunAndDetectorScores() throws Exception {
        ActivationCache c = direct();
        JsonObject r = exec(CommandIds.INSPECT_HEAD, args("{\"layer\": 1, \"head\": 2}"));
        assertEquals("L1H2", r.get("label").getAsString());
        JsonArray pattern = r.getAsJsonArray("pattern");
        int t = ids().length;
        assertEquals(t, pattern.size());
        Tensor a = c.get(HookPoint.attn(1, "pattern"));
        for (int q = 0; q < t; q++) {
            JsonArray row = pattern.get(q).getAsJsonArray();
            assertEquals(q + 1, row.size(), "causal row " + q);
            for (int k = 0; k <= q; k++) assertEquals(a.get(2, q, k), row.get(k).getAsFloat(), 1e-5, "A[" + q + "," + k + "]");
        }
        double prev = HeadDetectors.score(model.config(), c, HeadDetectors.Detector.PREVIOUS_TOKEN)[1][2];
        assertEquals(prev, r.getAsJsonObject("scores").get("previous_token").getAsDouble(), 1e-5);
        assertEquals(t, r.getAsJsonArray("tokens").size());
        // Skip-trigrams: the library's over the whole (257-token) vocabulary.
        var tc = org.circuitscope.circuits.TokenCircuits.of(model.transformer().weights());
        var want = org.circuitscope.circuits.SkipTrigrams.top(tc, 1, 2, 10);
        JsonArray tri = r.getAsJsonObject("scores").getAsJsonArray("skip_trigrams");
        assertEquals(want.size(), tri.size(), "ten skip-trigrams");
        for (int i = 0; i < want.size(); i++) {
            JsonObject x = tri.get(i).getAsJsonObject();
            assertEquals(want.get(i).source(), x.getAsJsonObject("source").get("id").getAsInt(), "trigram " + i + " source");
            assertEquals(want.get(i).out(), x.getAsJsonObject("out").get("id").getAsInt(), "trigram " + i + " out");
            assertEquals(want.get(i).score(), x.get("score").getAsDouble(), 1e-6, "trigram " + i + " score");
        }
        // Composition: L1H2 reads layer-0 heads; each score against a naive float64 ‖L·R‖/(‖L‖‖R‖).
        JsonObject comp = r.getAsJsonObject("composition");
        assertEquals(0, comp.getAsJsonArray("writes_to").size(), "a last-layer head writes to no later head");
        JsonArray reads = comp.getAsJsonArray("reads_from");
        assertEquals(12, reads.size(), "3 modes × 4 earlier heads");
        for (JsonElement e : reads) {
            JsonObject x = e.getAsJsonObject();
            double naive = naiveComposition(x.get("mode").getAsString(), x.get("head").getAsInt(), 2);
            assertEquals(naive, x.get("score").getAsDouble(), 1e-6, x.get("mode").getAsString() + " L0H" + x.get("head").getAsInt() + " → L1H2");
        }
        for (int i = 1; i < reads.size(); i++) {
            assertTrue(reads.get(i - 1).getAsJsonObject().get("score").getAsDouble() >= reads.get(i).getAsJsonObject().get("score").getAsDouble(), "strongest first");
        }
    }

    /**
     * ‖L·R‖_F / (‖L‖_F ‖R‖_F), L = W_V W_O of L0H{h1}; R = W_Q W_Kᵀ (Q), its transpose (K) or
     * W_V W_O (V) of L1H{h2}, in float64. A head's W_K, W_V are its key/value head's (grouped-query
     * models keep them as _W_K, _W_V); QK without the rotation, as TransformerLens.
     */
    static double naiveComposition(String mode, int h1, int h2) {
        var w = model.transformer().weights();
        var cfg = model.config();
        String k1 = org.circuitscope.model.WeightNames.keyValue(cfg, 1, "W_K");
        String v0 = org.circuitscope.model.WeightNames.keyValue(cfg, 0, "W_V"), v1 = org.circuitscope.model.WeightNames.keyValue(cfg, 1, "W_V");
        int kv1 = cfg.keyValueHead(h1), kv2 = cfg.keyValueHead(h2);
        double[][] left = product(w.data(v0), kv1, w.data("blocks.0.attn.W_O"), h1, false);
        double[][] right = switch (mode) {
            case "Q" -> product(w.data("blocks.1.attn.W_Q"), h2, w.data(k1), kv2, true);
            case "K" -> transpose(product(w.data("blocks.1.attn.W_Q"), h2, w.data(k1), kv2, true));
            default -> product(w.data(v1), kv2, w.data("blocks.1.attn.W_O"), h2, false);
        };
        int d = left.length;
        double[][] lr = new double[d][d];
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) for (int k = 0; k < d; k++) lr[i][j] += left[i][k] * right[k][j];
        return norm(lr) / (norm(left) * norm(right));
    }

    /** A[ha] [d_model, d_head] times B[hb] [d_head, d_model] (or A[ha]·B[hb]ᵀ with B [d_model, d_head] when bT). */
    static double[][] product(float[] a, int ha, float[] b, int hb, boolean bT) {
        int d = model.config().dModel(), dh = model.config().dHead();
        double[][] out = new double[d][d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                for (int e = 0; e < dh; e++) out[i][j] += a[(ha * d + i) * dh + e] * (bT ? b[(hb * d + j) * dh + e] : b[(hb * dh + e) * d + j]);
        return out;
    }

    static double[][] transpose(double[][] m) {
        double[][] t = new double[m.length][m.length];
        for (int i = 0; i < m.length; i++) for (int j = 0; j < m.length; j++) t[j][i] = m[i][j];
        return t;
    }

    static double norm(double[][] m) {
        double s = 0;
        for (double[] r : m) for (double x : r) s += x * x;
        return Math.sqrt(s);
    }

    @Test
    void customRequestReachesTheSameCommand() throws Exception {
        Object raw = f.request("circuitscope/attentionPattern", args("{\"layer\": 0}")).get(30, TimeUnit.SECONDS);
        assertNotNull(raw, "a result for circuitscope/attentionPattern");
        JsonObject r = json(raw);
        assertEquals(model.config().nHeads(), r.getAsJsonArray("heads").size(), "all heads of the layer without 'head'");
    }

    @Test
    void detectHeadsScoresEveryHeadLikeTheLibraryOnADirectRun() throws Exception {
        ActivationCache c = direct();
        JsonObject r = exec(CommandIds.DETECT_HEADS, args("{}"));
        JsonArray heads = r.getAsJsonArray("heads");
        assertEquals(model.config().nLayers() * model.config().nHeads(), heads.size());
        double[][] ind = HeadDetectors.score(model.config(), c, HeadDetectors.Detector.INDUCTION);
        for (JsonElement e : heads) {
            JsonObject h = e.getAsJsonObject();
            assertEquals(ind[h.get("layer").getAsInt()][h.get("head").getAsInt()], h.get("induction").getAsDouble(), 1e-5, h.get("label").getAsString());
        }
    }

    @Test
    void ablateReportsTheChangeInLogProbabilityOfAZeroedHead() throws Exception {
        int[] ids = ids();
        Map<String, Hook> hooks = new HashMap<>();
        hooks.put(HookPoint.attn(0, "z"), (z, n) -> {
            Tensor out = z.copy();
            int nh = model.config().nHeads(), dh = model.config().dHead();
            for (int q = 0; q < z.dim(0); q++) for (int i = 0; i < dh; i++) out.data()[(q * nh + 3) * dh + i] = 0;
            return out;
        });
        Tensor clean = model.transformer().forward(ids), ablated = model.transformer().run(ids, new RunOptions(x -> false, hooks)).logits();
        JsonObject r = exec(CommandIds.ABLATE, args("{\"heads\": [\"L0H3\"]}"));
        JsonArray toks = r.getAsJsonArray("positions");
        assertEquals(ids.length - 1, toks.size());
        for (int p = 1; p < ids.length; p++) {
            double d = Reference.logSoftmax(ablated, p - 1)[ids[p]] - Reference.logSoftmax(clean, p - 1)[ids[p]];
            JsonObject row = toks.get(p - 1).getAsJsonObject();
            assertEquals(p, row.getAsJsonObject("next").get("position").getAsInt());
            assertTrue(row.getAsJsonObject("next").has("range"), "a prompt token carries its document range");
            assertEquals(d, row.get("change").getAsDouble(), 1e-4, "change at " + p);
        }
    }

    @Test
    void logitLensLastEntryIsTheModelsOwnPrediction() throws Exception {
        int[] ids = ids();
        JsonObject r = exec(CommandIds.LOGIT_LENS, args("{\"position\": {\"line\": 0, \"character\": 7}}"));
        JsonArray layers = r.getAsJsonArray("layers");
        JsonObject last = layers.get(layers.size() - 1).getAsJsonObject();
        assertEquals(HookPoint.residPost(model.config().nLayers() - 1), last.get("hook").getAsString());
        double expected = Reference.logSoftmax(model.transformer().forward(ids), 7)[ids[8]];
        assertEquals(expected, last.get("target_logprob").getAsDouble(), 1e-4, "log P of the token at 0:7 ('b')");
        assertEquals(1 + model.config().nLayers(), layers.size(), "the embeddings, then after each layer");
        assertEquals(HookPoint.residPre(0), layers.get(0).getAsJsonObject().get("hook").getAsString());
    }

    @Test
    void directAttributionComponentsSumToTheForwardLogitAndSourcesToTheirHead() throws Exception {
        int[] ids = ids();
        JsonObject r = exec(CommandIds.ATTRIBUTE, args("{\"position\": {\"line\": 0, \"character\": 5}}"));
        assertEquals("direct", r.get("method").getAsString());
        // 0:5 is the body's 6th token, model position 6, predicted by logits row 5.
        double logit = model.transformer().forward(ids).get(5, ids[6]);
        assertEquals(logit, r.get("value").getAsDouble(), 1e-4, "the logit explained");
        double sum = 0;
        for (JsonElement e : r.getAsJsonArray("components")) sum += e.getAsJsonObject().get("value").getAsDouble();
        assertEquals(logit, sum, 1e-3, "components add up to the forward pass's logit");
        for (JsonElement e : r.getAsJsonArray("heads")) {
            JsonObject h = e.getAsJsonObject();
            double s = 0;
            for (JsonElement x : h.getAsJsonArray("sources")) s += x.getAsJsonObject().get("value").getAsDouble();
            assertEquals(h.get("total").getAsDouble(), s, 1e-5, h.get("label").getAsString());
        }
    }

    @Test
    void pathExpansionTermsAndTheRestAddUpToTheForwardLogit() throws Exception {
        int[] ids = ids();
        JsonObject r = json(f.request("circuitscope/pathExpansion", args("{\"position\": {\"line\": 0, \"character\": 3}, \"top\": 5}"))
                .get(30, TimeUnit.SECONDS));
        double logit = model.transformer().forward(ids).get(3, ids[4]);
        assertEquals(5, r.getAsJsonArray("terms").size(), "the top 5 terms");
        double sum = r.get("rest").getAsDouble(), prev = Double.POSITIVE_INFINITY;
        for (JsonElement e : r.getAsJsonArray("terms")) {
            double v = e.getAsJsonObject().get("value").getAsDouble();
            assertTrue(Math.abs(v) <= prev, "largest |term| first");
            prev = Math.abs(v);
            sum += v;
        }
        assertEquals(logit, sum, 1e-3, "listed terms + rest = the forward pass's logit");
        assertTrue(r.get("n_terms").getAsInt() > 5, "more terms than listed");
    }

    static JsonObject integratedGradients(int steps) throws Exception {
        return exec(CommandIds.ATTRIBUTE, args("{\"position\": {\"line\": 0, \"character\": 3}, \"method\": \"integrated-gradients\", \"steps\": " + steps + "}"));
    }

    @Test
    void gradientAttributionMethodsAnswerAndUnknownMethodsAreInvalid() throws Exception {
        // Without a positional embedding the normalisation divides the scaled embedding α·e by its own
        // size, so f(α·e) moves only for α near √eps / rms(e) and the Riemann sum converges slowly on
        // rotary models (GradientAttribution's documentation has the figures): there, more steps must
        // shrink the error; with learned positions 64 steps already make it small.
        JsonObject ig = integratedGradients(family.equals("gpt2") ? 64 : 1000);
        double sum = 0;
        for (var e : ig.getAsJsonArray("tokens")) sum += e.getAsJsonObject().get("value").getAsDouble();
        double f0 = ig.get("logprob").getAsDouble(), base = ig.get("baseline_logprob").getAsDouble();
        // Completeness: the attributions add up to f(x) − f(0) up to the reported error.
        assertEquals(sum - (f0 - base), ig.get("completeness_error").getAsDouble(), 1e-9);
        double error = Math.abs(ig.get("completeness_error").getAsDouble());
        if (family.equals("gpt2")) {
            assertTrue(error < 0.05 * Math.max(1, Math.abs(f0 - base)), ig.toString());
        } else {
            double coarse = Math.abs(integratedGradients(64).get("completeness_error").getAsDouble());
            assertTrue(error < coarse / 4, "1,000 steps: error " + error + ", 64 steps: " + coarse);
        }
        JsonObject sal = exec(CommandIds.ATTRIBUTE, args("{\"position\": {\"line\": 0, \"character\": 3}, \"method\": \"saliency\"}"));
        for (var e : sal.getAsJsonArray("tokens")) assertTrue(e.getAsJsonObject().get("value").getAsDouble() >= 0, "saliency is a norm");
        ResponseErrorException u = error(f.request("circuitscope/attribute", args("{\"position\": {\"line\": 0, \"character\": 3}, \"method\": \"magic\"}")));
        assertEquals(ResponseErrorCode.InvalidParams.getValue(), u.getResponseError().getCode());
    }

    @Test
    void badArgumentsAreErrorResponsesAndTheServerKeepsServing() throws Exception {
        var ws = f.remote.getWorkspaceService();
        assertEquals(ResponseErrorCode.InvalidParams.getValue(),
                error(ws.executeCommand(new ExecuteCommandParams("circuitscope.nope", List.of(args("{}"))))).getResponseError().getCode());
        assertTrue(error(f.request("circuitscope/inspectHead", args("{\"layer\": 5, \"head\": 0}"))).getMessage().contains("L5H0 does not exist"));
        assertTrue(error(f.request("circuitscope/inspectHead", args("{\"layer\": 0, \"head\": -1}"))).getMessage().contains("does not exist"));
        assertTrue(error(f.request("circuitscope/inspectHead", args("{\"layer\": \"x\", \"head\": 0}"))).getMessage().contains("'layer' must be an integer"));
        assertTrue(error(f.request("circuitscope/inspectHead", JsonParser.parseString("\"L0H0\""))).getMessage().contains("one JSON object"));
        assertTrue(error(f.request("circuitscope/inspectHead", JsonParser.parseString("42"))).getMessage().contains("one JSON object"));
        assertTrue(error(f.request("circuitscope/detectHeads", JsonParser.parseString("{\"uri\": \"file:///nowhere.prompt\"}"))).getMessage().contains("not open"));
        assertTrue(error(f.request("circuitscope/logitLens", args("{\"position\": {\"line\": 40, \"character\": 0}}"))).getMessage().contains("outside the document"));
        assertTrue(error(f.request("circuitscope/ablate", args("{\"heads\": [\"L9H9\"]}"))).getMessage().contains("does not exist"));
        assertTrue(error(f.request("circuitscope/ablate", args("{\"heads\": \"L0H0\"}"))).getMessage().contains("non-empty array"));
        assertTrue(error(ws.executeCommand(new ExecuteCommandParams(CommandIds.DETECT_HEADS, List.of()))).getMessage().contains("one JSON object"));
        // Still serving:
        assertEquals("L0H1", exec(CommandIds.INSPECT_HEAD, args("{\"layer\": 0, \"head\": 1}")).get("label").getAsString());
    }
}
