package org.circuitscope.lsp.protocol;

import org.circuitscope.io.Excerpt;

/** At most a few dozen characters of what a client sent ({@link Excerpt}), quoted, for log lines and error messages. */
public final class Snippet {
    public static final int MAX = Excerpt.MAX;

    private Snippet() {}

    /** Quoted, cut after {@link #MAX} characters. */
    public static String of(String s) {
        if (s == null) return "null";
        return "'" + Excerpt.of(s).replace("\n", "\\n").replace("\r", "\\r") + "'";
    }

    /** A message of ours that may hold input (an analysis's own check): unquoted, cut after {@code max} characters. */
    public static String of(String s, int max) { return s == null ? "" : cut(s, max); }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "… (" + s.length() + " characters)";
    }
}
