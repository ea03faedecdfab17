package org.circuitscope.intellij.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class JavaFinderTest {
    private static final String J25 = "openjdk version \"25.0.1\" 2025-10-21";
    private static final String J21 = "openjdk version \"21.0.5\" 2024-10-15";

    @TempDir
    Path dir;

    private final JavaFinder unix = new JavaFinder(false);
    private final ProcessJavaProbe probe = new ProcessJavaProbe();

    @Test
    void versionsAsJavaPrintsThem() {
        assertEquals(OptionalInt.of(25), JavaVersion.major(J25));
        assertEquals(OptionalInt.of(8), JavaVersion.major("java version \"1.8.0_392\""));
        assertEquals(OptionalInt.of(26), JavaVersion.major("openjdk version \"26-ea\" 2026-03-17"));
        assertEquals(OptionalInt.of(25), JavaVersion.major("openjdk version \"25\" 2025-09-16"));
        assertEquals(OptionalInt.empty(), JavaVersion.major("Error: could not find libjava.so"));
        assertEquals(OptionalInt.empty(), JavaVersion.major(null));
    }

    @Test
    void candidatesInTheExtensionsOrder() {
        List<JavaCandidate> c = unix.candidates(" /opt/jdk ", Map.of("JAVA_HOME", "/usr/lib/jvm/x", "PATH", "/a::/b"));
        assertEquals(List.of(new JavaCandidate(JavaCandidate.SETTING, Path.of("/opt/jdk/bin/java")),
                new JavaCandidate(JavaCandidate.JAVA_HOME, Path.of("/usr/lib/jvm/x/bin/java")),
                new JavaCandidate(JavaCandidate.PATH, Path.of("/a/java")), new JavaCandidate(JavaCandidate.PATH, Path.of("/b/java"))), c);
        assertEquals(List.of(new JavaCandidate(JavaCandidate.PATH, Path.of("/a/java"))), unix.candidates("  ", Map.of("JAVA_HOME", "", "PATH", "/a")));
        assertEquals(Path.of("C:\\jdk", "bin", "java.exe"), new JavaFinder(true).candidates("C:\\jdk", Map.of()).get(0).executable());
        assertEquals(2, new JavaFinder(true).candidates("", Map.of("Path", "C:\\a;C:\\b")).size());
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void theSettingWinsOverJavaHomeAndPath() throws IOException {
        Path setting = FakeJava.home(dir, "setting", J25);
        Path javaHome = FakeJava.home(dir, "javahome", J25);
        JavaResult r = unix.find(unix.candidates(setting.toString(), Map.of("JAVA_HOME", javaHome.toString())), probe);
        assertTrue(r.ok());
        assertEquals(JavaCandidate.SETTING, r.chosen().source());
        assertEquals(setting.resolve("bin/java"), r.chosen().executable());
        assertEquals(25, r.major());
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void javaOlderThan25IsRefusedAndTheNextIsTried() throws IOException {
        Path old = FakeJava.home(dir, "jdk21", J21);
        Path onPath = FakeJava.pathDir(dir, "bin26", "echo 'openjdk version \"26-ea\"' >&2");
        JavaResult r = unix.find(unix.candidates("", Map.of("JAVA_HOME", old.toString(), "PATH", dir.resolve("empty") + ":" + onPath)), probe);
        assertEquals(JavaCandidate.PATH, r.chosen().source());
        assertEquals(26, r.major());
        assertEquals("Java 21 is older than 25", r.tried().get(0).problem());
        assertEquals(2, r.tried().size(), "a PATH entry without java is skipped silently: " + r.tried());
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void nothingUsableSaysWhatWasFoundAndWhereToSetIt() throws IOException {
        Path old = FakeJava.home(dir, "jdk21", J21);
        Path mute = FakeJava.pathDir(dir, "mute", "exit 1");
        JavaResult r = unix.find(unix.candidates(dir.resolve("nope").toString(), Map.of("JAVA_HOME", old.toString(), "PATH", mute.toString())), probe);
        assertFalse(r.ok());
        assertTrue(r.message().contains("needs Java 25"), r.message());
        assertTrue(r.message().contains("nope/bin/java (setting Java home): no java executable there"), r.message());
        assertTrue(r.message().contains("(JAVA_HOME): Java 21 is older than 25"), r.message());
        assertTrue(r.message().contains("(PATH): java -version did not answer with a version"), r.message());
        IllegalStateException e = assertThrows(IllegalStateException.class, r::require);
        assertEquals(r.message(), e.getMessage());
    }

    @Test
    void noCandidatesAtAll() {
        JavaResult r = unix.find(List.of(), probe);
        assertTrue(r.message().contains("no java was found in the setting Java home, JAVA_HOME or the PATH"), r.message());
    }
}
