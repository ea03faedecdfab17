package org.circuitscope.view;

import com.google.gson.JsonObject;

/** {@code circuitscope.detectHeads}: a table of every head's detector and copying scores, each head a link to its card. */
final class HeadsOverview implements View {
    @Override public String name() { return "Heads overview"; }

    @Override public String title(JsonObject r) { return "Heads overview"; }

    @Override
    public String subtitle(JsonObject r) {
        return " · scores on this prompt (" + Answer.array(r, "tokens").size() + " tokens); click a head to inspect it";
    }

    @Override
    public String body(JsonObject r, JsonObject request, Links links) {
        StringBuilder b = new StringBuilder("<table id=\"heads\"><tr><th>head</th>");
        for (String[] d : HeadCard.DETECTORS) b.append("<th>").append(Html.escape(d[1])).append("</th>");
        b.append("<th>copying</th></tr>");
        for (JsonObject h : Answer.objects(r, "heads")) {
            JsonObject args = Links.args(request, "layer", Answer.integer(h, "layer"), "head", Answer.integer(h, "head"));
            b.append("<tr><td>").append(links.link(Pages.INSPECT_HEAD, args, Answer.string(h, "label"))).append("</td>");
            for (String[] d : HeadCard.DETECTORS) b.append(scoreCell(Answer.optNumber(h, d[0])));
            b.append("<td class=\"num\">").append(Num.fixed(Answer.number(h, "ov_copying_score"), 2)).append("</td></tr>");
        }
        b.append("</table><p>").append(links.link(Pages.COMPOSITION_SCORES, Links.args(request), "Composition scores of every head pair"))
                .append("</p>");
        return b.toString();
    }

    /** A score shaded in ten steps of 0..1; "—" when the detector did not run. */
    static String scoreCell(Double v) {
        if (v == null) return "<td class=\"score s0\">—</td>";
        return "<td class=\"score s" + Math.round(Num.clamp01(v) * 10) + "\">" + Num.fixed(v, 2) + "</td>";
    }
}
