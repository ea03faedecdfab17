package org.circuitscope.intellij.launch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Finds a Java 25 for the server in the order of the VS Code extension (vscode-extension/src/java.ts): the plugin's
 * Java home setting, then JAVA_HOME, then each PATH entry. The first that runs and says 25 or newer wins.
 */
public final class JavaFinder {
    public static final int REQUIRED = 25;

    private final boolean windows;

    public JavaFinder(boolean windows) {
        this.windows = windows;
    }

    public static JavaFinder forThisOs() {
        return new JavaFinder(System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows"));
    }

    /** Candidates in the order tried; blank settings, variables and PATH entries are skipped. */
    public List<JavaCandidate> candidates(String javaHomeSetting, Map<String, String> env) {
        List<JavaCandidate> out = new ArrayList<>();
        if (!blank(javaHomeSetting)) out.add(new JavaCandidate(JavaCandidate.SETTING, executableIn(javaHomeSetting.trim())));
        String javaHome = env.get("JAVA_HOME");
        if (!blank(javaHome)) out.add(new JavaCandidate(JavaCandidate.JAVA_HOME, executableIn(javaHome.trim())));
        String path = env.getOrDefault("PATH", env.getOrDefault("Path", ""));
        for (String dir : path.split(windows ? ";" : ":")) {
            if (!blank(dir)) out.add(new JavaCandidate(JavaCandidate.PATH, Path.of(dir.trim(), executableName())));
        }
        return out;
    }

    /** The first candidate that runs and is Java 25 or newer; else what was tried and why each failed. */
    public JavaResult find(List<JavaCandidate> candidates, JavaProbe probe) {
        List<JavaTried> tried = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        for (JavaCandidate c : candidates) {
            if (!seen.add(c.executable())) continue;
            if (!probe.isFile(c.executable())) {
                // A PATH entry without java is normal; a wrong setting or JAVA_HOME is worth reporting.
                if (!JavaCandidate.PATH.equals(c.source())) tried.add(new JavaTried(c, 0, "no java executable there"));
                continue;
            }
            OptionalInt major = probe.versionText(c.executable()).map(JavaVersion::major).orElse(OptionalInt.empty());
            if (major.isEmpty()) {
                tried.add(new JavaTried(c, 0, "java -version did not answer with a version"));
            } else if (major.getAsInt() < REQUIRED) {
                tried.add(new JavaTried(c, major.getAsInt(), "Java " + major.getAsInt() + " is older than " + REQUIRED));
            } else {
                tried.add(new JavaTried(c, major.getAsInt(), null));
                return new JavaResult(c, major.getAsInt(), tried, null);
            }
        }
        return new JavaResult(null, 0, tried, missingMessage(tried));
    }

    /** What the user reads when no usable Java was found: what is needed, what was found, where to set it. */
    static String missingMessage(List<JavaTried> tried) {
        StringBuilder s = new StringBuilder("Circuitscope needs Java " + REQUIRED + " or newer to run its language server");
        if (tried.isEmpty()) {
            s.append(" — no java was found in the setting Java home, JAVA_HOME or the PATH.");
        } else {
            s.append(" — found ");
            s.append(String.join("; ", tried.stream().map(JavaTried::describe).toList())).append('.');
        }
        return s.append(" Install a JDK ").append(REQUIRED)
                .append(" and set its folder in Settings → Tools → Circuitscope → Java home.").toString();
    }

    private Path executableIn(String home) {
        return Path.of(home, "bin", executableName());
    }

    private String executableName() {
        return windows ? "java.exe" : "java";
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
