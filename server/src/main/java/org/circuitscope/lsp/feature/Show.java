package org.circuitscope.lsp.feature;


import java.util.Locale;

/** How tokens and numbers are written for people in hovers, hints and lenses. */
public final class Show {
    private Show() {}

    /** A token's text quoted, with whitespace and control characters made visible. */
    public static String token(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) b.append(String.format("\\x%02x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    /** A token for Markdown: quoted inside a code span (backticks in the token widen the fence). */
    public static String tokenMd(String s) {
        String q = token(s);
        return q.contains("`") ? "`` " + q + " ``" : "`" + q + "`";
    }

    /** Any text as one Markdown code span: line ends become spaces, backticks widen the fence. */
    public static String codeMd(String s) {
        String t = s.replace('\n', ' ').replace('\r', ' ');
        return t.contains("`") ? "`` " + t + " ``" : "`" + t + "`";
    }

    public static String percent(double p) {
        if (p >= 0.0995) return String.format(Locale.ROOT, "%.1f%%", 100 * p);
        return String.format(Locale.ROOT, "%.3g%%", 100 * p);
    }

    public static String num(double x, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f", x);
    }

    public static String signed(double x) {
        return String.format(Locale.ROOT, "%+.2f", x);
    }
}
