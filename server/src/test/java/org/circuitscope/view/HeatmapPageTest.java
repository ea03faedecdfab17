package org.circuitscope.view;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Attention heatmaps, parsed as a browser would: the cells are the server's pattern, causal, with rows summing to 1. */
class HeatmapPageTest {
    static Answers a;

    @BeforeAll static void open() { a = new Answers(Answers.SHIPPED, Answers.NASTY); }

    @AfterAll static void close() { a.close(); }

    @Test
    void oneHeadsCellsAreItsPattern() throws Exception {
        JsonObject args = a.args("{\"layer\":1,\"head\":0}");
        JsonObject answer = a.answer("circuitscope.attentionPattern", args).getAsJsonObject();
        Page page = Pages.render("circuitscope.attentionPattern", args, answer, PageOptions.webview("n0nce"));
        assertEquals("Attention · L1H0", page.title());
        Document d = Jsoup.parse(page.html());
        Element svg = d.selectFirst("svg.heatmap");
        int n = answer.getAsJsonArray("tokens").size();
        assertEquals(String.valueOf(n), svg.attr("data-tokens"));
        JsonArray pattern = answer.getAsJsonArray("heads").get(0).getAsJsonObject().getAsJsonArray("pattern");
        List<Element> cells = svg.select("rect.cell");
        assertEquals(n * (n + 1) / 2, cells.size(), "one cell per causal pair");
        Map<Integer, Double> rowSums = new HashMap<>();
        int cell = Integer.parseInt(cells.getFirst().attr("width"));
        int x0 = Integer.parseInt(svg.selectFirst("rect.frame").attr("x")), y0 = Integer.parseInt(svg.selectFirst("rect.frame").attr("y"));
        for (Element c : cells) {
            int q = Integer.parseInt(c.attr("data-q")), k = Integer.parseInt(c.attr("data-k"));
            assertTrue(k <= q, "no cell above the diagonal: q=" + q + " k=" + k);
            double expected = pattern.get(q).getAsJsonArray().get(k).getAsDouble();
            double w = Double.parseDouble(c.attr("data-w"));
            assertEquals(expected, w, 1e-4, "weight of q=" + q + " k=" + k);
            assertEquals(Math.sqrt(expected), Double.parseDouble(c.attr("fill-opacity")), 1e-3, "opacity is √weight");
            assertEquals(x0 + k * cell, Integer.parseInt(c.attr("x")), "column is the key");
            assertEquals(y0 + q * cell, Integer.parseInt(c.attr("y")), "row is the query");
            assertTrue(c.selectFirst("title").text().startsWith("L1H0: "), "a tooltip without scripts");
            rowSums.merge(q, w, Double::sum);
        }
        assertEquals(n, rowSums.size());
        rowSums.forEach((q, s) -> assertEquals(1.0, s, 1e-2, "row " + q + " of a softmax sums to 1"));
    }

    @Test
    void theInductionHeadAttendsToTheTokenAfterTheEarlierCopy() throws Exception {
        // L1H0 of attn-only-2l is an induction head: on the second " D" (of " Dursley") it looks at the token after the first.
        JsonObject args = a.args("{\"layer\":1,\"head\":0}");
        JsonObject answer = a.answer("circuitscope.attentionPattern", args).getAsJsonObject();
        List<Tok> tokens = Tok.list(answer, "tokens");
        int first = -1, second = -1;
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).text().equals(" D")) { if (first < 0) first = i; else second = i; }
        }
        assertTrue(first > 0 && second > first, "the prompt has \" D\" twice: " + tokens);
        Document d = Jsoup.parse(Pages.render("circuitscope.attentionPattern", args, answer, PageOptions.webview("n")).html());
        Element best = null;
        for (Element c : d.select("svg.heatmap rect.cell[data-q=" + second + "]")) {
            if (best == null || Double.parseDouble(c.attr("data-w")) > Double.parseDouble(best.attr("data-w"))) best = c;
        }
        assertEquals(String.valueOf(first + 1), best.attr("data-k"), "the strongest cell of the second \" D\"");
        assertTrue(best.selectFirst("title").text().contains("\" D\" @" + second + " ← "), best.selectFirst("title").text());
    }

    @Test
    void aLayerGivesOneHeatmapPerHeadWithItsOwnPattern() throws Exception {
        JsonObject args = a.args("{\"layer\":0}");
        JsonObject answer = a.answer("circuitscope.attentionPattern", args).getAsJsonObject();
        Page page = Pages.render("circuitscope.attentionPattern", args, answer, PageOptions.webview("n"));
        assertEquals("Attention · layer 0", page.title());
        Document d = Jsoup.parse(page.html());
        List<Element> maps = d.select("svg.heatmap");
        assertEquals(4, maps.size(), "attn-only-2l has four heads a layer");
        for (int h = 0; h < 4; h++) {
            JsonArray pattern = answer.getAsJsonArray("heads").get(h).getAsJsonObject().getAsJsonArray("pattern");
            int last = pattern.size() - 1;
            Element c = maps.get(h).selectFirst("rect.cell[data-q=" + last + "][data-k=0]");
            assertEquals(pattern.get(last).getAsJsonArray().get(0).getAsDouble(), Double.parseDouble(c.attr("data-w")), 1e-4);
            assertTrue(c.selectFirst("title").text().startsWith("L0H" + h + ": "));
        }
    }

    @Test
    void axisLabelsAreTheTokensShownAsText() throws Exception {
        JsonObject args = a.args("{\"layer\":1,\"head\":0}");
        JsonObject answer = a.answer("circuitscope.attentionPattern", args).getAsJsonObject();
        Document d = Jsoup.parse(Pages.render("circuitscope.attentionPattern", args, answer, PageOptions.webview("n")).html());
        List<Element> rowLabels = d.select("svg.heatmap text.axis[text-anchor=end]");
        List<Tok> tokens = Tok.list(answer, "tokens");
        assertEquals(tokens.size(), rowLabels.size());
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i).text();
            // Leading and trailing spaces show as "·"; labels of more than 14 characters are cut.
            String shown = (t.startsWith(" ") ? "·" + t.substring(1) : t);
            if (shown.length() <= 14) assertEquals(shown, rowLabels.get(i).text(), "label of token " + i);
        }
        assertTrue(rowLabels.stream().anyMatch(e -> e.text().contains("<") || e.text().contains("&")),
                "some label holds the prompt's < or & as text: " + rowLabels.stream().map(Element::text).toList());
    }
}
