package org.circuitscope.view;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code circuitscope.patch}: each sweep of the answer as a layer × position or layer × head
 * heatmap of (patched − corrupt) / (clean − corrupt), diverging from 1 (the site did not matter)
 * towards 0 (the corrupt activation there alone gives the corrupt metric); raw metrics when the
 * two prompts give the same metric.
 */
final class PatchingView implements View {
    @Override public String name() { return "Activation patching"; }

    @Override public String title(JsonObject r) { return "Activation patching"; }

    @Override
    public String subtitle(JsonObject r) {
        return " · " + metric(r) + " · clean " + Num.fixed(Answer.number(r, "clean_metric")) + ", corrupt " + Num.fixed(Answer.number(r, "corrupt_metric"));
    }

    static String metric(JsonObject r) {
        if (Answer.string(r, "metric").equals("loss")) return "loss (nats)";
        return "logit(" + Tok.of(r, "target").quoted() + ") − logit(" + Tok.of(r, "contrast").quoted() + ") at the last position";
    }

    @Override
    public String body(JsonObject r, JsonObject request, Links links) {
        boolean norm = Answer.get(r, "normalizable").getAsBoolean();
        double clean = Answer.number(r, "clean_metric"), corrupt = Answer.number(r, "corrupt_metric");
        List<Tok> tokens = Tok.list(r, "tokens");
        StringBuilder b = new StringBuilder("<p class=\"sub\">Each cell: the clean prompt run with one activation taken from the corrupt prompt. ");
        b.append(norm ? "Colour: (patched − corrupt) / (clean − corrupt); white is 1 (no effect), red towards 0 (the site carries the corruption's effect), blue above 1."
                : "</p><p class=\"note\" id=\"not-normalizable\">The two prompts give the same metric, so nothing can be normalised: cells show the raw metric, coloured by its distance from the clean value.");
        b.append("</p>");
        for (JsonObject g : Answer.objects(r, "grids")) {
            String name = Answer.string(g, "name"), columns = Answer.string(g, "columns");
            boolean byHead = columns.equals("head");
            double[][] raw = PatchGrid.matrix(Answer.get(g, "values"), name + ".values", byHead ? width(g) : tokens.size());
            int n = raw.length == 0 ? 0 : raw[0].length;
            double[][] drawn = norm ? PatchGrid.matrix(Answer.get(g, "normalized"), name + ".normalized", n) : raw;
            List<String> labels = new ArrayList<>();
            for (int j = 0; j < n; j++) labels.add(byHead ? "H" + j : tokens.get(j).label());
            List<PatchGrid.Cell> cells = new ArrayList<>();
            for (int l = 0; l < raw.length; l++) {
                for (int j = 0; j < n; j++) {
                    String site = byHead ? "L" + l + "H" + j + " (all positions)" : "L" + l + " " + tokens.get(j).quoted() + " @" + j;
                    String tip = name + " " + site + ": " + (norm ? "normalised " + Num.fixed(drawn[l][j]) + ", " : "") + "metric " + Num.fixed(raw[l][j], 4)
                            + " (clean " + Num.fixed(clean, 4) + ", corrupt " + Num.fixed(corrupt, 4) + ")";
                    cells.add(new PatchGrid.Cell(l, j, drawn[l][j], raw[l][j], tip));
                }
            }
            b.append("<h2>").append(Html.escape(name)).append(" <span class=\"sub\">").append(Html.escape(Answer.string(g, "hook"))).append(", layer × ")
                    .append(columns).append("</span></h2>").append(PatchGrid.svg(name, labels, cells, raw.length, norm ? 1 : clean));
        }
        return b.toString();
    }

    /** Heads per layer: the first row's length. */
    private static int width(JsonObject g) {
        var rows = Answer.array(g, "values");
        return rows.isEmpty() ? 0 : Answer.array(rows.get(0), "values[0]").size();
    }
}
