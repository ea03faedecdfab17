package org.circuitscope.view;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code circuitscope.inspectHead}: a head's card. Detector and copying scores as bars, the top
 * skip-trigrams, the OV and QK circuits' eigenvalues in the complex plane, the heads it composes with, the QK note of rotary models, and its pattern on
 * the prompt.
 */
final class HeadCard implements View {
    /** Detector fields of a head summary and how the pages call them. */
    static final String[][] DETECTORS = {
        {"previous_token", "previous token"}, {"duplicate_token", "duplicate token"}, {"induction", "induction"},
        {"induction_repeated_random", "induction (repeated random)"},
    };

    @Override public String name() { return "Head"; }

    @Override public String title(JsonObject r) { return "Head " + Answer.string(r, "label"); }

    @Override
    public String subtitle(JsonObject r) { return " · " + Answer.array(r, "tokens").size() + " tokens · " + AttentionView.AXES; }

    @Override
    public String body(JsonObject r, JsonObject request, Links links) {
        JsonObject scores = Answer.object(r, "scores");
        String label = Answer.string(r, "label");
        int layer = Answer.integer(r, "layer");
        StringBuilder b = new StringBuilder();
        double copying = Answer.number(scores, "ov_copying_score");
        b.append("<h2>Detector scores</h2>").append(Bars.svg(scoreBars(scores), 640, null, Math.min(0, copying), 1));
        if (Answer.has(scores, "skip_trigrams")) b.append(SkipTrigrams.table(Answer.objects(scores, "skip_trigrams")));
        if (Answer.has(scores, "ov_eigenvalues") && Answer.has(scores, "qk_eigenvalues")) {
            b.append("<h2>Eigenvalues of the full circuits</h2><div class=\"eigenvalue-plots\">")
                    .append(EigenvaluePlot.svg("OV circuit", points(scores, "ov_eigenvalues"), 300))
                    .append(EigenvaluePlot.svg("QK circuit", points(scores, "qk_eigenvalues"), 300)).append("</div>");
        }
        List<Bars.Bar> comp = compositionBars(Answer.object(r, "composition"));
        if (!comp.isEmpty()) {
            b.append("<h2>Composition</h2>").append(Bars.svg(comp, 640, null)).append("<p>")
                    .append(links.link(Pages.COMPOSITION_SCORES, Links.args(request), "Composition scores of every head pair")).append("</p>");
        }
        if (Answer.has(r, "qk_note")) b.append("<p class=\"note\" id=\"qk-note\">").append(Html.escape(Answer.string(r, "qk_note"))).append("</p>");
        List<Tok> tokens = Tok.list(r, "tokens");
        b.append("<h2>Attention pattern on this prompt</h2><div class=\"key\">colour ∝ √weight: ").append(Legend.attention()).append("</div>")
                .append(Heatmap.svg(tokens, label, Answer.get(r, "pattern"), Heatmap.Layout.of(tokens.size(), 560)));
        b.append("<p>").append(links.link(Pages.ATTENTION_PATTERN, Links.args(request, "layer", layer), "All heads of layer " + layer)).append("</p>");
        if (Answer.has(r, "scan")) {
            b.append("<p id=\"scan-link\">").append(links.link(Pages.SCAN_EXAMPLES, Links.args(request, "head", layer + "." + Answer.integer(r, "head")),
                    "Top examples of " + label + " in the corpus scan")).append("</p>");
        }
        return b.toString();
    }

    /** [re, im] pairs of a summary's eigenvalue list. */
    static List<double[]> points(JsonObject scores, String key) {
        List<double[]> out = new ArrayList<>();
        for (var e : Answer.get(scores, key).getAsJsonArray()) {
            var pair = e.getAsJsonArray();
            out.add(new double[] {pair.get(0).getAsDouble(), pair.get(1).getAsDouble()});
        }
        return out;
    }

    /** The detectors in their order (absent ones left out), then the OV copying score. */
    static List<Bars.Bar> scoreBars(JsonObject scores) {
        List<Bars.Bar> out = new ArrayList<>();
        for (String[] d : DETECTORS) {
            Double v = Answer.optNumber(scores, d[0]);
            if (v != null) out.add(new Bars.Bar(d[1], v));
        }
        out.add(new Bars.Bar("copying score", Answer.number(scores, "ov_copying_score"), "OV circuit: Σλ / Σ|λ|"));
        return out;
    }

    /** "K ← L0H1" (an earlier head this one reads), "Q → L2H0" (a later head reading this one), strongest first. */
    static List<Bars.Bar> compositionBars(JsonObject c) {
        double baseline = Answer.number(c, "baseline");
        List<Bars.Bar> out = new ArrayList<>();
        for (String[] side : new String[][] {{"reads_from", "←"}, {"writes_to", "→"}}) {
            for (JsonObject e : Answer.objects(c, side[0])) {
                out.add(new Bars.Bar(Answer.string(e, "mode").toUpperCase(java.util.Locale.ROOT) + " " + side[1] + " " + Answer.string(e, "label"),
                        Answer.number(e, "score"), Num.fixed(Answer.number(e, "over_baseline")) + " over the baseline " + Num.fixed(baseline)));
            }
        }
        return Bars.sorted(out, 24);
    }
}
