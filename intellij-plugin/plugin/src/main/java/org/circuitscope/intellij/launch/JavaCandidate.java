package org.circuitscope.intellij.launch;

import java.nio.file.Path;

/**
 * A java executable to try.
 *
 * @param source     where it came from, as the user would name it ("setting Java home", "JAVA_HOME", "PATH")
 * @param executable the java executable
 */
public record JavaCandidate(String source, Path executable) {
    public static final String SETTING = "setting Java home";
    public static final String JAVA_HOME = "JAVA_HOME";
    public static final String PATH = "PATH";
}
