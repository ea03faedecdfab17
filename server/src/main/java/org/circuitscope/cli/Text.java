package org.circuitscope.cli;

/** Shows token text unambiguously in a terminal: quoted, with whitespace and control characters escaped. */
final class Text {
    /** Characters of user input an error message repeats: enough to recognise it, never a pasted megabyte. */
    static final int INPUT_CHARS = 40;

    private Text() {}

    /** User input as a message quotes it: {@link #quote quoted}, cut to {@link #INPUT_CHARS} code points and "…". */
    static String quoteInput(String s) { return quote(excerpt(s)); }

    static String excerpt(String s) {
        if (s.length() <= INPUT_CHARS || s.codePointCount(0, s.length()) <= INPUT_CHARS) return s;
        return s.substring(0, s.offsetByCodePoints(0, INPUT_CHARS)) + "…";
    }

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
