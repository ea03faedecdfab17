package org.circuitscope.view;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code circuitscope.pathExpansion}: the logit's terms as bars, largest |value| first; the terms
 * the server left out (its {@code rest}) as one more bar, so that the bars sum to the logit.
 */
final class PathBars implements View {
    @Override public String name() { return "Path expansion"; }

    @Override public String title(JsonObject r) { return "Path expansion of " + Tok.of(r, "target").quoted(); }

    @Override
    public String subtitle(JsonObject r) {
        return " · logit " + Num.fixed(Answer.number(r, "logit")) + " = Σ " + Answer.integer(r, "n_terms") + " terms";
    }

    @Override
    public String body(JsonObject r, JsonObject request, Links links) {
        List<Bars.Bar> bars = bars(r, 30);
        return bars.isEmpty() ? "<p class=\"note\">No terms in the answer.</p>" : Bars.svg(bars, 720, "logit");
    }

    static List<Bars.Bar> bars(JsonObject r, int top) {
        List<Bars.Bar> bars = new ArrayList<>();
        List<JsonObject> terms = Answer.objects(r, "terms");
        for (JsonObject t : terms) bars.add(new Bars.Bar(Answer.string(t, "label"), Answer.number(t, "value"), Answer.string(t, "kind")));
        int left = Answer.integer(r, "n_terms") - terms.size();
        if (left > 0) bars.add(new Bars.Bar(left + " more terms", Answer.number(r, "rest"), "sum of the terms the server did not list"));
        return Bars.sorted(bars, top);
    }
}
