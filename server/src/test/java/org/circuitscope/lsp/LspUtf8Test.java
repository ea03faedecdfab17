package org.circuitscope.lsp;

import static org.circuitscope.lsp.PromptAssert.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client that offers UTF-8 positions gets them, in hovers and in what it sends. */
class LspUtf8Test {
    @TempDir Path tmp;

    @Test
    void utf8ClientGetsByteColumnsAfterEmojiAndCjk() throws Exception {
        try (LspFixture f = new LspFixture(LspFixture.settingsWithModel(TestModels.write(tmp, "u", 1, true, 64, 2)), List.of("utf-8", "utf-16"))) {
            assertEquals("utf-8", f.init.getCapabilities().getPositionEncoding());
            Cursor c = Cursor.parse("日😀\r\n日😀|z");
            String uri = f.open(c.text());
            Hover h = f.remote.getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(uri), utf8(c.text(), c.offset()))).get();
            assertNotNull(h);
            assertTrue(h.getContents().getRight().getValue().contains("`\"z\"`"), h.getContents().getRight().getValue());
            assertEquals(utf8(c.text(), c.offset()), h.getRange().getStart(), "3 + 4 bytes before z");
            assertEquals(7, h.getRange().getStart().getCharacter());
        }
    }
}
