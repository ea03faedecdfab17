package org.circuitscope.view;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.util.List;
import org.circuitscope.circuits.CompositionScores;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The composition matrix: the command's scores, checked against the circuits library on the loaded weights, drawn cell by cell. */
class CompositionPageTest {
    static Answers a;
    static JsonObject answer;
    static CompositionScores.Result direct;

    @BeforeAll
    static void open() throws Exception {
        a = new Answers(Answers.SHIPPED, "Mr and Mrs Dursley");
        answer = a.answer("circuitscope.compositionScores", a.args("{}")).getAsJsonObject();
        try (LoadedModel m = ModelDirectory.load(Answers.SHIPPED)) {
            direct = CompositionScores.all(m.transformer().weights());
        }
    }

    @AfterAll static void close() { a.close(); }

    @Test
    void theAnswerHoldsEveryPairsScoresAndTheBaseline() {
        assertEquals(2, answer.get("n_layers").getAsInt());
        assertEquals(4, answer.get("n_heads").getAsInt());
        double baseline = answer.get("baseline").getAsDouble();
        assertEquals(1 / Math.sqrt(128), baseline, 0.02, "random matrices compose at about 1/√d_model");
        for (int h1 = 0; h1 < 4; h1++) {
            for (int h2 = 0; h2 < 4; h2++) {
                assertEquals(direct.k()[0][h1][1][h2], answer.getAsJsonArray("k").get(0).getAsJsonArray().get(h1).getAsJsonArray().get(1)
                        .getAsJsonArray().get(h2).getAsDouble(), 1e-9);
            }
        }
    }

    @Test
    void threeMatricesOneCellPerPairShadedByTheExcessOverTheBaseline() {
        Page page = Pages.render("circuitscope.compositionScores", a.args("{}"), answer, PageOptions.webview("n"));
        assertEquals("Composition scores", page.title());
        Document d = Jsoup.parse(page.html());
        List<Element> matrices = d.select("svg.matrix");
        assertEquals(List.of("Q", "K", "V"), matrices.stream().map(m -> m.attr("data-mode")).toList());
        double baseline = answer.get("baseline").getAsDouble();
        double scale = 0;
        for (double[][][][] s : List.of(direct.q(), direct.k(), direct.v())) {
            for (int h1 = 0; h1 < 4; h1++) for (int h2 = 0; h2 < 4; h2++) scale = Math.max(scale, s[0][h1][1][h2] - baseline);
        }
        double[][][][][] modes = {direct.q(), direct.k(), direct.v()};
        for (int m = 0; m < 3; m++) {
            List<Element> cells = matrices.get(m).select("rect.cell");
            assertEquals(16, cells.size(), "layer 0's four heads × layer 1's four");
            for (Element c : cells) {
                int h1 = c.attr("data-from").charAt(3) - '0', h2 = c.attr("data-to").charAt(3) - '0';
                assertTrue(c.attr("data-from").startsWith("L0H") && c.attr("data-to").startsWith("L1H"), "earlier writes, later reads");
                double s = modes[m][0][h1][1][h2];
                assertEquals(s, Double.parseDouble(c.attr("data-score")), 1e-4);
                assertEquals(Math.max(0, (s - baseline) / scale), Double.parseDouble(c.attr("fill-opacity")), 1e-3);
                assertTrue(c.selectFirst("title").text().startsWith(matrices.get(m).attr("data-mode") + "-composition L0H" + h1 + " → L1H" + h2 + ": "));
            }
        }
        List<Element> rows = d.select("#strongest tr");
        assertEquals(11, rows.size(), "a header and the ten strongest pairs");
        double top = Double.parseDouble(rows.get(1).select("td.num").first().text());
        assertEquals(scale + baseline, top, 1e-3, "the strongest pair is the one with the largest excess");
    }

    @Test
    void aOneLayerModelHasNothingToCompose() {
        JsonObject one = com.google.gson.JsonParser.parseString("{\"model\":\"m\",\"n_layers\":1,\"n_heads\":2,\"baseline\":0.1,"
                + "\"q\":[[[[0,0]],[[0,0]]]],\"k\":[[[[0,0]],[[0,0]]]],\"v\":[[[[0,0]],[[0,0]]]]}").getAsJsonObject();
        Document d = Jsoup.parse(Pages.render("circuitscope.compositionScores", new JsonObject(), one, PageOptions.webview("n")).html());
        assertTrue(d.select("svg.matrix").isEmpty());
        assertTrue(d.selectFirst(".note").text().contains("nothing composes"));
    }
}
