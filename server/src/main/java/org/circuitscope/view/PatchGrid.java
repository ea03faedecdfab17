package org.circuitscope.view;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import java.util.ArrayList;
import java.util.List;

/**
 * One patching sweep as a heatmap: layers down, positions (token labels) or heads across. The
 * scale diverges from a centre value (the clean run's metric: "patching here changed nothing"):
 * blue above, red below, opacity ∝ |value − centre| over the largest such distance of the grid.
 */
final class PatchGrid {
    private PatchGrid() {}

    /** A cell: the value drawn, the raw metric, and its tooltip. */
    record Cell(int layer, int column, double value, double raw, String tip) {}

    /** Rows of {@code values} [layer][column] as numbers; every row must have {@code columns} entries. */
    static double[][] matrix(JsonElement values, String what, int columns) {
        JsonArray rows = Answer.array(values, what);
        double[][] out = new double[rows.size()][];
        for (int l = 0; l < rows.size(); l++) {
            JsonArray row = Answer.array(rows.get(l), what + "[" + l + "]");
            if (row.size() != columns) throw new Answer.BadAnswer(what + "[" + l + "] has " + row.size() + " entries, not " + columns);
            out[l] = new double[columns];
            for (int j = 0; j < columns; j++) out[l][j] = Answer.number(row.get(j), what + "[" + l + "][" + j + "]");
        }
        return out;
    }

    static double opacity(double value, double centre, double scale) {
        return scale > 0 && Double.isFinite(value) ? Num.clamp01(Math.abs(value - centre) / scale) : 0;
    }

    static String svg(String name, List<String> columnLabels, List<Cell> cells, int layers, double centre) {
        int n = columnLabels.size();
        int cell = Math.max(8, Math.min(32, 720 / Math.max(1, n)));
        boolean labels = cell >= 9;
        int lw = 36, lh = labels ? 70 : 8;
        int w = lw + n * cell + 4, h = lh + layers * cell + 4;
        double scale = 0;
        for (Cell c : cells) if (Double.isFinite(c.value())) scale = Math.max(scale, Math.abs(c.value() - centre));
        StringBuilder b = new StringBuilder("<svg class=\"matrix\" role=\"img\" aria-label=\"activation patching ").append(Html.escape(name))
                .append("\" data-grid=\"").append(Html.escape(name)).append("\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" viewBox=\"0 0 ").append(w).append(' ').append(h).append("\" xmlns=\"http://www.w3.org/2000/svg\">");
        for (int l = 0; l < layers; l++) {
            b.append("<text class=\"axis\" x=\"").append(lw - 4).append("\" y=\"").append(Num.coord(lh + l * cell + cell / 2.0))
                    .append("\" text-anchor=\"end\" dominant-baseline=\"middle\">L").append(l).append("</text>");
        }
        if (labels) {
            for (int j = 0; j < n; j++) {
                b.append("<text class=\"axis\" transform=\"translate(").append(Num.coord(lw + j * cell + cell / 2.0)).append(',').append(lh - 4)
                        .append(") rotate(-60)\" dominant-baseline=\"middle\">").append(Html.escape(Tok.clip(columnLabels.get(j), 12))).append("</text>");
            }
        }
        for (Cell c : cells) {
            int x = lw + c.column() * cell, y = lh + c.layer() * cell;
            b.append("<rect class=\"frame\" x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(cell).append("\" height=\"")
                    .append(cell).append("\"/><rect class=\"cell").append(c.value() < centre ? " neg" : "").append("\" x=\"").append(x)
                    .append("\" y=\"").append(y).append("\" width=\"").append(cell).append("\" height=\"").append(cell).append("\" fill-opacity=\"")
                    .append(Num.fixed(opacity(c.value(), centre, scale), 3)).append("\" data-layer=\"").append(c.layer()).append("\" data-column=\"")
                    .append(c.column()).append("\" data-value=\"").append(Num.fixed(c.value(), 6)).append("\" data-raw=\"").append(Num.fixed(c.raw(), 6))
                    .append("\" data-tip=\"").append(Html.escape(c.tip())).append("\"><title>").append(Html.escape(c.tip())).append("</title></rect>");
        }
        return b.append("</svg>").toString();
    }

    /** Column labels of a [layer × position] grid: each token as read, with its position. */
    static List<String> tokenLabels(List<Tok> tokens) {
        List<String> out = new ArrayList<>();
        for (Tok t : tokens) out.add(t.label());
        return out;
    }
}
