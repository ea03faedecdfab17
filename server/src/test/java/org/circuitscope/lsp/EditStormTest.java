package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storm of edits with a hover after each, sent without waiting: every hover is answered for
 * the version that was current when it was sent (its card names the letter that version put
 * under the mouse), or with ContentModified; never for a later version.
 */
class EditStormTest {
    @TempDir static Path tmp;
    static LspFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = new LspFixture(LspFixture.settingsWithModel(TestModels.write(tmp, "storm", 2, true, 64, 9)), List.of("utf-16"));
    }

    @AfterAll
    static void stop() throws Exception { f.close(); }

    /** The letter version {@code v} writes at the start of the line (cycling, so neighbours differ). */
    static char letter(int v) { return (char) ('a' + v % 26); }

    @Test
    void everyHoverDescribesTheVersionItWasSentFor() throws Exception {
        String uri = f.open("a quick brown fox");
        f.diagnostics(uri, 1);
        var svc = f.remote.getTextDocumentService();
        int edits = 1000;
        List<CompletableFuture<Hover>> hovers = new ArrayList<>();
        for (int v = 2; v <= edits + 1; v++) {
            TextDocumentContentChangeEvent e = new TextDocumentContentChangeEvent(new Range(new Position(0, 0), new Position(0, 1)),
                    String.valueOf(letter(v)));
            svc.didChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(uri, v), List.of(e)));
            hovers.add(svc.hover(new HoverParams(new TextDocumentIdentifier(uri), new Position(0, 0))));
        }
        int cards = 0, modified = 0;
        for (int i = 0; i < hovers.size(); i++) {
            int v = i + 2;
            try {
                Hover h = hovers.get(i).get(120, TimeUnit.SECONDS);
                String md = h.getContents().getRight().getValue();
                assertTrue(md.startsWith("**`\"" + letter(v) + "\"`**"), "the hover sent after version " + v + " describes its letter '"
                        + letter(v) + "', not a later version's:\n" + md.lines().findFirst().orElse(""));
                cards++;
            } catch (ExecutionException x) {
                ResponseErrorException r = (ResponseErrorException) x.getCause();
                assertEquals(ResponseErrorCode.ContentModified.getValue(), r.getResponseError().getCode(), r.getMessage());
                modified++;
            }
        }
        System.out.printf("edit storm at the start: %d edits, %d hovers answered with a card, %d ContentModified%n", edits, cards, modified);
        assertEquals(edits, cards + modified);
        assertTrue(cards >= 0.8 * edits, "at least 80% of the hovers answered with a card: " + cards);
    }

    @Test
    void typingAtTheEndWithHoversAnywhereAnswersEachForItsVersion() throws Exception {
        String text = "a quick brown fox";
        String uri = f.open(text);
        f.diagnostics(uri, 1);
        var svc = f.remote.getTextDocumentService();
        java.util.Random r = new java.util.Random(5);
        int edits = 1000;
        List<CompletableFuture<Hover>> hovers = new ArrayList<>();
        List<Character> want = new ArrayList<>();
        for (int v = 2; v <= edits + 1; v++) {
            Position end = new Position(0, text.length());
            String c = String.valueOf(letter(v));
            svc.didChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(uri, v),
                    List.of(new TextDocumentContentChangeEvent(new Range(end, end), c))));
            text += c;
            // Half the hovers on the new letter, half anywhere before it (the context is 64 tokens: stay inside it).
            int at = r.nextBoolean() ? text.length() - 1 : r.nextInt(Math.min(text.length(), 60));
            if (at >= 62) at = r.nextInt(60);
            want.add(text.charAt(at));
            hovers.add(svc.hover(new HoverParams(new TextDocumentIdentifier(uri), new Position(0, at))));
        }
        int cards = 0, empty = 0;
        for (int i = 0; i < hovers.size(); i++) {
            try {
                Hover h = hovers.get(i).get(120, TimeUnit.SECONDS);
                if (h == null) { empty++; continue; } // past the context: no token there
                String md = h.getContents().getRight().getValue();
                assertTrue(md.startsWith("**`\"" + want.get(i) + "\"`**"), "hover " + i + " describes '" + want.get(i) + "' of its version:\n"
                        + md.lines().findFirst().orElse(""));
                cards++;
            } catch (ExecutionException x) {
                ResponseErrorException e = (ResponseErrorException) x.getCause();
                assertEquals(ResponseErrorCode.ContentModified.getValue(), e.getResponseError().getCode(), e.getMessage());
            }
        }
        System.out.printf("edit storm at the end: %d edits, %d hovers answered with a card, %d outside the context%n", edits, cards, empty);
        assertTrue(cards >= 0.8 * (edits - empty), "at least 80% of the hovers answered with a card: " + cards);
    }
}
