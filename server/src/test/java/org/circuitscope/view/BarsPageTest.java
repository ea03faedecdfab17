package org.circuitscope.view;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bar charts from real answers: values as the answer's, lengths proportional, signs on either side of zero. */
class BarsPageTest {
    static Answers a;

    @BeforeAll static void open() { a = new Answers(Answers.SHIPPED, Answers.NASTY); }

    @AfterAll static void close() { a.close(); }

    static double num(Element e, String attr) { return Double.parseDouble(e.attr(attr)); }

    /** Every bar's width is |value| times one scale (set by the longest bar); positive bars start at the zero line, negative ones end there. */
    static void assertProportional(Element svg) {
        double zero = num(svg.selectFirst("line.zero"), "x1");
        Element longest = svg.select("rect.bar").stream().max(java.util.Comparator.comparingDouble(r -> Math.abs(num(r, "data-value")))).orElseThrow();
        double scale = num(longest, "width") / Math.abs(num(longest, "data-value"));
        assertTrue(scale > 0, "the longest bar has a length");
        for (Element r : svg.select("rect.bar")) {
            double v = num(r, "data-value"), w = num(r, "width"), x = num(r, "x");
            assertEquals(v >= 0 ? "pos" : "neg", r.hasClass("pos") ? "pos" : "neg", r.attr("data-label"));
            assertEquals(zero, v >= 0 ? x : x + w, 2e-3, "bar " + r.attr("data-label") + " touches the zero line");
            // data-value has 4 decimals, coordinates 3: the tolerance is their rounding.
            assertEquals(scale * Math.abs(v), w, 2e-3 + scale * 1e-4, "bar " + r.attr("data-label") + " is |value| × the common scale");
        }
    }

    @Test
    void headCardBarsAreTheDetectorScores() throws Exception {
        JsonObject req = a.args("{\"layer\":1,\"head\":0}");
        JsonObject card = a.answer("circuitscope.inspectHead", req).getAsJsonObject();
        JsonObject scores = card.getAsJsonObject("scores");
        Document d = Jsoup.parse(Pages.render("circuitscope.inspectHead", req, card, PageOptions.webview("n")).html());
        assertEquals("Head L1H0", d.selectFirst("h1").text());
        Element detectors = d.select("svg.bars").first();
        String[][] expected = {{"previous token", "previous_token"}, {"duplicate token", "duplicate_token"}, {"induction", "induction"},
            {"induction (repeated random)", "induction_repeated_random"}, {"copying score", "ov_copying_score"}};
        List<Element> bars = detectors.select("rect.bar");
        assertEquals(expected.length, bars.size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i][0], bars.get(i).attr("data-label"));
            assertEquals(scores.get(expected[i][1]).getAsDouble(), num(bars.get(i), "data-value"), 1e-4);
        }
        assertTrue(num(detectors.selectFirst("rect.bar[data-label=\"induction (repeated random)\"]"), "data-value") > 0.5,
                "L1H0 is attn-only-2l's induction head");
        assertProportional(detectors);
        assertEquals(scores.getAsJsonArray("skip_trigrams").size() + 1, d.select("#trigrams tr").size(), "a row per skip-trigram");
        Element composition = d.select("svg.bars").get(1);
        int listed = card.getAsJsonObject("composition").getAsJsonArray("reads_from").size()
                + card.getAsJsonObject("composition").getAsJsonArray("writes_to").size();
        assertEquals(Math.min(listed, 25), composition.select("rect.bar").size());
        assertProportional(composition);
    }

    @Test
    void pathExpansionBarsAreSortedBySizeAndSumToTheLogit() throws Exception {
        JsonObject req = a.args("{\"position\":{\"line\":0,\"character\":" + Answers.NASTY.lastIndexOf("ur") + "}}");
        JsonObject paths = a.answer("circuitscope.pathExpansion", req).getAsJsonObject();
        Page page = Pages.render("circuitscope.pathExpansion", req, paths, PageOptions.webview("n"));
        assertEquals("Path expansion of \"ur\"", page.title());
        Element svg = Jsoup.parse(page.html()).selectFirst("svg.bars");
        List<Element> bars = svg.select("rect.bar");
        int n = paths.get("n_terms").getAsInt();
        assertTrue(n >= 1 + 8 + 16, "attn-only-2l: at least the direct path, 8 heads and 16 two-head paths, got " + n);
        assertEquals(Math.min(n, 31), bars.size(), "30 bars and one for the rest");
        double sum = 0, last = Double.POSITIVE_INFINITY;
        for (int i = 0; i < bars.size(); i++) {
            double v = num(bars.get(i), "data-value");
            // The bar after the 30th holds the sum of the rest, wherever that falls.
            if (i == 30) assertTrue(bars.get(i).attr("data-label").endsWith(" others"), bars.get(i).attr("data-label"));
            else assertTrue(Math.abs(v) <= last + 1e-4, "sorted by |value|");
            last = Math.abs(v);
            sum += v;
        }
        assertEquals(paths.get("logit").getAsDouble(), sum, 1e-2, "the bars sum to the model's logit");
        assertProportional(svg);
    }

    @Test
    void directAttributionComponentsSumToTheLogit() throws Exception {
        JsonObject req = a.args("{\"position\":{\"line\":0,\"character\":" + Answers.NASTY.lastIndexOf("ur") + "}}");
        JsonObject attr = a.answer("circuitscope.attribute", req).getAsJsonObject();
        Document d = Jsoup.parse(Pages.render("circuitscope.attribute", req, attr, PageOptions.webview("n")).html());
        double sum = 0;
        for (Element b : d.select("svg.bars rect.bar")) sum += num(b, "data-value");
        assertEquals(attr.get("value").getAsDouble(), sum, 1e-2);
        assertProportional(d.selectFirst("svg.bars"));
        // Each source token's colour is the sum of the heads' parts through it.
        double[] byPosition = new double[attr.getAsJsonArray("heads").get(0).getAsJsonObject().getAsJsonArray("sources").size() + 100];
        for (var h : attr.getAsJsonArray("heads")) {
            for (var s : h.getAsJsonObject().getAsJsonArray("sources")) {
                byPosition[s.getAsJsonObject().getAsJsonObject("token").get("position").getAsInt()] += s.getAsJsonObject().get("value").getAsDouble();
            }
        }
        List<Element> toks = d.select(".tok");
        assertFalse(toks.isEmpty());
        for (Element t : toks) assertEquals(byPosition[Integer.parseInt(t.attr("data-position"))], num(t, "data-value"), 1e-4);
    }
}
