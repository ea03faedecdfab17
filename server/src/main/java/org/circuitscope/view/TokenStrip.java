package org.circuitscope.view;

import java.util.List;

/**
 * The prompt's tokens in a line, each coloured by a value: blue up, red down, five shades by
 * |value| relative to the largest (classes {@code p1..p5}, {@code n1..n5}, {@code h0} for zero).
 */
final class TokenStrip {
    private TokenStrip() {}

    /** A token coloured by {@code value}; {@code tip} is its tooltip. */
    record Heat(int position, String text, double value, String tip) {}

    /** Level −5..5 of a value relative to the largest |value| (0 only for exact zeros). */
    static int level(double value, double maxAbs) {
        if (!(maxAbs > 0) || value == 0 || Double.isNaN(value)) return 0;
        int l = (int) Math.ceil(Math.abs(value) / maxAbs * 5);
        return (int) Math.signum(value) * Math.max(1, Math.min(5, l));
    }

    static String html(List<Heat> tokens) {
        double maxAbs = 0;
        for (Heat t : tokens) if (Double.isFinite(t.value())) maxAbs = Math.max(maxAbs, Math.abs(t.value()));
        StringBuilder b = new StringBuilder("<div class=\"tokens\">");
        for (Heat t : tokens) {
            int l = level(t.value(), maxAbs);
            String cls = l == 0 ? "h0" : l > 0 ? "p" + l : "n" + -l;
            b.append("<span class=\"tok ").append(cls).append("\" data-position=\"").append(t.position()).append("\" data-value=\"")
                    .append(Num.fixed(t.value(), 4)).append("\" data-tip=\"").append(Html.escape(t.tip())).append("\" title=\"")
                    .append(Html.escape(t.tip())).append("\">").append(Html.escape(t.text().replace("\n", "↵\n"))).append("</span>");
        }
        return b.append("</div>").toString();
    }
}
