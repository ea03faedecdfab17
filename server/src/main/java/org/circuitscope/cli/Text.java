package org.circuitscope.cli;

import org.circuitscope.io.Excerpt;

/** Shows token text unambiguously in a terminal: quoted, with whitespace and control characters escaped. */
final class Text {
    /** Characters of user input an error message repeats ({@link Excerpt}). */
    static final int INPUT_CHARS = Excerpt.MAX;

    private Text() {}

    /** User input as a message quotes it: {@link #quote quoted}, cut to {@link #INPUT_CHARS} code points and "…". */
    static String quoteInput(String s) { return quote(excerpt(s)); }

    static String excerpt(String s) { return Excerpt.of(s); }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("'");
        s.codePoints().forEach(c -> {
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\'' -> b.append("\\'");
                default -> {
                    if (Character.isISOControl(c)) b.append(String.format("\\x%02x", c));
                    else b.appendCodePoint(c);
                }
            }
        });
        return b.append('\'').toString();
    }
}
