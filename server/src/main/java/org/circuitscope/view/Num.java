package org.circuitscope.view;

import java.util.Locale;

/** Numbers as the pages print them: fixed digits with a dot whatever the JVM's locale. */
final class Num {
    private Num() {}

    static String fixed(double x, int digits) {
        if (Double.isNaN(x)) return "NaN";
        if (Double.isInfinite(x)) return x > 0 ? "Infinity" : "-Infinity";
        return String.format(Locale.ROOT, "%." + digits + "f", x);
    }

    static String fixed(double x) { return fixed(x, 3); }

    /** With its sign: +0.25, -1.50. */
    static String signed(double x) { return (x >= 0 ? "+" : "") + fixed(x, 2); }

    /** An SVG coordinate: up to three decimals, no trailing zeros. */
    static String coord(double x) {
        if (!Double.isFinite(x)) return "0";
        String s = String.format(Locale.ROOT, "%.3f", x);
        s = s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
        return s.equals("-0") ? "0" : s;
    }

    static double clamp01(double x) { return Double.isNaN(x) ? 0 : Math.max(0, Math.min(1, x)); }
}
