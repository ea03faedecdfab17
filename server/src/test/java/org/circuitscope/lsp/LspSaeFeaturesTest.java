package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.LogitOps;
import org.circuitscope.model.RunOptions;
import org.circuitscope.sae.Sae;
import org.circuitscope.tensor.Tensor;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InlayHint;
import org.eclipse.lsp4j.InlayHintParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SAE features through the real language server: the hover's features, top-feature inlay hints,
 * the feature card and feature ablation, each against the shipped model run directly in the test
 * and the SAE applied to that activation; the front matter and the setting that name SAEs; and
 * the errors a user gets for SAEs that do not fit or features that do not exist.
 */
class LspSaeFeaturesTest {
    static final String RESID = "blocks.0.hook_resid_post", MLP = "blocks.1.mlp.hook_post";
    static final String BODY = "In the beginning God created the heaven and the earth. And God said, Let there be light: and there was light.\n";

    @TempDir static Path tmp;
    static Path saes, docs;
    static LoadedModel attn, gelu;
    static Sae resid0, mlp1;
    static LspFixture f;

    @BeforeAll
    static void start() throws Exception {
        saes = tmp.resolve("saes");
        docs = Files.createDirectories(tmp.resolve("docs"));
        resid0 = Sae.load(TestSaes.relu(saes, "resid0", RESID, 128, 64, 1));
        mlp1 = Sae.load(TestSaes.topK(saes, "mlp1", MLP, 512, 96, 6, 2));
        attn = ModelDirectory.load(TestSaes.ATTN_ONLY_2L);
        gelu = ModelDirectory.load(TestSaes.GELU_2L);
        f = new LspFixture(LspFixture.settingsWithModel(TestSaes.ATTN_ONLY_2L), List.of("utf-16"));
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
        attn.close();
        gelu.close();
    }

    // ---------------------------------------------------------------- helpers

    static String front(String... lines) { return "---\ncircuitscope:\n" + String.join("", lines.length == 0 ? new String[0] : prefixed(lines)) + "---\n"; }

    private static String[] prefixed(String[] lines) {
        String[] out = new String[lines.length];
        for (int i = 0; i < lines.length; i++) out[i] = "  " + lines[i] + "\n";
        return out;
    }

    static int docs_ = 0;

    /** Opens {@code text} as a file in the docs folder (front matter paths resolve against it). */
    static String open(LspFixture fx, String text) {
        String uri = docs.resolve("doc" + (++docs_) + ".prompt").toUri().toString();
        fx.remote.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, "prompt", 1, text)));
        return uri;
    }

    static Position at(String text, int off) {
        int line = 0, start = 0;
        for (int i = 0; i < off; i++) if (text.charAt(i) == '\n') { line++; start = i + 1; }
        return new Position(line, off - start);
    }

    /** [BOS] + the body's tokens, and each body token's start in the body. */
    static int[] ids(LoadedModel m) {
        int[] b = m.tokenizer().orElseThrow().encode(BODY).ids();
        int[] out = new int[b.length + 1];
        out[0] = m.tokenizer().orElseThrow().bosId().getAsInt();
        System.arraycopy(b, 0, out, 1, b.length);
        return out;
    }

    static int bodyStart(LoadedModel m, int position) { return m.tokenizer().orElseThrow().encode(BODY).starts()[position - 1]; }

    static Tensor hookActivation(LoadedModel m, String hook) {
        return m.transformer().run(ids(m), RunOptions.names(List.of(hook))).get(hook);
    }

    record Active(String id, double activation) {}

    /** The features active at {@code p}, strongest first (ties by index), from the SAE's dense encoding. */
    static List<Active> expected(Sae sae, Tensor enc, int p) {
        int d = sae.config().dSae();
        List<Active> out = new ArrayList<>();
        for (int i = 0; i < d; i++) if (enc.data()[p * d + i] > 0) out.add(new Active(sae.name() + ":" + i, enc.data()[p * d + i]));
        out.sort(Comparator.comparingDouble((Active a) -> -a.activation()).thenComparingInt(a -> Integer.parseInt(a.id().split(":")[1])));
        return out;
    }

    static final Pattern ROW = Pattern.compile("^\\| \\[(\\S+?)\\]\\(.*\\) \\| ([0-9.]+) \\| (.*) \\|$");

    record Row(String id, double activation, String label) {}

    static List<Row> featureRows(String markdown) {
        List<Row> out = new ArrayList<>();
        for (String line : markdown.split("\n")) {
            Matcher m = ROW.matcher(line);
            // A bar inside a table cell is escaped, even in a code span.
            if (m.matches()) out.add(new Row(m.group(1), Double.parseDouble(m.group(2)), m.group(3).replace("\\|", "|")));
        }
        return out;
    }

    static String hover(LspFixture fx, String uri, String text, int off) throws Exception {
        Hover h = fx.remote.getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(uri), at(text, off))).get(60, TimeUnit.SECONDS);
        assertNotNull(h, "a hover at " + off);
        return h.getContents().getRight().getValue();
    }

    static JsonObject exec(String command, JsonObject args) throws Exception {
        Object r = f.remote.getWorkspaceService().executeCommand(new ExecuteCommandParams(command, List.of(args))).get(60, TimeUnit.SECONDS);
        return new com.google.gson.Gson().toJsonTree(r).getAsJsonObject();
    }

    static ResponseErrorException error(String command, JsonObject args) {
        var e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> f.remote.getWorkspaceService().executeCommand(new ExecuteCommandParams(command, List.of(args))).get(60, TimeUnit.SECONDS));
        assertInstanceOf(ResponseErrorException.class, e.getCause(), "an error response, got " + e.getCause());
        return (ResponseErrorException) e.getCause();
    }

    static JsonObject args(String uri, String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        o.addProperty("uri", uri);
        return o;
    }

    /** The d_vocab logits of a residual direction through ln_final (centred, times its weight; the scale left at 1) and W_U, naive float64. */
    static double[] naiveLogits(LoadedModel m, double[] r, double scale) {
        var w = m.transformer().weights();
        int d = m.config().dModel(), v = m.config().dVocab();
        double[] u = new double[d];
        double mean = 0;
        for (int j = 0; j < d; j++) { u[j] = r[j] * w.lnFinal().w().data()[j]; mean += u[j] / d; }
        for (int j = 0; j < d; j++) u[j] = (u[j] - mean) / scale;
        double[] out = new double[v];
        for (int t = 0; t < v; t++) for (int j = 0; j < d; j++) out[t] += u[j] * w.wU().data()[j * v + t];
        return out;
    }

    static double[] row(Sae sae, int i) {
        float[] x = sae.decoderRow(i);
        double[] out = new double[x.length];
        for (int j = 0; j < x.length; j++) out[j] = x[j];
        return out;
    }

    static List<Integer> topIds(double[] v, int k, boolean largest) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < v.length; i++) idx.add(i);
        idx.sort(Comparator.comparingDouble((Integer i) -> largest ? -v[i] : v[i]));
        return idx.subList(0, k);
    }

    // ---------------------------------------------------------------- tests

    @Test
    void hoverListsTheTopFiveFeaturesOfTheTokenAsTheSaeEncodesItsHookActivation() throws Exception {
        String fm = front("saes: [../saes/resid0]");
        String text = fm + BODY;
        String uri = open(f, text);
        Tensor enc = resid0.encode(hookActivation(attn, RESID));
        int checked = 0;
        for (int p : new int[] {1, 4, 9, 17}) {
            List<Active> want = expected(resid0, enc, p);
            List<Row> got = featureRows(hover(f, uri, text, fm.length() + bodyStart(attn, p)));
            assertEquals(Math.min(5, want.size()), got.size(), "features listed at position " + p);
            for (int i = 0; i < got.size(); i++) {
                assertEquals(want.get(i).id(), got.get(i).id(), "feature " + i + " at position " + p);
                assertEquals(want.get(i).activation(), got.get(i).activation(), 6e-4, "activation of " + got.get(i).id() + " at position " + p);
            }
            checked += got.size();
            // The label: the feature's top three tokens through the unembed, in order.
            int feature = Integer.parseInt(got.getFirst().id().split(":")[1]);
            List<Integer> top = topIds(naiveLogits(attn, row(resid0, feature), 1), 3, true);
            String label = got.getFirst().label();
            int from = 0;
            for (int t : top) {
                String tok = attn.tokenizer().orElseThrow().label(t).replace("\"", "\\\"");
                int i = label.indexOf(tok, from);
                assertTrue(i >= from, "label " + label + " lists token " + tok + " after offset " + from);
                from = i + tok.length();
            }
        }
        assertTrue(checked >= 10, "the SAE fires somewhere: " + checked + " features checked");
    }

    @Test
    void topFeatureInlayHintsNameEachTokensStrongestFeature() throws Exception {
        String fm = front("saes: [../saes/resid0]", "annotations: top-feature");
        String text = fm + BODY;
        String uri = open(f, text);
        List<InlayHint> hints = f.remote.getTextDocumentService().inlayHint(new InlayHintParams(new TextDocumentIdentifier(uri),
                new Range(new Position(0, 0), at(text, text.length())))).get(60, TimeUnit.SECONDS);
        Tensor enc = resid0.encode(hookActivation(attn, RESID));
        int[] ids = ids(attn);
        var tok = attn.tokenizer().orElseThrow().encode(BODY);
        List<String> want = new ArrayList<>();
        List<Position> where = new ArrayList<>();
        for (int p = 1; p < ids.length; p++) {
            List<Active> a = expected(resid0, enc, p);
            if (a.isEmpty()) continue;
            want.add(a.getFirst().id() + " " + String.format(java.util.Locale.ROOT, "%.2f", a.getFirst().activation()));
            where.add(at(text, fm.length() + tok.ends()[p - 1]));
        }
        assertEquals(want, hints.stream().map(h -> h.getLabel().getLeft()).toList());
        assertEquals(where, hints.stream().map(InlayHint::getPosition).toList());
    }

    @Test
    void featureCardGivesTheActivationsLogitsAndNormOfTheFeature() throws Exception {
        String fm = front("saes: [../saes/resid0]");
        String uri = open(f, fm + BODY);
        Tensor enc = resid0.encode(hookActivation(attn, RESID));
        int feature = Integer.parseInt(expected(resid0, enc, 4).getFirst().id().split(":")[1]);
        JsonObject r = exec(CommandIds.FEATURE_CARD, args(uri, "{\"feature\": \"resid0:" + feature + "\"}"));
        assertEquals("resid0:" + feature, r.get("feature").getAsString());
        Object viaRequest = f.request(CommandIds.requestMethod(CommandIds.FEATURE_CARD), args(uri, "{\"feature\": \"resid0:" + feature + "\"}"))
                .get(60, TimeUnit.SECONDS);
        assertEquals(r, new com.google.gson.Gson().toJsonTree(viaRequest), "the custom request answers as executeCommand does");
        JsonArray acts = r.getAsJsonArray("activations");
        int t = ids(attn).length, active = 0;
        assertEquals(t, acts.size());
        for (int p = 0; p < t; p++) {
            float want = enc.data()[p * 64 + feature];
            if (want > 0) active++;
            assertEquals(want, acts.get(p).getAsDouble(), 1e-5, "activation at " + p);
        }
        assertEquals(active, r.get("active_tokens").getAsInt());
        double norm = 0;
        for (double x : row(resid0, feature)) norm += x * x;
        assertEquals(Math.sqrt(norm), r.get("decoder_norm").getAsDouble(), 1e-6);
        // Promoted/suppressed: the decoder row through ln_final with the document's mean scale, then W_U.
        float[] scale = attn.transformer().run(ids(attn), RunOptions.names(List.of(HookPoint.LN_FINAL_SCALE))).get(HookPoint.LN_FINAL_SCALE).data();
        double mean = 0;
        for (float s : scale) mean += s / scale.length;
        double[] logits = naiveLogits(attn, row(resid0, feature), mean);
        checkLogits(r.getAsJsonArray("promoted"), logits, topIds(logits, 10, true));
        checkLogits(r.getAsJsonArray("suppressed"), logits, topIds(logits, 10, false));
        JsonArray contexts = r.getAsJsonArray("top_contexts");
        assertEquals(Math.min(10, active), contexts.size());
        assertEquals(Math.max(0, contexts.get(0).getAsJsonObject().get("activation").getAsDouble()), maxOf(acts), 1e-6, "the first context is the strongest");
    }

    @Test
    void featureCardOfAnMlpFeatureReadsItsDecoderRowThroughWOut() throws Exception {
        String fm = front("model: " + TestSaes.GELU_2L, "saes: [../saes/mlp1]");
        String uri = open(f, fm + BODY);
        int feature = 5;
        JsonObject r = exec(CommandIds.FEATURE_CARD, args(uri, "{\"feature\": \"mlp1:" + feature + "\"}"));
        float[] wOut = gelu.transformer().weights().layer(1).mlp().wOut().data();
        double[] dec = row(mlp1, feature), resid = new double[128];
        for (int i = 0; i < 512; i++) for (int j = 0; j < 128; j++) resid[j] += dec[i] * wOut[i * 128 + j];
        float[] scale = gelu.transformer().run(ids(gelu), RunOptions.names(List.of(HookPoint.LN_FINAL_SCALE))).get(HookPoint.LN_FINAL_SCALE).data();
        double mean = 0;
        for (float s : scale) mean += s / scale.length;
        double[] logits = naiveLogits(gelu, resid, mean);
        checkLogits(r.getAsJsonArray("promoted"), logits, topIds(logits, 10, true));
        Tensor enc = mlp1.encode(hookActivation(gelu, MLP));
        JsonArray acts = r.getAsJsonArray("activations");
        for (int p = 0; p < acts.size(); p++) assertEquals(enc.data()[p * 96 + feature], acts.get(p).getAsDouble(), 1e-5, "activation at " + p);
    }

    static double maxOf(JsonArray a) {
        double m = 0;
        for (JsonElement e : a) m = Math.max(m, e.getAsDouble());
        return m;
    }

    static void checkLogits(JsonArray got, double[] logits, List<Integer> want) {
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            JsonObject x = got.get(i).getAsJsonObject();
            assertEquals((int) want.get(i), x.getAsJsonObject("token").get("id").getAsInt(), "token " + i);
            assertEquals(logits[want.get(i)], x.get("logit").getAsDouble(), 1e-4 * Math.max(1, Math.abs(logits[want.get(i)])), "logit " + i);
        }
    }

    @Test
    void ablatingAFeatureAtScaleOneChangesNothing() throws Exception {
        String uri = open(f, front("saes: [../saes/resid0]") + BODY);
        JsonObject r = exec(CommandIds.ABLATE, args(uri, "{\"features\": [\"resid0:3=1\", \"resid0:10=1\"]}"));
        assertEquals(List.of("resid0:3=1", "resid0:10=1"), r.getAsJsonArray("features").asList().stream().map(JsonElement::getAsString).toList());
        JsonArray rows = r.getAsJsonArray("positions");
        assertEquals(ids(attn).length - 1, rows.size());
        for (JsonElement e : rows) assertEquals(0, e.getAsJsonObject().get("change").getAsDouble(), 1e-5, "change at " + e);
    }

    @Test
    void ablatingAFeatureEqualsAForwardWithItsDecoderRowTakenOut() throws Exception {
        String uri = open(f, front("saes: [../saes/resid0]") + BODY);
        int[] ids = ids(attn);
        Tensor x = hookActivation(attn, RESID);
        Tensor enc = resid0.encode(x);
        // The feature active on most tokens, so the ablation touches many positions.
        int feature = 0, most = -1;
        for (int i = 0; i < 64; i++) {
            int n = 0;
            for (int p = 0; p < ids.length; p++) if (enc.data()[p * 64 + i] > 0) n++;
            if (n > most) { most = n; feature = i; }
        }
        double[] dec = row(resid0, feature);
        final int fi = feature;
        // x - a_i W_dec[i] at every position, from the clean activation (the SAE's error term stays).
        Tensor ablated = attn.transformer().run(ids, RunOptions.none().withHooks(Map.of(RESID, (act, n) -> {
            float[] out = act.data().clone();
            for (int p = 0; p < ids.length; p++) {
                float a = enc.data()[p * 64 + fi];
                for (int j = 0; j < 128; j++) out[p * 128 + j] = (float) (out[p * 128 + j] - a * dec[j]);
            }
            return Tensor.of(out, act.shape());
        }))).logits();
        JsonObject r = exec(CommandIds.ABLATE, args(uri, "{\"features\": [\"resid0:" + feature + "=0\"]}"));
        JsonArray rows = r.getAsJsonArray("positions");
        double moved = 0;
        for (int p = 0; p + 1 < ids.length; p++) {
            double want = LogitOps.logSoftmax(ablated, p)[ids[p + 1]];
            JsonObject row = rows.get(p).getAsJsonObject();
            assertEquals(want, row.get("ablated_logprob").getAsDouble(), 1e-4, "ablated log-probability at " + p);
            moved += Math.abs(row.get("change").getAsDouble());
        }
        assertTrue(moved > 1e-3, "ablating a feature active on " + most + " tokens moves the prediction: " + moved);
    }

    @Test
    void theSettingNamesAFolderOfSaesAndThoseOfOtherModelsAreSkipped() throws Exception {
        JsonObject s = LspFixture.settingsWithModel(TestSaes.ATTN_ONLY_2L);
        JsonArray list = new JsonArray();
        list.add(saes.toString());
        s.add("saes", list);
        try (LspFixture g = new LspFixture(s, List.of("utf-16"))) {
            String uri = open(g, BODY);
            Tensor enc = resid0.encode(hookActivation(attn, RESID));
            List<Row> got = featureRows(hover(g, uri, BODY, bodyStart(attn, 4)));
            assertEquals(expected(resid0, enc, 4).subList(0, got.size()).stream().map(Active::id).toList(), got.stream().map(Row::id).toList());
            assertFalse(got.isEmpty());
            List<Diagnostic> d = g.diagnostics(uri, 1).getDiagnostics();
            assertTrue(d.stream().noneMatch(x -> "sae".equals(x.getCode().getLeft())), "mlp1 (gelu-2l's) is skipped quietly: " + d);
            // The front matter wins over the setting: an empty list turns the SAEs off.
            String off = front("saes: []") + BODY;
            String uri2 = open(g, off);
            assertEquals(List.of(), featureRows(hover(g, uri2, off, front("saes: []").length() + bodyStart(attn, 4))));
        }
    }

    @Test
    void anSaeForAnotherModelOrAMissingFolderIsADiagnosticAndTheHoverStillWorks() throws Exception {
        String fm = front("saes: [../saes/mlp1, ../saes/nowhere, ../saes/resid0]");
        String text = fm + BODY;
        String uri = open(f, text);
        List<Diagnostic> d = f.diagnostics(uri, 1).getDiagnostics().stream().filter(x -> "sae".equals(x.getCode().getLeft())).toList();
        assertEquals(2, d.size(), "one per SAE that cannot be used: " + d);
        Diagnostic misfit = d.stream().filter(x -> x.getMessage().contains(MLP)).findFirst().orElseThrow(() -> new AssertionError("no diagnostic names " + MLP + ": " + d));
        assertTrue(misfit.getMessage().contains("attn-only-2l"), misfit.getMessage());
        assertTrue(d.stream().anyMatch(x -> x.getMessage().contains("'../saes/nowhere' not found")), d.toString());
        for (Diagnostic x : d) assertEquals(2, x.getRange().getStart().getLine(), "on the saes: line: " + x);
        // resid0 still loads and is shown.
        assertFalse(featureRows(hover(f, uri, text, fm.length() + bodyStart(attn, 4))).isEmpty());
    }

    @Test
    void unknownSaesAndFeaturesOutOfRangeAreOneClearError() throws Exception {
        String uri = open(f, front("saes: [../saes/resid0]") + BODY);
        ResponseErrorException e = error(CommandIds.FEATURE_CARD, args(uri, "{\"feature\": \"nope:1\"}"));
        assertEquals(ResponseErrorCode.InvalidParams.getValue(), e.getResponseError().getCode());
        assertTrue(e.getMessage().contains("no SAE named 'nope'"), e.getMessage());
        e = error(CommandIds.FEATURE_CARD, args(uri, "{\"feature\": \"resid0:64\"}"));
        assertTrue(e.getMessage().contains("features 0..63"), e.getMessage());
        e = error(CommandIds.ABLATE, args(uri, "{\"features\": [\"resid0:999=0\"]}"));
        assertEquals(ResponseErrorCode.InvalidParams.getValue(), e.getResponseError().getCode());
        assertTrue(e.getMessage().contains("features 0..63"), e.getMessage());
        e = error(CommandIds.ABLATE, args(uri, "{\"features\": [\"resid0:3=lots\"]}"));
        assertTrue(e.getMessage().contains("not a number"), e.getMessage());
        String bare = open(f, BODY);
        e = error(CommandIds.ABLATE, args(bare, "{\"features\": [\"resid0:3=0\"]}"));
        assertTrue(e.getMessage().contains("no SAE is loaded"), e.getMessage());
    }
}
