package org.circuitscope.intellij.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class ServerCommandTest {
    @TempDir
    Path dir;

    private PluginLayout installed() throws IOException {
        Path root = dir.resolve("circuitscope");
        Files.createDirectories(root.resolve("lib"));
        Files.createDirectories(root.resolve("server"));
        Files.writeString(root.resolve("server/circuitscope.jar"), "");
        Files.copy(JvmOptionsTest.SERVER_OPTIONS, root.resolve("server/jvm.options"));
        return PluginLayout.ofPluginJar(root.resolve("lib/circuitscope-intellij.jar"));
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void javaThenTheLspOptionsThenTheJar() throws IOException {
        PluginLayout layout = installed();
        Path home = FakeJava.home(dir, "jdk25", "openjdk version \"25.0.1\"");
        List<String> cmd = ServerCommand.of(layout, "", Map.of("JAVA_HOME", home.toString()), new JavaFinder(false), new ProcessJavaProbe(), "always [madvise] never");
        List<String> expected = new ArrayList<>();
        expected.add(home.resolve("bin/java").toString());
        expected.addAll(JvmOptions.select(Files.readString(JvmOptionsTest.SERVER_OPTIONS), true, true, "x"));
        expected.addAll(List.of("-jar", dir.resolve("circuitscope/server/circuitscope.jar").toString(), "lsp"));
        assertEquals(expected, cmd);
        assertFalse(cmd.contains("-XX:+UseTransparentHugePages"), "no huge pages (server/jvm.options says why): " + cmd);
    }

    @Test
    void aBrokenInstallNamesTheMissingFile() throws IOException {
        PluginLayout layout = installed();
        Files.delete(layout.serverJar());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ServerCommand.of(layout, "", Map.of(), new JavaFinder(false), new ProcessJavaProbe(), null));
        assertEquals("the circuitscope plugin is missing " + layout.serverJar() + "; reinstall the plugin", e.getMessage());
    }

    @Test
    void noJavaIsTheUsersMessage() throws IOException {
        PluginLayout layout = installed();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ServerCommand.of(layout, "", Map.of("PATH", dir.resolve("none").toString()), new JavaFinder(false), new ProcessJavaProbe(), null));
        assertTrue(e.getMessage().startsWith("Circuitscope needs Java 25 or newer"), e.getMessage());
    }

    @Test
    void theLayoutIsFoundFromThePluginJar() {
        assertEquals(Path.of("/ide/plugins/circuitscope").toAbsolutePath(), PluginLayout.ofPluginJar(Path.of("/ide/plugins/circuitscope/lib/x.jar")).root());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PluginLayout.ofPluginJar(Path.of("/tmp/x.jar")));
        assertTrue(e.getMessage().contains("not in a plugin's lib/ folder"), e.getMessage());
    }
}
