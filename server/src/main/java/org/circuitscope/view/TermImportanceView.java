package org.circuitscope.view;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code circuitscope.termImportance}: the loss per order of path terms (patterns frozen) as bars,
 * then each head's and each virtual head's marginal effect; every figure says how many
 * predictions it averages.
 */
final class TermImportanceView implements View {
    @Override public String name() { return "Term importance"; }

    @Override public String title(JsonObject r) { return "Term importance"; }

    @Override
    public String subtitle(JsonObject r) { return " · loss over " + Answer.integer(r, "tokens") + " predictions · model's own " + Num.fixed(Answer.number(r, "model_loss"), 4); }

    @Override
    public String body(JsonObject r, JsonObject request, Links links) {
        StringBuilder b = new StringBuilder("<h2>Loss by the terms kept (nats)</h2>");
        List<Bars.Bar> orders = new ArrayList<>();
        for (JsonObject o : Answer.objects(r, "orders")) {
            orders.add(new Bars.Bar(Answer.string(o, "terms"), Answer.number(o, "loss"), Answer.integer(o, "tokens") + " predictions"));
        }
        b.append(Bars.svg(orders, 640, "nats"));
        b.append("<p class=\"note\">").append(Html.escape(Answer.string(r, "note"))).append("</p>");
        b.append("<h2>Marginal effect of each head's one-head term</h2>").append(Bars.svg(marginals(r, "heads"), 640, "nats"));
        if (Answer.has(r, "virtual_heads")) {
            b.append("<h2>Marginal effect of each virtual head</h2>").append(Bars.svg(Bars.sorted(marginals(r, "virtual_heads"), 24), 640, "nats"));
        }
        b.append("<p>Marginal effect: the loss with the term removed from all terms, minus the loss of all terms (positive: the term helps).</p>");
        return b.toString();
    }

    private static List<Bars.Bar> marginals(JsonObject r, String key) {
        List<Bars.Bar> out = new ArrayList<>();
        for (JsonObject m : Answer.objects(r, key)) {
            out.add(new Bars.Bar(Answer.string(m, "label"), Answer.number(m, "effect"),
                    "loss without it " + Num.fixed(Answer.number(m, "loss_without"), 4) + " over " + Answer.integer(m, "tokens") + " predictions"));
        }
        return out;
    }
}
