package org.circuitscope.view;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * {@code circuitscope.attribute}: the prompt's tokens coloured by how much they raised or lowered
 * the target's logit; for direct attribution also every component (embeddings, heads, MLPs,
 * biases) as bars, summing to the logit.
 */
final class AttributionView implements View {
    @Override public String name() { return "Attribution"; }

    @Override public String title(JsonObject r) { return "Attribution of " + Tok.of(r, "target").quoted(); }

    @Override
    public String subtitle(JsonObject r) {
        String method = Answer.string(r, "method");
        int pos = Answer.integer(r, "position");
        if (method.equals("direct")) {
            String what = Answer.has(r, "contrast") ? "logit − logit of " + Tok.of(r, "contrast").quoted() : "logit";
            return " · direct logit attribution at position " + pos + " · " + what + " " + Num.fixed(Answer.number(r, "value"));
        }
        Double err = Answer.optNumber(r, "completeness_error");
        return " · " + method + " at position " + pos + " · log p " + Num.fixed(Answer.number(r, "logprob"))
                + (err == null ? "" : " · completeness error " + Num.fixed(err));
    }

    @Override
    public String body(JsonObject r, JsonObject request, Links links) {
        if (!Answer.string(r, "method").equals("direct")) return "<h2>Source tokens</h2>" + TokenStrip.html(gradientTokens(r));
        List<Bars.Bar> components = new ArrayList<>();
        for (JsonObject c : Answer.objects(r, "components")) {
            components.add(new Bars.Bar(Answer.string(c, "label"), Answer.number(c, "value"), Answer.string(c, "kind")));
        }
        return "<h2>Source tokens (sum over heads)</h2>" + TokenStrip.html(directTokens(r))
                + "<h2>Components</h2>" + Bars.svg(Bars.sorted(components, 30), 640, "logit");
    }

    /** Per source position, the sum of every head's part through it, in prompt order. */
    static List<TokenStrip.Heat> directTokens(JsonObject r) {
        record Acc(String text, double[] value, List<String> parts) {}
        TreeMap<Integer, Acc> by = new TreeMap<>();
        for (JsonObject h : Answer.objects(r, "heads")) {
            String label = Answer.string(h, "label");
            for (JsonObject s : Answer.objects(h, "sources")) {
                Tok t = Tok.of(s, "token");
                if (t.position() == null) continue;
                double v = Answer.number(s, "value");
                Acc a = by.computeIfAbsent(t.position(), p -> new Acc(t.text(), new double[1], new ArrayList<>()));
                a.value()[0] += v;
                if (Math.abs(v) >= 0.01) a.parts().add(label + " " + Num.signed(v));
            }
        }
        List<TokenStrip.Heat> out = new ArrayList<>();
        by.forEach((p, a) -> out.add(new TokenStrip.Heat(p, a.text(), a.value()[0], Tok.quote(a.text()) + " @" + p + ": " + Num.signed(a.value()[0])
                + " logit (" + (a.parts().isEmpty() ? "no head above 0.01" : String.join(", ", a.parts().subList(0, Math.min(6, a.parts().size()))))
                + ")")));
        return out;
    }

    /** A gradient method's score per prompt token, in prompt order. */
    static List<TokenStrip.Heat> gradientTokens(JsonObject r) {
        String method = Answer.string(r, "method");
        TreeMap<Integer, TokenStrip.Heat> by = new TreeMap<>();
        for (JsonObject e : Answer.objects(r, "tokens")) {
            Tok t = Tok.of(e, "token");
            if (t.position() == null) continue;
            double v = Answer.number(e, "value");
            by.put(t.position(), new TokenStrip.Heat(t.position(), t.text(), v, t.quoted() + " @" + t.position() + ": " + Num.signed(v) + " (" + method + ")"));
        }
        return new ArrayList<>(by.values());
    }
}
