package org.circuitscope.view;

import com.google.gson.JsonObject;
import java.util.List;

/** A head's top skip-trigrams as a table of "[source] … [destination] → [out]" with the OV score. */
final class SkipTrigrams {
    private SkipTrigrams() {}

    static String line(JsonObject t) {
        return "[" + Tok.of(t, "source").label() + "] … [" + Tok.of(t, "destination").label() + "] → [" + Tok.of(t, "out").label() + "]";
    }

    static String table(List<JsonObject> trigrams) {
        if (trigrams.isEmpty()) return "";
        StringBuilder b = new StringBuilder("<h2>Top skip-trigrams</h2><table id=\"trigrams\"><tr><th>[source] … [destination] → [out]</th>"
                + "<th>score</th><th>QK score</th></tr>");
        for (JsonObject t : trigrams) {
            b.append("<tr><td><code>").append(Html.escape(line(t))).append("</code></td><td class=\"num\">").append(Num.fixed(Answer.number(t, "score"), 2))
                    .append("</td><td class=\"num\">").append(Answer.has(t, "qk_score") ? Num.fixed(Answer.number(t, "qk_score"), 2) : "—")
                    .append("</td></tr>");
        }
        return b.append("</table>").toString();
    }
}
