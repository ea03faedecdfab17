package org.circuitscope.view;

import com.google.gson.JsonObject;

/** {@code circuitscope.logitLens}: one row per residual stream: the target's rank and log-probability, and the top predictions. */
final class LogitLensView implements View {
    @Override public String name() { return "Logit lens"; }

    @Override public String title(JsonObject r) { return "Logit lens for " + Tok.of(r, "target").quoted(); }

    @Override public String subtitle(JsonObject r) { return " · prediction after position " + Answer.integer(r, "position"); }

    @Override
    public String body(JsonObject r, JsonObject request, Links links) {
        StringBuilder b = new StringBuilder("<table id=\"lens\"><tr><th>residual stream</th><th>rank of ")
                .append(Html.escape(Tok.of(r, "target").quoted())).append("</th><th>log p</th><th>top predictions</th></tr>");
        for (JsonObject l : Answer.objects(r, "layers")) {
            b.append("<tr><td><code>").append(Html.escape(Answer.string(l, "hook"))).append("</code></td><td class=\"num\">")
                    .append(Answer.integer(l, "target_rank")).append("</td><td class=\"num\">").append(Num.fixed(Answer.number(l, "target_logprob"), 2))
                    .append("</td><td>");
            boolean first = true;
            for (JsonObject t : Answer.objects(l, "top")) {
                if (!first) b.append(" · ");
                first = false;
                b.append("<code>").append(Html.escape(Tok.quote(Tok.label(Answer.string(t, "text"))))).append("</code> ")
                        .append(Num.fixed(100 * Answer.number(t, "prob"), 1)).append('%');
            }
            b.append("</td></tr>");
        }
        return b.append("</table>").toString();
    }
}
