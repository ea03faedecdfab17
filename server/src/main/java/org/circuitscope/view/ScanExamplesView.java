package org.circuitscope.view;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code circuitscope.scanExamples}: a corpus scan's top examples of a head or MLP neuron, as
 * CircuitsVis's and Neuronpedia's example lists show them: one row per context, its tokens in a
 * line with the scored token bold and shaded by its score (relative to the list's largest |score|;
 * the scan stores the score at that position only), then the score, document and position. A
 * head's corpus statistics come first.
 */
final class ScanExamplesView implements View {
    @Override public String name() { return "Corpus examples"; }

    @Override public String title(JsonObject r) { return "Corpus examples of " + Answer.string(r, "label"); }

    @Override
    public String subtitle(JsonObject r) {
        JsonObject c = Answer.object(r, "corpus");
        int docs = Answer.integer(c, "documents");
        return " · " + docs + (docs == 1 ? " document, " : " documents, ") + Answer.integer(c, "predicted_tokens") + " predicted tokens · "
                + Answer.string(r, "scan");
    }

    @Override
    public String body(JsonObject r, JsonObject request, Links links) {
        boolean head = "head".equals(Answer.string(r, "kind"));
        JsonObject c = Answer.object(r, "corpus");
        StringBuilder b = new StringBuilder();
        if (head) {
            JsonObject s = Answer.object(r, "stats");
            List<Bars.Bar> bars = new ArrayList<>();
            for (int i = 0; i < 3; i++) bars.add(new Bars.Bar(HeadCard.DETECTORS[i][1], Answer.number(s, HeadCard.DETECTORS[i][0]), "mean over windows"));
            b.append("<h2>Corpus statistics</h2>").append(Bars.svg(bars, 640, null, 0, 1)).append("<table id=\"corpus-stats\">")
                    .append(row("attention entropy (nats, mean over predicted tokens)", Answer.number(s, "attention_entropy")))
                    .append(row("direct logit attribution to the next token (mean)", Answer.number(s, "direct_logit_attribution")))
                    .append(row("model loss on the corpus (nats)", Answer.number(c, "mean_loss"))).append("</table>");
            b.append("<p>").append(links.link(Pages.INSPECT_HEAD, Links.args(request, "layer", Answer.integer(r, "layer"), "head",
                    Answer.integer(r, "index")), "Head card of " + Answer.string(r, "label") + " on this prompt")).append("</p>");
        }
        List<JsonObject> examples = Answer.objects(r, "examples");
        b.append("<h2>Top ").append(examples.size()).append(" contexts</h2><div class=\"key\">score: ")
                .append(head ? "the head's direct contribution (<code>" + Html.escape(Answer.string(r, "hook"))
                        + "</code>) to the logit of the actual next token" : "<code>" + Html.escape(Answer.string(r, "hook")) + "</code>")
                .append(" at the bold token · windows of ").append(Answer.integer(c, "context_length")).append(" tokens</div>");
        if (examples.isEmpty()) return b.append("<p class=\"note\" id=\"no-examples\">The scan kept no examples for this unit.</p>").toString();
        double max = 0;
        for (JsonObject e : examples) max = Math.max(max, Math.abs(Answer.number(e, "score")));
        b.append("<table id=\"examples\"><tr><th>#</th><th>score</th><th>document</th><th>position</th><th>context</th></tr>");
        int rank = 0;
        for (JsonObject e : examples) {
            double score = Answer.number(e, "score");
            String doc = Answer.string(e, "document");
            int pos = Answer.integer(e, "position");
            b.append("<tr class=\"example\"><td class=\"num\">").append(++rank).append("</td><td class=\"num score\">").append(Num.fixed(score, 3))
                    .append("</td><td><code>").append(Html.escape(doc)).append("</code></td><td class=\"num\">").append(pos).append("</td><td>")
                    .append(context(e, score, max, doc, pos)).append("</td></tr>");
        }
        return b.append("</table>").toString();
    }

    /** The context's tokens; the focus bold and shaded by the score. */
    private static String context(JsonObject e, double score, double max, String doc, int pos) {
        int focus = Answer.integer(e, "focus");
        StringBuilder b = new StringBuilder("<div class=\"tokens\">");
        int i = 0;
        for (JsonElement t : Answer.array(e, "tokens")) {
            String text = t.getAsString();
            int p = pos - focus + i;
            if (i == focus) {
                int l = TokenStrip.level(score, max);
                String cls = l == 0 ? "h0" : l > 0 ? "p" + l : "n" + -l;
                String tip = Tok.quote(text) + " · " + doc + " position " + p + " · score " + Num.fixed(score, 4);
                b.append("<span class=\"tok focus ").append(cls).append("\" data-position=\"").append(p).append("\" data-value=\"")
                        .append(Num.fixed(score, 4)).append("\" data-tip=\"").append(Html.escape(tip)).append("\" title=\"").append(Html.escape(tip))
                        .append("\">");
            } else {
                b.append("<span class=\"tok\" data-position=\"").append(p).append("\">");
            }
            b.append(Html.escape(text.replace("\n", "↵"))).append("</span>");
            i++;
        }
        return b.append("</div>").toString();
    }

    private static String row(String name, double v) {
        return "<tr><td>" + Html.escape(name) + "</td><td class=\"num\">" + Num.fixed(v, 3) + "</td></tr>";
    }
}
