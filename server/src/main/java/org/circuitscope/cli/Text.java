package org.circuitscope.cli;

/** Shows token text unambiguously in a terminal: quoted, with whitespace and control characters escaped. */
final class Text {
    private Text() {}

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
