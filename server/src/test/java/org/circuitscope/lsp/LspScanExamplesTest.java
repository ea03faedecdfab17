package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.scan.Corpus;
import org.circuitscope.scan.ScanOutput;
import org.circuitscope.scan.ScanResult;
import org.circuitscope.scan.ScanRunner;
import org.circuitscope.scan.ScanSpec;
import org.circuitscope.scan.TopExample;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code circuitscope.scanExamples} through the real server: scans written by the core's
 * {@link ScanRunner} (attn-only-2l on the held-out Hebrews text, gelu-2l on its first verses),
 * named by the {@code scanDir} setting or the front matter's {@code scan:}, and the answers
 * compared with {@link ScanOutput#read} of the same directory.
 */
class LspScanExamplesTest {
    static final Path SAMPLES = Path.of("..", "samples").toAbsolutePath().normalize();
    static final Path ATTN = SAMPLES.resolve("models/attn-only-2l"), GELU = SAMPLES.resolve("models/gelu-2l");
    static Path tmp, attnScan, geluScan;
    static LspFixture f;

    @BeforeAll
    static void scanAndStart() throws Exception {
        tmp = Files.createTempDirectory("lsp-scan");
        attnScan = tmp.resolve("scans/attn");
        geluScan = tmp.resolve("scans/gelu");
        try (LoadedModel m = ModelDirectory.load(ATTN)) {
            ScanRunner.run(m, new ScanSpec(64, 63, 5, true, 8, 3), Corpus.read(List.of(SAMPLES.resolve("prompts/hebrews-heldout.txt"))),
                    attnScan, new ScanRunner.Options(2, 100_000, 0), (d, t, s) -> {});
        }
        Path verses = tmp.resolve("verses.txt");
        Files.writeString(verses, String.join("\n", Files.readAllLines(SAMPLES.resolve("prompts/hebrews-heldout.txt")).subList(0, 4)));
        try (LoadedModel m = ModelDirectory.load(GELU)) {
            ScanRunner.run(m, new ScanSpec(32, 31, 3, true, 4, 2), Corpus.read(List.of(verses)), geluScan,
                    new ScanRunner.Options(2, 100_000, 0), (d, t, s) -> {});
        }
        JsonObject settings = LspFixture.settingsWithModel(ATTN);
        settings.addProperty("scanDir", attnScan.toString());
        f = new LspFixture(settings, List.of("utf-16"));
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
        try (var files = Files.walk(tmp)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static int docs;

    /** Opens {@code text} as a prompt file in the temporary folder (so that relative front matter paths resolve there). */
    static String open(LspFixture fx, String text) {
        String uri = tmp.resolve("doc" + ++docs + ".prompt").toUri().toString();
        fx.remote.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, "prompt", 1, text)));
        return uri;
    }

    static JsonObject args(String uri, String key, String unit) {
        JsonObject o = new JsonObject();
        o.addProperty("uri", uri);
        o.addProperty(key, unit);
        return o;
    }

    static JsonObject examples(LspFixture fx, JsonObject args) throws Exception {
        return tree(fx.request("circuitscope/scanExamples", args).get(60, TimeUnit.SECONDS));
    }

    static JsonObject tree(Object answer) { return new com.google.gson.Gson().toJsonTree(answer).getAsJsonObject();
    }

    static ResponseErrorException error(CompletableFuture<?> fut) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> fut.get(60, TimeUnit.SECONDS));
        assertInstanceOf(ResponseErrorException.class, e.getCause(), "an error response, got " + e.getCause());
        return (ResponseErrorException) e.getCause();
    }

    /** Each example as one line, from the scan's own record and from the answer's JSON. */
    static List<String> lines(List<TopExample> examples) {
        List<String> out = new ArrayList<>();
        for (TopExample e : examples) out.add(e.score() + " " + e.document() + "@" + e.position() + " " + e.token() + "->" + e.target() + " " + e.tokens() + " " + e.focus());
        return out;
    }

    static List<String> lines(JsonObject answer) {
        List<String> out = new ArrayList<>();
        for (JsonElement x : answer.getAsJsonArray("examples")) {
            JsonObject e = x.getAsJsonObject();
            List<String> toks = new ArrayList<>();
            e.getAsJsonArray("tokens").forEach(t -> toks.add(t.getAsString()));
            out.add(e.get("score").getAsDouble() + " " + e.get("document").getAsString() + "@" + e.get("position").getAsInt() + " "
                    + e.get("token").getAsInt() + "->" + e.get("target").getAsInt() + " " + toks + " " + e.get("focus").getAsInt());
        }
        return out;
    }

    @Test
    void theSettingsScanGivesExactlyItsTopContextsAndStatisticsForEachHead() throws Exception {
        ScanResult scan = ScanOutput.read(attnScan);
        String uri = open(f, "In the beginning God created the heaven and the earth.");
        for (String[] head : new String[][] {{"1.0", "1", "0"}, {"L0H2", "0", "2"}}) {
            int l = Integer.parseInt(head[1]), h = Integer.parseInt(head[2]);
            JsonObject r = examples(f, args(uri, "head", head[0]));
            List<TopExample> want = scan.headExamples().get(l * 4 + h).examples();
            assertEquals(5, want.size(), "the scan kept its top_k");
            assertEquals(lines(want), lines(r), "the top contexts of " + head[0]);
            assertEquals("L" + l + "H" + h, r.get("label").getAsString());
            assertEquals("blocks." + l + ".attn.hook_result", r.get("hook").getAsString());
            ScanResult.HeadStats s = scan.head(l, h);
            JsonObject st = r.getAsJsonObject("stats");
            assertEquals(s.previousToken(), st.get("previous_token").getAsDouble());
            assertEquals(s.duplicateToken(), st.get("duplicate_token").getAsDouble());
            assertEquals(s.induction(), st.get("induction").getAsDouble());
            assertEquals(s.attentionEntropy(), st.get("attention_entropy").getAsDouble());
            assertEquals(s.directLogitAttribution(), st.get("direct_logit_attribution").getAsDouble());
            assertEquals(scan.summary().predictedTokens(), r.getAsJsonObject("corpus").get("predicted_tokens").getAsLong());
            assertEquals(attnScan.toString(), r.get("scan").getAsString());
        }
    }

    @Test
    void thePageShowsEveryContextInOrderWithItsScoredTokenBold() throws Exception {
        ScanResult scan = ScanOutput.read(attnScan);
        String uri = open(f, "Mr and Mrs Dursley");
        JsonObject render = new JsonObject();
        render.addProperty("command", "circuitscope.scanExamples");
        render.add("args", args(uri, "head", "1.0"));
        String html = tree(f.request("circuitscope/render", render).get(60, TimeUnit.SECONDS)).get("html").getAsString();
        assertFalse(html.contains("id=\"error\""), html);
        List<TopExample> want = scan.headExamples().get(4).examples();
        assertEquals(want.size(), html.split("<tr class=\"example\">", -1).length - 1, "one row per context");
        int from = 0;
        for (TopExample e : want) {
            int at = html.indexOf("data-position=\"" + e.position() + "\" data-value=", from);
            assertTrue(at > from, "the scored token of " + e.document() + "@" + e.position() + " after the previous context's");
            assertTrue(html.lastIndexOf("<span class=\"tok focus ", at) > from, "the scored token is marked as the focus");
            from = at;
        }
        assertTrue(html.contains("id=\"corpus-stats\""), "the head's corpus statistics");
        // The head card links here once a scan is named.
        JsonObject card = new JsonObject();
        card.addProperty("command", "circuitscope.inspectHead");
        JsonObject cardArgs = new JsonObject();
        cardArgs.addProperty("uri", uri);
        cardArgs.addProperty("layer", 1);
        cardArgs.addProperty("head", 0);
        card.add("args", cardArgs);
        String cardHtml = tree(f.request("circuitscope/render", card).get(60, TimeUnit.SECONDS)).get("html").getAsString();
        assertTrue(cardHtml.contains("id=\"scan-link\"") && cardHtml.contains("data-command=\"circuitscope.scanExamples\""), "link to the examples");
    }

    @Test
    void theFrontMatterScanWinsAndGivesANeuronsContexts() throws Exception {
        ScanResult scan = ScanOutput.read(geluScan);
        String uri = open(f, "---\ncircuitscope:\n  model: " + GELU + "\n  scan: scans/gelu\n---\nIn the beginning");
        JsonObject r = examples(f, args(uri, "neuron", "L1N7"));
        assertEquals(lines(scan.neuronExamples().get(512 + 7).examples()), lines(r));
        assertEquals("blocks.1.mlp.hook_post", r.get("hook").getAsString());
        assertFalse(r.has("stats"), "a neuron has no head statistics");
        assertEquals(geluScan.toString(), r.get("scan").getAsString());
        assertEquals(List.of(), f.diagnostics(uri, 1).getDiagnostics(), "a usable scan is no problem");
        ResponseErrorException bad = error(f.request("circuitscope/scanExamples", args(uri, "neuron", "1.512")));
        assertEquals(ResponseErrorCode.InvalidParams.getValue(), bad.getResponseError().getCode());
        assertTrue(bad.getMessage().contains("512 neurons"), bad.getMessage());
    }

    @Test
    void aHeadOrNeuronThatDoesNotExistIsInvalidParams() throws Exception {
        String uri = open(f, "In the beginning");
        for (String[] a : new String[][] {{"head", "2.0"}, {"head", "L0H4"}, {"head", "first"}, {"neuron", "0.3"}}) {
            ResponseErrorException e = error(f.request("circuitscope/scanExamples", args(uri, a[0], a[1])));
            assertEquals(ResponseErrorCode.InvalidParams.getValue(), e.getResponseError().getCode(), a[1] + ": " + e.getMessage());
            assertTrue(e.getMessage().contains(a[0].equals("head") && !a[1].equals("first") ? "does not exist" : a[1].equals("first") ? "not a head label" : "no MLP neurons"),
                    e.getMessage());
        }
        JsonObject both = args(uri, "head", "1.0");
        both.addProperty("neuron", "0.1");
        assertTrue(error(f.request("circuitscope/scanExamples", both)).getMessage().contains("exactly one of"));
    }

    @Test
    void aScanOfAnotherModelIsAnErrorAndADiagnosticOnTheScanLine() throws Exception {
        String uri = open(f, "---\ncircuitscope:\n  scan: scans/gelu\n---\nIn the beginning");
        ResponseErrorException e = error(f.request("circuitscope/scanExamples", args(uri, "head", "1.0")));
        assertEquals(ResponseErrorCode.RequestFailed.getValue(), e.getResponseError().getCode());
        assertTrue(e.getMessage().contains("is of gelu-2l") && e.getMessage().contains("this prompt runs attn-only-2l"), e.getMessage());
        Diagnostic d = scanDiagnostic(uri);
        assertEquals(2, d.getRange().getStart().getLine(), "on the scan: line");
        assertTrue(d.getMessage().contains("gelu-2l"), d.getMessage());
    }

    @Test
    void aMissingDirectoryIsAnErrorAndADiagnostic() throws Exception {
        String uri = open(f, "---\ncircuitscope:\n  scan: scans/nowhere\n---\nIn the beginning");
        ResponseErrorException e = error(f.request("circuitscope/scanExamples", args(uri, "head", "1.0")));
        assertEquals(ResponseErrorCode.RequestFailed.getValue(), e.getResponseError().getCode());
        assertTrue(e.getMessage().contains(tmp.resolve("scans/nowhere").toString()) && e.getMessage().contains("no such directory"), e.getMessage());
        assertTrue(scanDiagnostic(uri).getMessage().contains("no such directory"));
    }

    @Test
    void aCorruptScanIsAnErrorAndARewrittenScanIsReadAgain() throws Exception {
        Path dir = tmp.resolve("scans/changing");
        copy(attnScan, dir);
        String uri = open(f, "---\ncircuitscope:\n  scan: scans/changing\n---\nIn the beginning");
        assertEquals(lines(ScanOutput.read(attnScan).headExamples().get(4).examples()), lines(examples(f, args(uri, "head", "1.0"))));
        copy(geluScan, dir); // summary.json changes: the cached attn-only-2l scan must not be answered
        assertTrue(error(f.request("circuitscope/scanExamples", args(uri, "head", "1.0"))).getMessage().contains("is of gelu-2l"));
        Files.writeString(dir.resolve(ScanOutput.SUMMARY), "{\"format\": \"circuitscope-scan/1\", \"model\": [1, 2]}");
        ResponseErrorException e = error(f.request("circuitscope/scanExamples", args(uri, "head", "1.0")));
        assertTrue(e.getMessage().contains("malformed scan output"), e.getMessage());
        Files.writeString(dir.resolve(ScanOutput.HEAD_EXAMPLES), "{\"layer\": 0}\n");
        copy(attnScan.resolve(ScanOutput.SUMMARY), dir.resolve(ScanOutput.SUMMARY));
        assertTrue(error(f.request("circuitscope/scanExamples", args(uri, "head", "1.0"))).getMessage().contains("is malformed"));
        assertNotNull(examples(f, args(open(f, "still answering"), "head", "0.0")), "the server goes on");
    }

    @Test
    void withoutAScanTheCommandSaysHowToNameOne() throws Exception {
        try (LspFixture bare = new LspFixture(LspFixture.settingsWithModel(ATTN), List.of("utf-16"))) {
            String uri = open(bare, "In the beginning");
            ResponseErrorException e = error(bare.request("circuitscope/scanExamples", args(uri, "head", "1.0")));
            assertTrue(e.getMessage().contains("circuitscope.scanDir") && e.getMessage().contains("scan: <directory>"), e.getMessage());
            JsonObject card = tree(bare.request("circuitscope/inspectHead",
                    JsonParser.parseString("{\"uri\":\"" + uri + "\",\"layer\":1,\"head\":0}")).get(60, TimeUnit.SECONDS));
            assertFalse(card.has("scan"), "no scan, no link");
        }
    }

    private static Diagnostic scanDiagnostic(String uri) throws InterruptedException {
        List<Diagnostic> ds = f.diagnostics(uri, 1).getDiagnostics();
        return ds.stream().filter(d -> d.getCode() != null && "scan".equals(d.getCode().getLeft())).findFirst()
                .orElseThrow(() -> new AssertionError("no scan diagnostic in " + ds));
    }

    private static void copy(Path from, Path to) throws IOException {
        if (Files.isRegularFile(from)) {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        Files.createDirectories(to);
        for (String name : List.of(ScanOutput.DOCUMENTS, ScanOutput.HEAD_EXAMPLES, ScanOutput.NEURON_EXAMPLES, ScanOutput.SUMMARY)) {
            if (Files.exists(from.resolve(name))) Files.copy(from.resolve(name), to.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            else Files.deleteIfExists(to.resolve(name));
        }
    }
}
