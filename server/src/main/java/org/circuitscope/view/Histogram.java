package org.circuitscope.view;

import java.util.List;

/**
 * Counts over bins as vertical bars, bins left to right, with the bin edges under the first and
 * last bar and the count in each bar's tooltip. Heights are ∝ √count, so a bin of 2 next to a
 * bin of 2000 still shows; the tooltip carries the exact number.
 */
final class Histogram {
    private Histogram() {}

    /** {@code edges} has one more entry than {@code counts}; {@code what} names the values (in tooltips and the title). */
    static String svg(List<Double> edges, List<Long> counts, String what, int width, int height) {
        if (edges.size() != counts.size() + 1) throw new Answer.BadAnswer("a histogram needs one more edge than counts, got "
                + edges.size() + " edges and " + counts.size() + " counts");
        int bottom = 18, top = 4, left = 4, right = 4;
        long max = 1;
        for (long c : counts) max = Math.max(max, c);
        double plotH = height - bottom - top, barW = counts.isEmpty() ? 0 : (double) (width - left - right) / counts.size();
        StringBuilder b = new StringBuilder("<svg class=\"bars histogram\" role=\"img\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\" xmlns=\"http://www.w3.org/2000/svg\"><title>")
                .append(Html.escape("histogram of " + what)).append("</title>");
        for (int i = 0; i < counts.size(); i++) {
            long c = counts.get(i);
            double h = c == 0 ? 0 : Math.max(1, Math.sqrt((double) c / max) * plotH);
            double x = left + i * barW;
            String tip = Num.fixed(edges.get(i), 3) + " ≤ " + what + " < " + Num.fixed(edges.get(i + 1), 3) + ": " + c;
            b.append("<rect class=\"bar pos\" x=\"").append(Num.coord(x + 0.5)).append("\" y=\"").append(Num.coord(top + plotH - h))
                    .append("\" width=\"").append(Num.coord(Math.max(0.5, barW - 1))).append("\" height=\"").append(Num.coord(h))
                    .append("\" data-count=\"").append(c).append("\" data-tip=\"").append(Html.escape(tip)).append("\"><title>")
                    .append(Html.escape(tip)).append("</title></rect>");
        }
        b.append("<line class=\"zero\" x1=\"").append(left).append("\" x2=\"").append(width - right).append("\" y1=\"")
                .append(Num.coord(top + plotH)).append("\" y2=\"").append(Num.coord(top + plotH)).append("\"/>");
        if (!edges.isEmpty()) {
            b.append("<text class=\"axis\" x=\"").append(left).append("\" y=\"").append(height - 4).append("\">")
                    .append(Num.fixed(edges.getFirst(), 2)).append("</text>");
            b.append("<text class=\"axis\" x=\"").append(width - right).append("\" y=\"").append(height - 4).append("\" text-anchor=\"end\">")
                    .append(Num.fixed(edges.getLast(), 2)).append("</text>");
        }
        return b.append("</svg>").toString();
    }
}
