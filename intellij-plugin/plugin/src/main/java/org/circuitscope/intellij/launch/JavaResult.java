package org.circuitscope.intellij.launch;

import java.util.List;

/**
 * The outcome of discovery: the chosen candidate (the last of {@code tried}), or the message saying what is needed
 * and what was found.
 */
public record JavaResult(JavaCandidate chosen, int major, List<JavaTried> tried, String message) {
    public JavaResult {
        tried = List.copyOf(tried);
    }

    public boolean ok() { return chosen != null; }

    /** The chosen candidate, or IllegalStateException with the message for the user. */
    public JavaCandidate require() {
        if (chosen == null) throw new IllegalStateException(message);
        return chosen;
    }
}
