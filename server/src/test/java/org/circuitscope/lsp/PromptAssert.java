package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.circuitscope.engine.LineIndex;
import org.circuitscope.lsp.feature.Show;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InlayHint;
import org.eclipse.lsp4j.InlayHintParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.SemanticTokensParams;
import org.eclipse.lsp4j.TextDocumentIdentifier;

/**
 * The assertion language of the LSP tests, after lemminx: a prompt with a {@code |} cursor and
 * what the answer must hold, e.g. {@code assertHover(f, "ab|c", contains("\"c\""))}.
 */
final class PromptAssert {
    private PromptAssert() {}

    /** A prompt with the cursor marker removed and the cursor's UTF-16 offset. */
    record Cursor(String text, int offset) {
        static Cursor parse(String withBar) {
            int i = withBar.lastIndexOf('|');
            if (i < 0) throw new IllegalArgumentException("no | cursor in " + withBar);
            return new Cursor(withBar.substring(0, i) + withBar.substring(i + 1), i);
        }

        Position position() { return utf16(text, offset); }
    }

    /** LSP position (UTF-16) of an offset, counted here independently of the server's LineIndex. */
    static Position utf16(String text, int offset) {
        int line = 0, lineStart = 0;
        for (int i = 0; i < offset; i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) { line++; lineStart = i + 1; }
        }
        return new Position(line, offset - lineStart);
    }

    /** LSP position with UTF-8 byte columns. */
    static Position utf8(String text, int offset) {
        Position p = utf16(text, offset);
        int lineStart = offset - p.getCharacter();
        return new Position(p.getLine(), text.substring(lineStart, offset).getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }

    static Hover hover(LspFixture f, String withBar) throws Exception {
        Cursor c = Cursor.parse(withBar);
        String uri = f.open(c.text());
        return f.remote.getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(uri), c.position())).get(30, TimeUnit.SECONDS);
    }

    @SafeVarargs
    static String assertHover(LspFixture f, String withBar, Consumer<String>... checks) throws Exception {
        Hover h = hover(f, withBar);
        assertNotNull(h, "no hover for " + Show.token(withBar));
        String md = h.getContents().getRight().getValue();
        for (Consumer<String> c : checks) c.accept(md);
        return md;
    }

    static void assertNoHover(LspFixture f, String withBar) throws Exception {
        Hover h = hover(f, withBar);
        if (h != null) fail("expected no hover for " + Show.token(withBar) + " but got:\n" + h.getContents().getRight().getValue());
    }

    static Consumer<String> contains(String s) {
        return md -> assertTrue(md.contains(s), "hover lacks " + Show.token(s) + ":\n" + md);
    }

    static List<InlayHint> inlays(LspFixture f, String text) throws Exception {
        String uri = f.open(text);
        Range all = new Range(new Position(0, 0), new Position(10_000, 0));
        return f.remote.getTextDocumentService().inlayHint(new InlayHintParams(new TextDocumentIdentifier(uri), all)).get(30, TimeUnit.SECONDS);
    }

    static List<Integer> semanticTokens(LspFixture f, String text) throws Exception {
        String uri = f.open(text);
        return f.remote.getTextDocumentService().semanticTokensFull(new SemanticTokensParams(new TextDocumentIdentifier(uri)))
                .get(30, TimeUnit.SECONDS).getData();
    }

    static CompletionList complete(LspFixture f, String withBar) throws Exception {
        Cursor c = Cursor.parse(withBar);
        String uri = f.open(c.text());
        return f.remote.getTextDocumentService().completion(new CompletionParams(new TextDocumentIdentifier(uri), c.position()))
                .get(30, TimeUnit.SECONDS).getRight();
    }
}
