package org.circuitscope.intellij.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.nio.file.attribute.PosixFilePermission;

/** Fake java executables: shell scripts that print what `java -version` would, to stderr as java does. */
final class FakeJava {
    private FakeJava() {}

    /** {@code <home>/bin/java} printing {@code version}'s line. */
    static Path home(Path dir, String name, String versionLine) throws IOException {
        Path home = dir.resolve(name);
        write(home.resolve("bin"), "echo '" + versionLine + "' >&2\necho 'OpenJDK Runtime Environment' >&2");
        return home;
    }

    /** {@code <dir>/java} as a PATH entry. */
    static Path pathDir(Path dir, String name, String script) throws IOException {
        Path d = dir.resolve(name);
        write(d, script);
        return d;
    }

    private static void write(Path bin, String script) throws IOException {
        Files.createDirectories(bin);
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(java, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
    }
}
