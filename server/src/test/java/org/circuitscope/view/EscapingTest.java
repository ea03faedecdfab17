package org.circuitscope.view;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/**
 * Whole tokens that are markup (a tokenizer may well have {@code <script>} or {@code </svg>} as one
 * token): answers written by hand from the protocol, drawn, parsed; the markup stays text.
 */
class EscapingTest {
    static final String EVIL = "</svg><script>alert('&\"|')</script>";

    static JsonObject json(String s) { return JsonParser.parseString(s).getAsJsonObject(); }

    static String tok(int p, String text) {
        JsonObject o = new JsonObject();
        o.addProperty("position", p);
        o.addProperty("id", 100 + p);
        o.addProperty("text", text);
        return o.toString();
    }

    @Test
    void aMarkupTokenInAHeatmapIsTextInLabelsAndTooltips() {
        JsonObject r = json("{\"model\":\"m<b>\",\"layer\":0,\"tokens\":[" + tok(0, "A") + "," + tok(1, EVIL) + "],"
                + "\"heads\":[{\"head\":0,\"label\":\"L0H0\",\"pattern\":[[1],[0.25,0.75]]}]}");
        Document d = Jsoup.parse(Pages.render("circuitscope.attentionPattern", new JsonObject(), r, PageOptions.webview("n")).html());
        assertEquals(1, d.select("script").size(), "only the page's script");
        assertTrue(d.select("b").isEmpty(), "the model name is text too");
        assertTrue(d.selectFirst(".sub").text().startsWith("m<b>"));
        assertEquals(Tok.clip(EVIL, 14), d.select("svg.heatmap text.axis[text-anchor=end]").get(1).text());
        assertEquals("L0H0: \"" + EVIL.replace("\"", "\\\"") + "\" @1 ← \"A\" @0: 0.250",
                d.selectFirst("rect.cell[data-q=1][data-k=0]").attr("data-tip"));
        assertEquals(3, d.select("svg.heatmap rect.cell").size());
    }

    @Test
    void aMarkupTokenInAStripAndASkipTrigramIsText() {
        JsonObject r = json("{\"model\":\"m\",\"heads\":[\"L1H0\"],\"mode\":\"zero\",\"mean_change\":-1,\"mean_loss\":2,\"ablated_mean_loss\":3,"
                + "\"positions\":[{\"token\":" + tok(0, "A") + ",\"next\":" + tok(1, EVIL) + ",\"logprob\":-1,\"ablated_logprob\":-2,\"change\":-1}]}");
        Document d = Jsoup.parse(Pages.render("circuitscope.ablate", new JsonObject(), r, PageOptions.webview("n")).html());
        assertEquals(1, d.select("script").size());
        assertEquals(EVIL, d.selectFirst(".tok").text());
        assertEquals("n5", d.selectFirst(".tok").className().replace("tok ", ""), "the only change is the largest drop");
    }

    @Test
    void linksCarryArgumentsThatAreMarkupAsData() {
        JsonObject args = json("{\"uri\":\"file:///a\\\"><script>x</script>.prompt\"}");
        JsonObject r = json("{\"model\":\"m\",\"tokens\":[" + tok(0, "A") + "],\"heads\":[{\"layer\":0,\"head\":1,\"label\":\"L0H1\",\"previous_token\":0.85,"
                + "\"ov_copying_score\":0.1,\"qk_copying_score\":0,\"induction_repeated_random\":0.2}]}");
        Document d = Jsoup.parse(Pages.render("circuitscope.detectHeads", args, r, PageOptions.webview("n")).html());
        assertEquals(1, d.select("script").size());
        var link = d.selectFirst("#heads .link");
        assertEquals("{\"uri\":\"file:///a\\\"><script>x</script>.prompt\",\"layer\":0,\"head\":1}", link.attr("data-args"));
        assertEquals("s9", d.select("#heads td.score").first().className().replace("score ", ""), "0.85 gets the 9th of ten shades");
        assertEquals("—", d.select("#heads td.score").get(1).text(), "a detector that did not run");
    }
}
