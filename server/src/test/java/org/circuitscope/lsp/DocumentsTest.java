package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.circuitscope.engine.AnnotationMode;
import org.circuitscope.engine.FrontMatter;
import org.circuitscope.engine.LineIndex;
import org.circuitscope.engine.PositionEncoding;
import org.circuitscope.engine.PromptDocument;
import org.circuitscope.engine.TextChange;
import org.circuitscope.engine.TextPosition;
import org.circuitscope.lsp.protocol.Positions;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.junit.jupiter.api.Test;

/** Positions in each encoding, incremental edits and front matter, without a server. */
class DocumentsTest {
    static final String TEXT = "a😀日\r\nb\rc\nd";

    @Test
    void positionsCountUtf16UnitsUtf8BytesOrCodePointsAsNegotiated() {
        int afterCjk = "a😀日".length(); // 4 UTF-16 units
        assertEquals(new TextPosition(0, 4), new LineIndex(TEXT, PositionEncoding.UTF16).position(afterCjk));
        assertEquals(new TextPosition(0, 1 + 4 + 3), new LineIndex(TEXT, PositionEncoding.UTF8).position(afterCjk));
        assertEquals(new TextPosition(0, 3), new LineIndex(TEXT, PositionEncoding.UTF32).position(afterCjk));
        for (PositionEncoding e : PositionEncoding.values()) {
            LineIndex idx = new LineIndex(TEXT, e);
            for (int off = 0; off <= TEXT.length(); off++) {
                if (off > 0 && Character.isLowSurrogate(TEXT.charAt(off - 1)) == false && off < TEXT.length()
                        && Character.isLowSurrogate(TEXT.charAt(off))) continue; // inside the emoji
                if (off > 0 && TEXT.charAt(off - 1) == '\r' && off < TEXT.length() && TEXT.charAt(off) == '\n') continue; // inside CRLF
                assertEquals(off, idx.offset(idx.position(off)), e + " round trip at " + off);
            }
        }
    }

    @Test
    void crLfAndLoneCrEndLines() {
        LineIndex idx = new LineIndex(TEXT, PositionEncoding.UTF16);
        assertEquals(4, idx.lineCount());
        assertEquals(TEXT.indexOf('b'), idx.offset(new TextPosition(1, 0)));
        assertEquals(TEXT.indexOf('c'), idx.offset(new TextPosition(2, 0)));
        assertEquals(TEXT.indexOf('\r'), idx.offset(new TextPosition(0, 99)), "past the end of a line is its end");
        assertEquals(-1, idx.offset(new TextPosition(9, 0)), "no such line");
    }

    @Test
    void incrementalEditsApplyInOrderInTheNegotiatedEncoding() {
        PromptDocument d = new PromptDocument("u", "prompt", 1, TEXT);
        // UTF-8: replace 日 (bytes 5..8 of line 0) by "x", then insert "!" at the start of line 1.
        PromptDocument e = d.apply(2, List.of(
                new TextChange(new TextPosition(0, 5), new TextPosition(0, 8), "x"),
                new TextChange(new TextPosition(1, 0), new TextPosition(1, 0), "!")), PositionEncoding.UTF8);
        assertEquals("a😀x\r\n!b\rc\nd", e.text());
        assertEquals("new", e.apply(3, List.of(TextChange.whole("new")), PositionEncoding.UTF8).text());
    }

    @Test
    void frontMatterKeysUnderCircuitscopeAndOtherToolsKeysAllowed() {
        String t = "---\r\nname: prompty\r\nmodel:\r\n  api: chat\r\ncircuitscope:\r\n  model: ../models/x\r\n  target: \" God\"\r\n"
                + "  contrast: \" the\"\r\n  prepend_bos: false\r\n  annotations: top-head\r\n---\r\nIn the";
        FrontMatter fm = FrontMatter.parse(t);
        assertEquals(t.indexOf("In the"), fm.bodyStart());
        assertEquals("../models/x", fm.model());
        assertEquals(" God", fm.target());
        assertEquals(" the", fm.contrast());
        assertEquals(Boolean.FALSE, fm.prependBos());
        assertEquals(AnnotationMode.TOP_HEAD, fm.annotations());
        assertEquals(List.of(), fm.problems());
        assertEquals(0, FrontMatter.parse("--- not front matter\nabc").bodyStart());
        assertEquals(0, FrontMatter.parse("---\nno closing line").bodyStart());
        assertFalse(FrontMatter.parse("---\ncircuitscope:\n  annotations: loud\n---\n").problems().isEmpty());
    }

    @Test
    void clientsPreferredEncodingIsTakenWhenWeKnowIt() {
        assertEquals(PositionEncoding.UTF16, PositionEncoding.negotiate(null));
        assertEquals(PositionEncoding.UTF8, PositionEncoding.negotiate(List.of("utf-8", "utf-16")));
        assertEquals(PositionEncoding.UTF32, PositionEncoding.negotiate(List.of("utf-32")));
        assertEquals(PositionEncoding.UTF16, PositionEncoding.negotiate(List.of("utf-7")));
    }
}
