package org.circuitscope.io;

/**
 * How much of what a user wrote an error message repeats: enough to recognise it, never a pasted
 * megabyte. The one rule for the model loaders, the front matter, the command line and the server.
 */
public final class Excerpt {
    /** Code points of input a message repeats. */
    public static final int MAX = 40;

    private Excerpt() {}

    /** {@code s} itself, or its first {@link #MAX} code points and "…". */
    public static String of(String s) {
        if (s == null) return "null";
        if (s.length() <= MAX || s.codePointCount(0, s.length()) <= MAX) return s;
        return s.substring(0, s.offsetByCodePoints(0, MAX)) + "…";
    }
}
