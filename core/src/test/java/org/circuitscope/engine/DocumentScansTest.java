package org.circuitscope.engine;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which scan directory a prompt names: the front matter's scan: first, then the scanDir setting. */
class DocumentScansTest {
    static final String FM = "---\ncircuitscope:\n  model: m\n  scan: %s\n---\nbody";

    @Test
    void theFrontMatterWinsAndResolvesAgainstTheDocumentsFolder(@TempDir Path tmp) {
        var at = DocumentScans.locate(FM.formatted("scans/a"), tmp, List.of(Path.of("/elsewhere")), "/from/setting");
        assertEquals(new DocumentScans.Location(tmp.resolve("scans/a"), true), at);
        assertEquals(new DocumentScans.Location(Path.of("/abs/b"), true), DocumentScans.locate(FM.formatted("/abs/b"), tmp, List.of(), null));
    }

    @Test
    void theSettingResolvesAgainstTheWorkspaceFolderThatHasIt(@TempDir Path tmp) throws Exception {
        Path r1 = Files.createDirectories(tmp.resolve("r1")), r2 = Files.createDirectories(tmp.resolve("r2"));
        Files.createDirectories(r2.resolve("scans/x"));
        assertEquals(new DocumentScans.Location(r2.resolve("scans/x"), false), DocumentScans.locate("no front matter", tmp, List.of(r1, r2), "scans/x"));
        assertEquals(new DocumentScans.Location(r1.resolve("scans/y"), false), DocumentScans.locate("body", tmp, List.of(r1, r2), "scans/y"));
        assertNull(DocumentScans.locate("---\ncircuitscope:\n  model: m\n---\nbody", tmp, List.of(r1), null), "none named");
    }

    @Test
    void aValueThatIsNoPathOrARelativeOneWithoutAFolderIsAProblemOfTheFrontMatter() {
        var list = assertThrows(DocumentScans.ScanProblem.class, () -> DocumentScans.locate(FM.formatted("[a, b]"), null, List.of(), null));
        assertTrue(list.fromFrontMatter() && list.getMessage().contains("one directory path"), list.getMessage());
        var unsaved = assertThrows(DocumentScans.ScanProblem.class, () -> DocumentScans.locate(FM.formatted("rel"), null, List.of(), null));
        assertTrue(unsaved.getMessage().contains("no folder"), unsaved.getMessage());
    }

    @Test
    void theSettingIsReadFromTheSectionAndBlankClearsIt() {
        Settings s = Settings.defaults().with(JsonParser.parseString("{\"circuitscope\": {\"scanDir\": \"/scans/heb\"}}"));
        assertEquals("/scans/heb", s.scanDir());
        assertEquals("/scans/heb", s.with(JsonParser.parseString("{\"topK\": 7}")).scanDir(), "kept when absent");
        assertNull(s.with(JsonParser.parseString("{\"scanDir\": \"\"}")).scanDir());
    }
}
