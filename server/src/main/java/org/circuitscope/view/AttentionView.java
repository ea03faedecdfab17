package org.circuitscope.view;

import com.google.gson.JsonObject;
import java.util.List;

/** {@code circuitscope.attentionPattern}: one head's heatmap, or one per head of a layer side by side. */
final class AttentionView implements View {
    static final String AXES = "rows are destinations (queries), columns sources (keys); hover a cell";

    @Override public String name() { return "Attention"; }

    @Override
    public String title(JsonObject r) {
        List<JsonObject> heads = Answer.objects(r, "heads");
        return heads.size() == 1 ? "Attention · " + Answer.string(heads.getFirst(), "label") : "Attention · layer " + Answer.integer(r, "layer");
    }

    @Override
    public String subtitle(JsonObject r) { return " · " + Answer.array(r, "tokens").size() + " tokens · " + AXES; }

    @Override
    public String body(JsonObject r, JsonObject request, Links links) {
        List<Tok> tokens = Tok.list(r, "tokens");
        List<JsonObject> heads = Answer.objects(r, "heads");
        Heatmap.Layout layout = Heatmap.Layout.of(tokens.size(), heads.size() > 1 ? 360 : 720);
        StringBuilder b = new StringBuilder("<div class=\"key\">weight (colour ∝ √weight) ").append(Legend.attention()).append("</div><div class=\"grid\">");
        for (JsonObject h : heads) {
            String label = Answer.string(h, "label");
            b.append("<div class=\"head\"><h3>").append(Html.escape(label)).append("</h3>")
                    .append(Heatmap.svg(tokens, label, Answer.get(h, "pattern"), layout)).append("</div>");
        }
        b.append("</div>");
        if (heads.size() == 1) {
            b.append("<p>").append(links.link(Pages.INSPECT_HEAD, Links.args(request, "layer", Answer.integer(r, "layer"),
                    "head", Answer.integer(heads.getFirst(), "head")), "Inspect " + Answer.string(heads.getFirst(), "label"))).append("</p>");
        }
        return b.toString();
    }
}
