package org.circuitscope.intellij.launch;

/**
 * A candidate that was looked at.
 *
 * @param major   its major version, or 0 when it is missing or did not answer
 * @param problem why it was not used, or null for the one chosen
 */
public record JavaTried(JavaCandidate candidate, int major, String problem) {
    public String describe() {
        return candidate.executable() + " (" + candidate.source() + "): " + problem;
    }
}
