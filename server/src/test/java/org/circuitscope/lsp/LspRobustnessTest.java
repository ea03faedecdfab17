package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Documents that are odd, huge or changing under the server; diagnostics only for real problems. */
class LspRobustnessTest {
    @TempDir static Path tmp;
    static LspFixture f;

    @BeforeAll
    static void start() throws Exception {
        Path dir = TestModels.write(tmp, "small-ctx", 1, true, 32, 5);
        f = new LspFixture(LspFixture.settingsWithModel(dir), List.of("utf-16"));
    }

    @AfterAll
    static void stop() throws Exception { f.close(); }

    static Hover hover(String uri, int line, int ch) throws Exception {
        return f.remote.getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(uri), new Position(line, ch))).get(60, TimeUnit.SECONDS);
    }

    @Test
    void aPromptLongerThanTheContextIsAnalysedUpToItWithOneWarning() throws Exception {
        String text = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF"; // 42 byte tokens, n_ctx 32 with BOS
        String uri = f.open(text);
        List<Diagnostic> d = f.diagnostics(uri, 1).getDiagnostics();
        assertEquals(1, d.size(), "one diagnostic: " + d);
        assertEquals(DiagnosticSeverity.Warning, d.get(0).getSeverity());
        assertTrue(d.get(0).getMessage().contains("n_ctx = 32"), d.get(0).getMessage());
        assertEquals(new Position(0, 31), d.get(0).getRange().getStart(), "31 body tokens fit beside BOS");
        assertNotNull(hover(uri, 0, 30), "the last analysed token has a hover");
        assertNull(hover(uri, 0, 31), "text past the context has none");
    }

    @Test
    void aShortPromptHasNoDiagnostics() throws Exception {
        String uri = f.open("hello");
        assertEquals(List.of(), f.diagnostics(uri, 1).getDiagnostics());
    }

    @Test
    void aMissingModelIsOneErrorAndAMessageAndNoHover() throws Exception {
        String uri = f.open("---\ncircuitscope:\n  model: no/such/dir\n---\nhello");
        List<Diagnostic> d = f.diagnostics(uri, 1).getDiagnostics();
        assertEquals(1, d.size(), d.toString());
        assertEquals(DiagnosticSeverity.Error, d.get(0).getSeverity());
        assertEquals(2, d.get(0).getRange().getStart().getLine(), "on the model: line");
        assertTrue(d.get(0).getMessage().contains("not found"), d.get(0).getMessage());
        // showMessage goes out after the diagnostics: give it a moment on a loaded machine.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end && f.client.messages.stream().noneMatch(m -> m.getMessage().contains("no/such/dir"))) Thread.sleep(10);
        assertTrue(f.client.messages.stream().anyMatch(m -> m.getType() == MessageType.Error && m.getMessage().contains("no/such/dir")),
                "an error message naming the missing model: " + f.client.messages);
        assertNull(hover(uri, 4, 1));
    }

    @Test
    void binaryAndMultiMegabyteDocumentsAreServed() throws Exception {
        byte[] b = new byte[4096];
        new Random(1).nextBytes(b);
        String binary = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1) + "\u0000\uD800x";
        String uri = f.open(binary);
        assertNotNull(hover(uri, 0, 0), "a hover on the first byte of a binary document");
        StringBuilder big = new StringBuilder();
        while (big.length() < 3_000_000) big.append("In the beginning God created the heaven and the earth.\n");
        long t0 = System.nanoTime();
        String bigUri = f.open(big.toString());
        assertNotNull(hover(bigUri, 0, 3));
        assertTrue((System.nanoTime() - t0) / 1e9 < 20, "a 3 MB document is cut to the context, not tokenised whole");
        assertEquals(1, f.diagnostics(bigUri, 1).getDiagnostics().size());
    }

    @Test
    void editsDuringAnalysisLeaveOnlyTheNewestVersionsAnswer() throws Exception {
        String uri = f.open("aaaa");
        var svc = f.remote.getTextDocumentService();
        List<CompletableFuture<Hover>> early = new ArrayList<>();
        for (int v = 2; v <= 30; v++) {
            // Incremental edit: replace the first character with a letter that names the version.
            char c = (char) ('a' + v % 26);
            TextDocumentContentChangeEvent e = new TextDocumentContentChangeEvent(new Range(new Position(0, 0), new Position(0, 1)), String.valueOf(c));
            svc.didChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(uri, v), List.of(e)));
            early.add(svc.hover(new HoverParams(new TextDocumentIdentifier(uri), new Position(0, 0))));
        }
        Hover last = hover(uri, 0, 0);
        char expected = (char) ('a' + 30 % 26);
        assertTrue(last.getContents().getRight().getValue().contains("`\"" + expected + "\"`"), last.getContents().getRight().getValue());
        for (CompletableFuture<Hover> h : early) {
            try {
                Hover x = h.get(60, TimeUnit.SECONDS);
                assertNotNull(x);
            } catch (java.util.concurrent.ExecutionException e) {
                assertTrue(e.getCause().getMessage().contains("changed"), "an old request fails only as content-modified: " + e.getCause());
            }
        }
        assertEquals(30, f.diagnostics(uri, 30).getVersion());
    }

    @Test
    void aCancelledRequestLeavesTheServerServing() throws Exception {
        String uri = f.open("some text to hover");
        CompletableFuture<Hover> h = f.remote.getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(uri), new Position(0, 2)));
        // LSP4J sends $/cancelRequest; on a fast run the hover may already have been answered.
        boolean cancelled = h.cancel(true);
        assertTrue(cancelled ? h.isCancelled() : h.isDone(), "cancelled, or answered before the cancel");
        assertNotNull(hover(uri, 0, 3));
    }

    @Test
    void malformedFrontMatterIsAnErrorOnTheBlockAndTheBodyIsStillAnalysed() throws Exception {
        String uri = f.open("---\ncircuitscope: [unclosed\n---\nabc");
        List<Diagnostic> d = f.diagnostics(uri, 1).getDiagnostics();
        assertEquals(1, d.size(), d.toString());
        assertTrue(d.get(0).getMessage().contains("not valid YAML"), d.get(0).getMessage());
        assertNotNull(hover(uri, 3, 1));
    }
}
