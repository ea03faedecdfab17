package org.circuitscope.view;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The head card's complex-plane plots: one point per eigenvalue of the answer, where its value puts it, coloured by the sign of Re λ. */
class EigenvaluePlotTest {
    static Answers a;

    @BeforeAll static void open() { a = new Answers(Answers.SHIPPED, Answers.NASTY); }

    @AfterAll static void close() { a.close(); }

    @Test
    void thePlotsPointsAreTheAnswersEigenvalues() throws Exception {
        JsonObject req = a.args("{\"layer\":1,\"head\":0}");
        JsonObject card = a.answer("circuitscope.inspectHead", req).getAsJsonObject();
        JsonObject scores = card.getAsJsonObject("scores");
        Document d = Jsoup.parse(Pages.render("circuitscope.inspectHead", req, card, PageOptions.webview("n")).html());
        List<Element> plots = d.select("svg.eigenvalues");
        assertEquals(2, plots.size(), "OV and QK");
        String[] keys = {"ov_eigenvalues", "qk_eigenvalues"};
        for (int k = 0; k < 2; k++) {
            JsonArray eig = scores.getAsJsonArray(keys[k]);
            assertEquals(32, eig.size(), "d_head eigenvalues");
            Element svg = plots.get(k);
            List<Element> points = svg.select("circle.eig");
            assertEquals(eig.size(), points.size());
            double size = Double.parseDouble(svg.attr("width")), scale = Double.parseDouble(svg.attr("data-scale"));
            double cx = Double.parseDouble(svg.select("line.zero").get(1).attr("x1")), cy = Double.parseDouble(svg.select("line.zero").get(0).attr("y1"));
            double half = (size - 26) / 2; // plot area: below the 22-pixel title, 4 pixels of margin
            double sum = 0, abs = 0;
            for (int i = 0; i < points.size(); i++) {
                Element p = points.get(i);
                double re = eig.get(i).getAsJsonArray().get(0).getAsDouble(), im = eig.get(i).getAsJsonArray().get(1).getAsDouble();
                assertEquals(re, Double.parseDouble(p.attr("data-re")), 1e-6);
                assertEquals(im, Double.parseDouble(p.attr("data-im")), 1e-6);
                assertEquals(cx + re / scale * half, Double.parseDouble(p.attr("cx")), 2e-3);
                assertEquals(cy - im / scale * half, Double.parseDouble(p.attr("cy")), 2e-3);
                assertTrue(p.hasClass(re >= 0 ? "pos" : "neg"));
                sum += re;
                abs += Math.hypot(re, im);
            }
            // The title carries the copying score, and for OV it is the one the card's bar shows.
            assertTrue(svg.selectFirst("text").text().contains(Num.fixed(sum / abs)), svg.selectFirst("text").text());
            if (k == 0) assertEquals(scores.get("ov_copying_score").getAsDouble(), sum / abs, 1e-6);
        }
    }

    @Test
    void termImportancePageShowsTheOrdersAndTheMarginals() throws Exception {
        JsonObject req = a.args("{}");
        JsonObject r = a.answer("circuitscope.termImportance", req).getAsJsonObject();
        JsonArray orders = r.getAsJsonArray("orders");
        assertEquals(4, orders.size());
        double all = orders.get(3).getAsJsonObject().get("loss").getAsDouble();
        assertEquals(r.get("model_loss").getAsDouble(), all, 1e-4, "all terms are the model's loss on the prompt");
        assertEquals(8, r.getAsJsonArray("heads").size());
        assertEquals(16, r.getAsJsonArray("virtual_heads").size());
        Document d = Jsoup.parse(Pages.render("circuitscope.termImportance", req, r, PageOptions.webview("n")).html());
        List<Element> bars = d.select("svg.bars").first().select("rect.bar");
        assertEquals(4, bars.size());
        for (int i = 0; i < 4; i++) assertEquals(orders.get(i).getAsJsonObject().get("loss").getAsDouble(), Double.parseDouble(bars.get(i).attr("data-value")), 1e-4);
        assertTrue(d.select("rect.bar").first().attr("data-tip").contains(r.get("tokens").getAsInt() + " predictions"));
    }
}
