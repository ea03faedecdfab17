package org.circuitscope.view;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Horizontal signed bars around a zero line: positive bars {@code pos}, negative {@code neg}, lengths ∝ values. */
final class Bars {
    private Bars() {}

    /** One bar; {@code detail} goes into its tooltip (may be null). */
    record Bar(String label, double value, String detail) {
        Bar(String label, double value) { this(label, value, null); }
    }

    /** Largest |value| first, at most {@code top}; the rest summed into one bar, so that the total stays. */
    static List<Bar> sorted(List<Bar> items, int top) {
        List<Bar> s = new ArrayList<>(items);
        s.sort(Comparator.comparingDouble((Bar b) -> Math.abs(b.value())).reversed());
        if (s.size() <= top) return s;
        List<Bar> rest = s.subList(top, s.size());
        double sum = rest.stream().mapToDouble(Bar::value).sum();
        List<Bar> out = new ArrayList<>(s.subList(0, top));
        out.add(new Bar(rest.size() + " others", sum, "sum of the smaller terms"));
        return out;
    }

    static String svg(List<Bar> bars, int width, String unit) { return svg(bars, width, unit, Double.NaN, Double.NaN); }

    /** The chart; the domain is [min(0, values), max(0, values)] unless {@code lo}/{@code hi} are given (not NaN). */
    static String svg(List<Bar> bars, int width, String unit, double lo, double hi) {
        int labelW = 210, valueW = 70, rowH = 20;
        double min = 0, max = 0;
        for (Bar b : bars) {
            if (Double.isFinite(b.value())) {
                min = Math.min(min, b.value());
                max = Math.max(max, b.value());
            }
        }
        double from = Double.isNaN(lo) ? min : Math.min(lo, min), to = Double.isNaN(hi) ? max : Math.max(hi, max);
        double span = to - from == 0 ? 1 : to - from;
        double plotW = width - labelW - valueW;
        int h = bars.size() * rowH + 8;
        double x0 = labelW + (0 - from) / span * plotW;
        StringBuilder b = new StringBuilder("<svg class=\"bars\" role=\"img\" width=\"").append(width).append("\" height=\"").append(h)
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(h).append("\" xmlns=\"http://www.w3.org/2000/svg\">");
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            double v = Double.isFinite(bar.value()) ? bar.value() : 0;
            double y = 4 + i * rowH;
            double x1 = labelW + (v - from) / span * plotW;
            String tip = bar.label() + ": " + Num.fixed(bar.value()) + (unit == null ? "" : " " + unit)
                    + (bar.detail() == null ? "" : " — " + bar.detail());
            b.append("<text class=\"axis\" x=\"").append(labelW - 6).append("\" y=\"").append(Num.coord(y + rowH / 2.0))
                    .append("\" text-anchor=\"end\" dominant-baseline=\"middle\">").append(Html.escape(Tok.clip(bar.label(), 30))).append("</text>");
            b.append("<rect class=\"bar ").append(bar.value() >= 0 ? "pos" : "neg").append("\" x=\"").append(Num.coord(Math.min(x0, x1)))
                    .append("\" y=\"").append(Num.coord(y + 3)).append("\" width=\"").append(Num.coord(Math.abs(x1 - x0))).append("\" height=\"")
                    .append(rowH - 6).append("\" data-label=\"").append(Html.escape(bar.label())).append("\" data-value=\"")
                    .append(Num.fixed(bar.value(), 4)).append("\" data-tip=\"").append(Html.escape(tip)).append("\"><title>")
                    .append(Html.escape(tip)).append("</title></rect>");
            b.append("<text class=\"value\" x=\"").append(width - valueW + 6).append("\" y=\"").append(Num.coord(y + rowH / 2.0))
                    .append("\" dominant-baseline=\"middle\">").append(Html.escape(Num.signed(bar.value()))).append("</text>");
        }
        b.append("<line class=\"zero\" x1=\"").append(Num.coord(x0)).append("\" x2=\"").append(Num.coord(x0)).append("\" y1=\"0\" y2=\"")
                .append(h).append("\"/>");
        return b.append("</svg>").toString();
    }
}
