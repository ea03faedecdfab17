package org.circuitscope.view;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One mode's composition scores as the paper's figure: rows are the heads that write (layers 0 …
 * n−2), columns the heads of later layers that read (layers 1 … n−1), one cell per pair with
 * layer1 &lt; layer2. A cell's opacity is its score over the random baseline relative to
 * {@code scale} (the largest excess of any mode, so that Q, K and V compare); scores at or under
 * the baseline are blank.
 */
final class CompositionMatrix {
    private CompositionMatrix() {}

    /** One head pair's raw score. */
    record Pair(String mode, int layer1, int head1, int layer2, int head2, double score) {
        String from() { return label(layer1, head1); }

        String to() { return label(layer2, head2); }
    }

    static String label(int layer, int head) { return "L" + layer + "H" + head; }

    /** Every pair with layer1 &lt; layer2 of {@code mode}'s 4-D array [layer1][head1][layer2][head2]. */
    static List<Pair> pairs(JsonObject r, String mode, int layers, int heads) {
        JsonArray s = Answer.array(r, mode);
        List<Pair> out = new ArrayList<>();
        for (int l1 = 0; l1 < layers; l1++) {
            for (int h1 = 0; h1 < heads; h1++) {
                for (int l2 = l1 + 1; l2 < layers; l2++) {
                    for (int h2 = 0; h2 < heads; h2++) {
                        out.add(new Pair(mode.toUpperCase(java.util.Locale.ROOT), l1, h1, l2, h2, at(s, mode, l1, h1, l2, h2)));
                    }
                }
            }
        }
        return out;
    }

    private static double at(JsonArray s, String mode, int... index) {
        JsonArray a = s;
        String where = mode;
        for (int i = 0; i < index.length - 1; i++) {
            where += "[" + index[i] + "]";
            if (index[i] >= a.size()) throw new Answer.BadAnswer("'" + mode + "' has no entry " + where + " (fewer layers or heads than n_layers, n_heads)");
            a = Answer.array(a.get(index[i]), where);
        }
        int last = index[index.length - 1];
        if (last >= a.size()) throw new Answer.BadAnswer("'" + mode + "' has no entry " + where + "[" + last + "]");
        return Answer.number(a.get(last), where + "[" + last + "]");
    }

    static double opacity(double score, double baseline, double scale) {
        return scale > 0 ? Num.clamp01((score - baseline) / scale) : 0;
    }

    static String svg(List<Pair> pairs, int layers, int heads, double baseline, double scale) {
        int n = (layers - 1) * heads;
        int cell = Math.max(6, Math.min(28, 480 / Math.max(1, n)));
        boolean labels = cell >= 9;
        int lw = labels ? 56 : 8, lh = labels ? 50 : 8;
        int w = lw + n * cell + 4, h = lh + n * cell + 4;
        String mode = pairs.isEmpty() ? "" : pairs.getFirst().mode();
        StringBuilder b = new StringBuilder("<svg class=\"matrix\" role=\"img\" aria-label=\"").append(mode).append("-composition scores\" data-mode=\"")
                .append(mode).append("\" width=\"").append(w).append("\" height=\"").append(h).append("\" viewBox=\"0 0 ").append(w).append(' ')
                .append(h).append("\" xmlns=\"http://www.w3.org/2000/svg\">");
        if (labels) {
            for (int i = 0; i < n; i++) {
                String row = label(i / heads, i % heads), col = label(i / heads + 1, i % heads);
                b.append("<text class=\"axis\" x=\"").append(lw - 4).append("\" y=\"").append(Num.coord(lh + i * cell + cell / 2.0))
                        .append("\" text-anchor=\"end\" dominant-baseline=\"middle\">").append(row).append("</text>");
                b.append("<text class=\"axis\" transform=\"translate(").append(Num.coord(lw + i * cell + cell / 2.0)).append(',').append(lh - 4)
                        .append(") rotate(-60)\" dominant-baseline=\"middle\">").append(col).append("</text>");
            }
        }
        for (Pair p : pairs) {
            int row = p.layer1() * heads + p.head1(), col = (p.layer2() - 1) * heads + p.head2();
            String tip = p.mode() + "-composition " + p.from() + " → " + p.to() + ": " + Num.fixed(p.score()) + " (" + Num.signed(p.score() - baseline)
                    + " over the baseline " + Num.fixed(baseline) + ")";
            int x = lw + col * cell, y = lh + row * cell;
            b.append("<rect class=\"frame\" x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(cell).append("\" height=\"")
                    .append(cell).append("\"/><rect class=\"cell\" x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(cell)
                    .append("\" height=\"").append(cell).append("\" fill-opacity=\"").append(Num.fixed(opacity(p.score(), baseline, scale), 3))
                    .append("\" data-from=\"").append(p.from()).append("\" data-to=\"").append(p.to()).append("\" data-score=\"")
                    .append(Num.fixed(p.score(), 4)).append("\" data-tip=\"").append(Html.escape(tip)).append("\"><title>").append(Html.escape(tip))
                    .append("</title></rect>");
        }
        for (int l = 1; l < layers - 1; l++) {
            int at = l * heads * cell;
            b.append("<line class=\"sep\" x1=\"").append(lw + at).append("\" x2=\"").append(lw + at).append("\" y1=\"").append(lh).append("\" y2=\"")
                    .append(lh + n * cell).append("\"/><line class=\"sep\" x1=\"").append(lw).append("\" x2=\"").append(lw + n * cell).append("\" y1=\"")
                    .append(lh + at).append("\" y2=\"").append(lh + at).append("\"/>");
        }
        return b.append("</svg>").toString();
    }
}
