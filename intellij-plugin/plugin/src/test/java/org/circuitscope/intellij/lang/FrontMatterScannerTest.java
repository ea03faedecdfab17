package org.circuitscope.intellij.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrontMatterScannerTest {
    private static final String PROMPT = "---\nmodel: attn-only-2l\n# a comment\ntarget:  Potter\n:x\nnot yaml\n---\nHarry Potter and Harry";

    static List<FrontMatterToken> scan(String text, int start, ScanState state) {
        List<FrontMatterToken> out = new ArrayList<>();
        FrontMatterScanner s = new FrontMatterScanner(text, start, text.length(), state);
        for (FrontMatterToken t = s.next(); t != null; t = s.next()) out.add(t);
        return out;
    }

    private static String show(String text, List<FrontMatterToken> tokens) {
        StringBuilder b = new StringBuilder();
        for (FrontMatterToken t : tokens) b.append(t.kind()).append('[').append(text, t.start(), t.end()).append("] ");
        return b.toString().trim();
    }

    @Test
    void frontMatterKeysValuesCommentsAndTheBody() {
        assertEquals("DELIMITER[---\n] KEY[model] COLON[:] VALUE[ attn-only-2l\n] COMMENT[# a comment\n] KEY[target] COLON[:] VALUE[  Potter\n]"
                + " COLON[:] VALUE[x\n] OTHER[not yaml\n] DELIMITER[---\n] BODY[Harry Potter and Harry]", show(PROMPT, scan(PROMPT, 0, ScanState.FILE_START)));
    }

    @Test
    void tokensCoverTheTextWithoutGaps() {
        int at = 0;
        for (FrontMatterToken t : scan(PROMPT, 0, ScanState.FILE_START)) {
            assertEquals(at, t.start());
            at = t.end();
        }
        assertEquals(PROMPT.length(), at);
    }

    @Test
    void aScanRestartedAtAnyTokenGoesOnAsTheFullScan() {
        List<FrontMatterToken> full = scan(PROMPT, 0, ScanState.FILE_START);
        for (int i = 0; i < full.size(); i++) {
            assertEquals(full.subList(i, full.size()), scan(PROMPT, full.get(i).start(), full.get(i).state()), "restarted at token " + i);
        }
    }

    @Test
    void withoutFrontMatterEverythingIsBody() {
        String text = "The model: reads this\n---\n";
        assertEquals("BODY[The model: reads this\n---\n]", show(text, scan(text, 0, ScanState.FILE_START)));
        assertEquals("", show("", scan("", 0, ScanState.FILE_START)));
    }

    @Test
    void anUnclosedBlockAndWindowsLineBreaks() {
        String text = "---\r\nbos: true\r\n";
        assertEquals("DELIMITER[---\r\n] KEY[bos] COLON[:] VALUE[ true\r\n]", show(text, scan(text, 0, ScanState.FILE_START)));
        String dashes = "----\nx";
        assertEquals("BODY[----\nx]", show(dashes, scan(dashes, 0, ScanState.FILE_START)));
    }

    @Test
    void aBadRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FrontMatterScanner("abc", 2, 1, ScanState.BODY));
        assertThrows(IllegalArgumentException.class, () -> ScanState.of(9));
    }
}
