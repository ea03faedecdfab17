package org.circuitscope.view;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import java.util.ArrayList;
import java.util.List;

/**
 * One head's attention pattern as CircuitsVis draws it: destinations (queries) down, sources
 * (keys) across, token labels on both axes, one cell per causal pair whose opacity is √weight
 * (so the many small weights of a long prompt stay visible beside a near-1 cell; the
 * {@link Legend} says so and each cell's tooltip has the exact weight).
 */
final class Heatmap {
    private Heatmap() {}

    record Cell(int query, int key, double weight) {}

    /** Cell size and label room: large cells for short prompts, small ones for long. */
    record Layout(int cell, int labelWidth, int labelHeight) {
        static Layout of(int tokens, int maxSide) {
            int cell = Math.max(4, Math.min(24, maxSide / Math.max(1, tokens)));
            int label = cell >= 9 ? 90 : 8;
            return new Layout(cell, label, label);
        }

        boolean labels() { return cell >= 9; }
    }

    /** Pattern rows (row q holds keys 0..q; full square rows are cut to their causal part) → cells. */
    static List<Cell> cells(JsonArray pattern) {
        List<Cell> out = new ArrayList<>();
        for (int q = 0; q < pattern.size(); q++) {
            JsonArray row = Answer.array(pattern.get(q), "pattern[" + q + "]");
            for (int k = 0; k <= q && k < row.size(); k++) out.add(new Cell(q, k, Answer.number(row.get(k), "pattern[" + q + "][" + k + "]")));
        }
        return out;
    }

    static double opacity(double weight) { return Math.sqrt(Num.clamp01(weight)); }

    static String svg(List<Tok> tokens, String label, JsonElement pattern, Layout layout) {
        List<Cell> cells = cells(Answer.array(pattern, "pattern"));
        int n = tokens.size();
        for (Cell c : cells) {
            if (c.query() >= n) throw new Answer.BadAnswer("the pattern has row " + c.query() + " but there are " + n + " tokens");
        }
        int cell = layout.cell(), lw = layout.labelWidth(), lh = layout.labelHeight();
        int w = lw + n * cell + 4, h = lh + n * cell + 4;
        StringBuilder b = new StringBuilder();
        b.append("<svg class=\"heatmap\" role=\"img\" aria-label=\"attention pattern ").append(Html.escape(label)).append("\" data-tokens=\"")
                .append(n).append("\" width=\"").append(w).append("\" height=\"").append(h).append("\" viewBox=\"0 0 ").append(w).append(' ')
                .append(h).append("\" xmlns=\"http://www.w3.org/2000/svg\">");
        b.append("<rect class=\"frame\" x=\"").append(lw).append("\" y=\"").append(lh).append("\" width=\"").append(n * cell)
                .append("\" height=\"").append(n * cell).append("\"/>");
        if (layout.labels()) {
            int fs = Math.min(12, cell - 1);
            for (int i = 0; i < n; i++) {
                String t = Html.escape(Tok.clip(tokens.get(i).label(), 14));
                b.append("<text class=\"axis\" x=\"").append(lw - 4).append("\" y=\"").append(Num.coord(lh + i * cell + cell / 2.0))
                        .append("\" font-size=\"").append(fs).append("\" text-anchor=\"end\" dominant-baseline=\"middle\">").append(t).append("</text>");
                b.append("<text class=\"axis\" transform=\"translate(").append(Num.coord(lw + i * cell + cell / 2.0)).append(',').append(lh - 4)
                        .append(") rotate(-60)\" font-size=\"").append(fs).append("\" dominant-baseline=\"middle\">").append(t).append("</text>");
            }
        }
        for (Cell c : cells) {
            String tip = label + ": " + tokens.get(c.query()).quoted() + " @" + c.query() + " ← " + tokens.get(c.key()).quoted() + " @" + c.key()
                    + ": " + Num.fixed(c.weight());
            b.append("<rect class=\"cell\" x=\"").append(lw + c.key() * cell).append("\" y=\"").append(lh + c.query() * cell)
                    .append("\" width=\"").append(cell).append("\" height=\"").append(cell).append("\" fill-opacity=\"")
                    .append(Num.fixed(opacity(c.weight()), 3)).append("\" data-q=\"").append(c.query()).append("\" data-k=\"").append(c.key())
                    .append("\" data-w=\"").append(Num.fixed(c.weight(), 4)).append("\" data-tip=\"").append(Html.escape(tip)).append("\"><title>")
                    .append(Html.escape(tip)).append("</title></rect>");
        }
        return b.append("</svg>").toString();
    }
}
