package org.circuitscope.view;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code circuitscope.featureCard}: one sparse-autoencoder feature. Its activation on every token
 * of the document, the histogram of its nonzero activations, the document's top contexts, the
 * tokens its decoder row promotes and suppresses through the unembed (W_dec·W_U), and, when a
 * corpus scan with feature contexts is there, the corpus's histogram and contexts.
 */
final class FeatureCardView implements View {
    @Override public String name() { return "Feature"; }

    @Override public String title(JsonObject r) { return "Feature " + Answer.string(r, "feature"); }

    @Override
    public String subtitle(JsonObject r) {
        return " · " + Answer.string(r, "hook_name") + " · decoder norm " + Num.fixed(Answer.number(r, "decoder_norm")) + " · active on "
                + Answer.integer(r, "active_tokens") + " of " + Answer.array(r, "tokens").size() + " tokens";
    }

    @Override
    public String body(JsonObject r, JsonObject request, Links links) {
        StringBuilder b = new StringBuilder();
        if (Answer.has(r, "label")) b.append("<p id=\"label\">").append(Html.escape(Answer.string(r, "label"))).append("</p>");
        b.append("<h2>Activation on this document</h2>").append(TokenStrip.html(heat(r)));
        JsonObject hist = Answer.object(r, "histogram");
        b.append("<h2>Histogram of nonzero activations (document)</h2>");
        b.append(histogram(hist, "activation"));
        b.append("<h2>Top contexts in this document</h2>").append(contexts(Answer.objects(r, "top_contexts"), "doc-contexts"));
        List<Bars.Bar> logits = new ArrayList<>();
        for (JsonObject t : Answer.objects(r, "promoted")) logits.add(new Bars.Bar(Tok.of(t, "token").label(), Answer.number(t, "logit"), "promoted"));
        for (JsonObject t : Answer.objects(r, "suppressed")) logits.add(new Bars.Bar(Tok.of(t, "token").label(), Answer.number(t, "logit"), "suppressed"));
        b.append("<h2>Promoted and suppressed tokens (W_dec·W_U)</h2>");
        if (logits.isEmpty()) b.append("<p class=\"note\" id=\"no-logits\">").append(Html.escape(Answer.has(r, "logit_note")
                ? Answer.string(r, "logit_note") : "no direct path to the logits")).append("</p>");
        else {
            b.append(Bars.svg(logits, 640, "logit per unit activation"));
            if (Answer.has(r, "logit_note")) b.append("<p class=\"note\">").append(Html.escape(Answer.string(r, "logit_note"))).append("</p>");
        }
        if (Answer.has(r, "corpus")) {
            JsonObject c = Answer.object(r, "corpus");
            b.append("<h2>Corpus</h2>");
            if (Answer.has(c, "histogram")) b.append(histogram(Answer.object(c, "histogram"), "activation"));
            if (Answer.has(c, "top_contexts")) b.append(contexts(Answer.objects(c, "top_contexts"), "corpus-contexts"));
        } else {
            b.append("<p class=\"note\" id=\"no-corpus\">No corpus scan with feature contexts is loaded: the histogram and contexts are this document's.</p>");
        }
        JsonObject ablate = Links.args(request);
        JsonArray f = new JsonArray();
        f.add(Answer.string(r, "feature") + "=0");
        ablate.add("features", f);
        b.append("<p>").append(links.link("circuitscope.ablate", ablate, "Ablate " + Answer.string(r, "feature") + " on this document")).append("</p>");
        return b.toString();
    }

    static String histogram(JsonObject hist, String what) {
        List<Double> edges = new ArrayList<>();
        for (JsonElement e : Answer.array(hist, "edges")) edges.add(Answer.number(e, "edges[]"));
        List<Long> counts = new ArrayList<>();
        for (JsonElement e : Answer.array(hist, "counts")) counts.add((long) Answer.number(e, "counts[]"));
        if (counts.isEmpty()) return "<p class=\"note\">The feature is active nowhere here.</p>";
        return Histogram.svg(edges, counts, what, 640, 140);
    }

    /** The document's tokens, coloured by the feature's activation (0 where it is inactive). */
    static List<TokenStrip.Heat> heat(JsonObject r) {
        List<Tok> tokens = Tok.list(r, "tokens");
        JsonArray acts = Answer.array(r, "activations");
        if (acts.size() != tokens.size()) throw new Answer.BadAnswer("'activations' has " + acts.size() + " entries for " + tokens.size() + " tokens");
        List<TokenStrip.Heat> out = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            Tok t = tokens.get(i);
            double a = Answer.number(acts.get(i), "activations[]");
            out.add(new TokenStrip.Heat(t.position() == null ? i : t.position(), t.text(), a, t.quoted() + " @" + i + ": " + Num.fixed(a, 3)));
        }
        return out;
    }

    static String contexts(List<JsonObject> rows, String id) {
        if (rows.isEmpty()) return "<p class=\"note\">The feature is active nowhere here.</p>";
        StringBuilder b = new StringBuilder("<table id=\"").append(id).append("\"><tr><th>context</th><th>activation</th></tr>");
        for (JsonObject c : rows) {
            b.append("<tr><td><code>").append(Html.escape(Tok.label(Answer.string(c, "before")))).append("<b>")
                    .append(Html.escape(Tok.label(Answer.string(c, "text")))).append("</b>").append(Html.escape(Tok.label(Answer.string(c, "after"))))
                    .append("</code></td><td class=\"num\">").append(Num.fixed(Answer.number(c, "activation"), 3)).append("</td></tr>");
        }
        return b.append("</table>").toString();
    }
}
