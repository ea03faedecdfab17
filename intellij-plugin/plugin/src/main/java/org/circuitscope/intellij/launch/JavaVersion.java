package org.circuitscope.intellij.launch;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The major version in {@code java -version} output (the rule of vscode-extension/src/java.ts, parseJavaMajor). */
public final class JavaVersion {
    private static final Pattern VERSION = Pattern.compile("version \"(\\d+)(?:\\.(\\d+))?[^\"]*\"");

    private JavaVersion() {}

    /** {@code openjdk version "25.0.1"} → 25, {@code java version "1.8.0_392"} → 8, {@code "26-ea"} → 26; empty if none. */
    public static OptionalInt major(String text) {
        Matcher m = VERSION.matcher(text == null ? "" : text);
        if (!m.find()) return OptionalInt.empty();
        try {
            int first = Integer.parseInt(m.group(1));
            return OptionalInt.of(first == 1 && m.group(2) != null ? Integer.parseInt(m.group(2)) : first);
        } catch (NumberFormatException e) {
            return OptionalInt.empty(); // digits beyond int: not a version any JDK prints
        }
    }
}
