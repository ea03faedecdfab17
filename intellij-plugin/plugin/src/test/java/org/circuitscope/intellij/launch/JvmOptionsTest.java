package org.circuitscope.intellij.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class JvmOptionsTest {
    /** The file the plugin bundles. */
    static final Path SERVER_OPTIONS = Path.of("../../server/jvm.options");

    @Test
    void theServersFileForTheLanguageServer() throws IOException {
        List<String> lsp = JvmOptions.select(Files.readString(SERVER_OPTIONS), true, false, "jvm.options");
        assertEquals(List.of("--add-modules", "jdk.incubator.vector"), lsp.subList(0, 2), "the Vector API module first: " + lsp);
        assertTrue(lsp.contains("-XX:MaxGCPauseMillis=10"), lsp.toString());
        assertFalse(lsp.contains("-XX:+UseParallelGC"), "a batch option: " + lsp);
        assertFalse(lsp.contains("-XX:+UseTransparentHugePages"), "thp is off: " + lsp);
        assertFalse(JvmOptions.select(Files.readString(SERVER_OPTIONS), true, true, "jvm.options").contains("-XX:+UseTransparentHugePages"),
                "no huge pages even where Linux allows them (server/jvm.options says why)");
        assertTrue(JvmOptions.select(Files.readString(SERVER_OPTIONS), false, true, "jvm.options").contains("-XX:+UseParallelGC"));
    }

    @Test
    void conditionsJoinedWithPlusMustAllHold() {
        String text = "# comment\n\nall -a\r\nlsp+thp -b x\nbatch -c\n";
        assertEquals(List.of("-a", "-b", "x"), JvmOptions.select(text, true, true, "f"));
        assertEquals(List.of("-a"), JvmOptions.select(text, true, false, "f"));
        assertEquals(List.of("-a", "-c"), JvmOptions.select(text, false, true, "f"));
    }

    @Test
    void anUnknownConditionNamesItsLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JvmOptions.select("all -a\nlsp+gpu -b\n", true, true, "jvm.options"));
        assertEquals("jvm.options:2: unknown condition 'gpu' (all, lsp, batch, thp, joined with +)", e.getMessage());
    }

    @Test
    void transparentHugePagesFromLinuxsSetting() {
        assertTrue(JvmOptions.transparentHugePages("always [madvise] never\n"));
        assertTrue(JvmOptions.transparentHugePages("[always] madvise never"));
        assertFalse(JvmOptions.transparentHugePages("always madvise [never]"));
        assertFalse(JvmOptions.transparentHugePages(null));
    }
}
