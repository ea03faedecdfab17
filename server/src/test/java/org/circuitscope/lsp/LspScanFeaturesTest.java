package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.scan.CorpusDocument;
import org.circuitscope.scan.DocumentScanner;
import org.circuitscope.scan.ScanOutput;
import org.circuitscope.scan.ScanPartial;
import org.circuitscope.scan.ScanResult;
import org.circuitscope.scan.ScanSpec;
import org.circuitscope.scan.TopExample;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.TextDocumentItem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus scan with SAE features ({@code scan --sae}) seen through the real language server:
 * the front matter's {@code scan:} makes the hover's feature labels end with the feature's top
 * corpus context and the feature card show the scan's histogram and contexts, each compared with
 * the scan folder read independently here ({@link ScanOutput#read}).
 */
class LspScanFeaturesTest {
    static final Path SAE = TestSaes.ATTN_ONLY_2L.getParent().getParent().resolve("saes/attn-only-2l-resid0");
    static final Path HEBREWS = TestSaes.ATTN_ONLY_2L.getParent().getParent().resolve("prompts/hebrews-heldout.txt");

    @TempDir static Path tmp;
    static Path scanDir, docs;
    static int opened;
    static ScanResult scan;
    static LspFixture f;

    @BeforeAll
    static void start() throws Exception {
        scanDir = tmp.resolve("scan");
        docs = Files.createDirectories(tmp.resolve("docs"));
        ScanSpec spec = new ScanSpec(128, 127, 5, true, 16, 4).withSaes(List.of(SAE.toString()));
        try (LoadedModel m = ModelDirectory.load(TestSaes.ATTN_ONLY_2L)) {
            DocumentScanner s = new DocumentScanner(m, spec);
            List<String> lines = Files.readAllLines(HEBREWS);
            ScanPartial total = ScanPartial.empty(m.config(), spec);
            for (int i = 0; i < 40; i++) total.merge(s.scan(new CorpusDocument(String.format("heb%03d", i), lines.get(i))));
            ScanOutput.write(total, spec, m.config(), scanDir);
        }
        scan = ScanOutput.read(scanDir);
        f = new LspFixture(LspFixture.settingsWithModel(TestSaes.ATTN_ONLY_2L), List.of("utf-16"));
    }

    @AfterAll
    static void stop() throws Exception { f.close(); }

    /** Opens {@code text} as a file in the docs folder, next to the scan folder. */
    static String open(String text) {
        String uri = docs.resolve("scan" + (++opened) + ".prompt").toUri().toString();
        f.remote.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, "prompt", 1, text)));
        return uri;
    }

    static JsonObject card(String uri, String feature) throws Exception {
        JsonObject a = new JsonObject();
        a.addProperty("uri", uri);
        a.addProperty("feature", feature);
        Object r = f.remote.getWorkspaceService().executeCommand(new ExecuteCommandParams(CommandIds.FEATURE_CARD, List.of(a))).get(60, TimeUnit.SECONDS);
        return new Gson().toJsonTree(r).getAsJsonObject();
    }

    static ScanResult.FeatureExamples feature(String id) {
        return scan.features().stream().filter(x -> x.feature().equals(id)).findFirst().orElseThrow(() -> new AssertionError("no " + id + " in the scan"));
    }

    @Test
    void theHoverLabelEndsWithTheFeaturesTopCorpusContext() throws Exception {
        String fm = LspSaeFeaturesTest.front("saes: [" + SAE + "]", "scan: ../scan");
        String text = fm + LspSaeFeaturesTest.BODY;
        String uri = open(text);
        String plainText = LspSaeFeaturesTest.front("saes: [" + SAE + "]") + LspSaeFeaturesTest.BODY;
        String plainUri = open(plainText);
        int withContext = 0;
        try (LoadedModel m = ModelDirectory.load(TestSaes.ATTN_ONLY_2L)) {
            for (int p : new int[] {1, 4, 9, 17}) {
                int off = LspSaeFeaturesTest.bodyStart(m, p);
                List<LspSaeFeaturesTest.Row> rows = LspSaeFeaturesTest.featureRows(LspSaeFeaturesTest.hover(f, uri, text, fm.length() + off));
                List<LspSaeFeaturesTest.Row> plain = LspSaeFeaturesTest.featureRows(
                        LspSaeFeaturesTest.hover(f, plainUri, plainText, plainText.length() - LspSaeFeaturesTest.BODY.length() + off));
                assertEquals(plain.stream().map(LspSaeFeaturesTest.Row::id).toList(), rows.stream().map(LspSaeFeaturesTest.Row::id).toList(),
                        "the scan changes the labels, not the features");
                for (int i = 0; i < rows.size(); i++) {
                    ScanResult.FeatureExamples fx = feature(rows.get(i).id());
                    String label = rows.get(i).label();
                    String tokensPart = plain.get(i).label().replaceAll("`$", ""); // the label is a code span
                    assertTrue(label.startsWith(tokensPart), "the label keeps its tokens: " + label);
                    if (fx.examples().isEmpty()) {
                        assertEquals(plain.get(i).label(), label, rows.get(i).id() + " never fired in the scan");
                        continue;
                    }
                    TopExample top = fx.examples().getFirst();
                    String focus = "[" + top.tokens().get(top.focus()).replace("\n", " ") + "]";
                    assertTrue(label.contains(focus), rows.get(i).id() + ": label " + label + " shows the top context's token " + focus);
                    String before = String.join("", top.tokens().subList(Math.max(0, top.focus() - 2), top.focus())).replace("\n", " ");
                    assertTrue(label.contains(before + focus), label + " has the text before the token, " + before);
                    withContext++;
                }
            }
        }
        assertTrue(withContext >= 5, "features with corpus contexts checked: " + withContext);
    }

    @Test
    void theFeatureCardShowsTheScansHistogramAndTopContexts() throws Exception {
        String fm = LspSaeFeaturesTest.front("saes: [" + SAE + "]", "scan: ../scan");
        String uri = open(fm + LspSaeFeaturesTest.BODY);
        ScanResult.FeatureExamples fx = scan.features().stream().filter(x -> x.examples().size() == 5).findFirst().orElseThrow();
        JsonObject r = card(uri, fx.feature());
        JsonObject corpus = r.getAsJsonObject("corpus");
        assertNotNull(corpus, "the card holds the scan's view of " + fx.feature());
        JsonArray contexts = corpus.getAsJsonArray("top_contexts");
        assertEquals(fx.examples().size(), contexts.size());
        for (int k = 0; k < contexts.size(); k++) {
            JsonObject c = contexts.get(k).getAsJsonObject();
            TopExample e = fx.examples().get(k);
            assertEquals(e.score(), c.get("activation").getAsDouble(), 1e-9);
            assertEquals(e.document(), c.get("document").getAsString());
            assertEquals(e.tokens().get(e.focus()), c.get("text").getAsString());
            assertEquals(String.join("", e.tokens().subList(0, e.focus())), c.get("before").getAsString());
        }
        long total = 0;
        List<Long> counts = new ArrayList<>();
        for (var c : corpus.getAsJsonObject("histogram").getAsJsonArray("counts")) counts.add(c.getAsLong());
        for (long c : counts) total += c;
        assertEquals(fx.count(), total, "the histogram counts every activation of " + fx.feature());
        JsonArray edges = corpus.getAsJsonObject("histogram").getAsJsonArray("edges");
        assertEquals(counts.size() + 1, edges.size());
        assertTrue(edges.get(edges.size() - 1).getAsDouble() >= fx.max() - 1e-12 && edges.get(0).getAsDouble() <= fx.examples().getLast().score(),
                "the bins span the activations");
    }

    @Test
    void withoutAScanTheCardSaysSoAndAScanOfAnotherModelIsIgnored() throws Exception {
        String fm = LspSaeFeaturesTest.front("saes: [" + SAE + "]", "scan: ../nowhere");
        String uri = open(fm + LspSaeFeaturesTest.BODY);
        JsonObject r = card(uri, "attn-only-2l-resid0:0");
        assertFalse(r.has("corpus") && !r.get("corpus").isJsonNull(), "a missing scan folder gives no corpus view");
    }
}
