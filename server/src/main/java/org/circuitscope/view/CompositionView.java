package org.circuitscope.view;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code circuitscope.compositionScores}: Q-, K- and V-composition of every head pair as three
 * matrices (earlier heads down, later heads across), and the strongest pairs as a table with
 * links to the heads' cards.
 */
final class CompositionView implements View {
    static final String[] MODES = {"q", "k", "v"};

    @Override public String name() { return "Composition scores"; }

    @Override public String title(JsonObject r) { return "Composition scores"; }

    @Override
    public String subtitle(JsonObject r) {
        return " · " + Answer.integer(r, "n_layers") + " layers × " + Answer.integer(r, "n_heads") + " heads · random baseline "
                + Num.fixed(Answer.number(r, "baseline"));
    }

    @Override
    public String body(JsonObject r, JsonObject request, Links links) {
        int layers = Answer.integer(r, "n_layers"), heads = Answer.integer(r, "n_heads");
        double baseline = Answer.number(r, "baseline");
        if (layers < 2) return "<p class=\"note\">One layer: no head reads another head's output, so nothing composes.</p>";
        List<List<CompositionMatrix.Pair>> byMode = new ArrayList<>();
        double scale = 0;
        for (String m : MODES) {
            List<CompositionMatrix.Pair> ps = CompositionMatrix.pairs(r, m, layers, heads);
            for (CompositionMatrix.Pair p : ps) if (Double.isFinite(p.score())) scale = Math.max(scale, p.score() - baseline);
            byMode.add(ps);
        }
        StringBuilder b = new StringBuilder("<p class=\"sub\">‖L·R‖<sub>F</sub> / (‖L‖<sub>F</sub>‖R‖<sub>F</sub>) of a writing head's OV with a later head's "
                + "QK (Q, K) or OV (V); colour ∝ score − baseline, up to the largest (+").append(Num.fixed(scale)).append("). Rows write, columns read.</p>");
        if (Answer.has(r, "qk_note")) b.append("<p class=\"note\" id=\"qk-note\">").append(Html.escape(Answer.string(r, "qk_note"))).append("</p>");
        b.append("<div class=\"grid\">");
        for (int i = 0; i < MODES.length; i++) {
            b.append("<div class=\"head\"><h3>").append(MODES[i].toUpperCase(java.util.Locale.ROOT)).append("-composition</h3>")
                    .append(CompositionMatrix.svg(byMode.get(i), layers, heads, baseline, scale)).append("</div>");
        }
        b.append("</div>").append(strongest(byMode, baseline, request, links));
        return b.toString();
    }

    /** The ten highest scores of any mode, each head a link to its card. */
    private static String strongest(List<List<CompositionMatrix.Pair>> byMode, double baseline, JsonObject request, Links links) {
        List<CompositionMatrix.Pair> all = new ArrayList<>();
        byMode.forEach(all::addAll);
        all.sort(Comparator.comparingDouble(CompositionMatrix.Pair::score).reversed());
        StringBuilder b = new StringBuilder("<h2>Strongest</h2><table id=\"strongest\"><tr><th>mode</th><th>writes</th><th>reads</th>"
                + "<th>score</th><th>over baseline</th></tr>");
        for (CompositionMatrix.Pair p : all.subList(0, Math.min(10, all.size()))) {
            b.append("<tr><td>").append(p.mode()).append("</td><td>")
                    .append(links.link(Pages.INSPECT_HEAD, Links.args(request, "layer", p.layer1(), "head", p.head1()), p.from())).append("</td><td>")
                    .append(links.link(Pages.INSPECT_HEAD, Links.args(request, "layer", p.layer2(), "head", p.head2()), p.to()))
                    .append("</td><td class=\"num\">").append(Num.fixed(p.score())).append("</td><td class=\"num\">")
                    .append(Num.signed(p.score() - baseline)).append("</td></tr>");
        }
        return b.append("</table>").toString();
    }
}
