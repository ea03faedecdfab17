package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hover's Markdown on the shipped model's real tokenizer: tables stay intact when a token
 * holds {@code |} (its BOS {@code <|endoftext|>} heads the first token's table) and a token
 * holding part of a character's bytes shows them ({@code <0xF0>}), never U+FFFD.
 */
class HoverMarkdownTest {
    static LspFixture f;

    @BeforeAll
    static void start() throws Exception {
        Path model = Path.of("..", "samples", "models", "attn-only-2l").toAbsolutePath().normalize();
        f = new LspFixture(LspFixture.settingsWithModel(model), List.of("utf-16"));
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
    }

    static String hover(String uri, int line, int character) throws Exception {
        var h = f.remote.getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(uri), new Position(line, character)))
                .get(30, TimeUnit.SECONDS);
        return h.getContents().getRight().getValue();
    }

    /** Cells of a Markdown table row: split at every {@code |} not escaped by a backslash. */
    static int cells(String row) { return row.split("(?<!\\\\)\\|", -1).length; }

    /** Every table row has as many cells as its header. */
    static void assertTablesIntact(String md) {
        List<List<String>> tables = new ArrayList<>();
        List<String> cur = null;
        for (String line : md.split("\n")) {
            if (line.startsWith("|")) {
                if (cur == null) tables.add(cur = new ArrayList<>());
                cur.add(line);
            } else {
                cur = null;
            }
        }
        assertEquals(2, tables.size(), "the prediction table and the heads table:\n" + md);
        for (List<String> t : tables) {
            int header = cells(t.get(0));
            for (String row : t) assertEquals(header, cells(row), "a row with as many cells as its header: " + row + "\n" + md);
        }
    }

    @Test
    void aTokenAfterEndOfTextKeepsItsTablesIntact() throws Exception {
        String uri = f.open("The| word | of the LORD");
        String md = hover(uri, 0, 0);
        assertTrue(md.contains("<\\|endoftext\\|>"), "the BOS token, escaped inside the table:\n" + md);
        assertTablesIntact(md);
        String pipe = hover(uri, 0, 3);
        assertTablesIntact(pipe);
    }

    @Test
    void bytesOfAPartialCharacterShowAsBytes() throws Exception {
        String uri = f.open("In the beginning 😀 God");
        boolean sawByte = false;
        for (int ch = 17; ch <= 18; ch++) {
            String md = hover(uri, 0, ch);
            assertFalse(md.contains("\uFFFD"), "no replacement character:\n" + md);
            sawByte |= md.matches("(?s)\\*\\*`\"(<0x[0-9A-F]{2}>)+\"`\\*\\*.*");
        }
        assertTrue(sawByte, "a token of the emoji's bytes is titled by its bytes");
    }
}
