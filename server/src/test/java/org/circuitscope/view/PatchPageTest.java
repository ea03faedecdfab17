package org.circuitscope.view;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.concurrent.ExecutionException;
import org.circuitscope.circuits.PatchingMetric;
import org.circuitscope.circuits.PatchingSweep;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** circuitscope.patch on the shipped two-layer model: the answer against the circuits library, and the page cell by cell. */
class PatchPageTest {
    static final String CLEAN = "Mr and Mrs Dursley were proud. Mr and Mrs D", CORRUPT = "Mr and Mrs Bursley were proud. Mr and Mrs D";
    static Answers a;
    static JsonObject answer;

    @BeforeAll
    static void open() throws Exception {
        a = new Answers(Answers.SHIPPED, CLEAN);
        answer = a.answer("circuitscope.patch", a.args("{\"corrupt\":\"" + CORRUPT + "\",\"target\":\"ur\",\"contrast\":\"ed\"}")).getAsJsonObject();
    }

    @AfterAll static void close() { a.close(); }

    @Test
    void theAnswerIsTheLibrarysSweep() throws Exception {
        try (LoadedModel m = ModelDirectory.load(Answers.SHIPPED)) {
            var tok = m.tokenizer().orElseThrow();
            int[] clean = ids(tok, CLEAN, tok.bosId().orElseThrow()), corrupt = ids(tok, CORRUPT, tok.bosId().orElseThrow());
            PatchingMetric metric = PatchingMetric.logitDiff(tok.encode("ur").ids()[0], tok.encode("ed").ids()[0]);
            PatchingSweep.Result r = PatchingSweep.run(m.transformer(), clean, corrupt, metric, () -> {});
            assertEquals(r.clean(), answer.get("clean_metric").getAsDouble(), 1e-4);
            assertEquals(r.corrupt(), answer.get("corrupt_metric").getAsDouble(), 1e-4);
            assertTrue(answer.get("normalizable").getAsBoolean());
            JsonArray grids = answer.getAsJsonArray("grids");
            assertEquals(3, grids.size());
            for (int g = 0; g < 3; g++) {
                double[][] want = r.grids().get(g).values();
                JsonArray got = grids.get(g).getAsJsonObject().getAsJsonArray("values");
                for (int l = 0; l < want.length; l++) {
                    for (int j = 0; j < want[l].length; j++) assertEquals(want[l][j], got.get(l).getAsJsonArray().get(j).getAsDouble(), 1e-4);
                }
            }
            // Layer 0's resid_pre at the one differing token (" D" vs " B", position 7) carries the whole corruption.
            JsonArray resid = grids.get(0).getAsJsonObject().getAsJsonArray("normalized").get(0).getAsJsonArray();
            assertEquals(0.0, resid.get(7).getAsDouble(), 1e-4);
            assertEquals(1.0, resid.get(3).getAsDouble(), 1e-4, "an identical token's residual stream at layer 0 is the same in both prompts");
        }
    }

    private static int[] ids(org.circuitscope.tokenizer.Tokenizer tok, String text, int bos) {
        int[] e = tok.encode(text).ids(), out = new int[e.length + 1];
        out[0] = bos;
        System.arraycopy(e, 0, out, 1, e.length);
        return out;
    }

    @Test
    void everyCellOfThePageIsTheAnswersValue() {
        Document d = Jsoup.parse(Pages.render("circuitscope.patch", a.args("{}"), answer, PageOptions.webview("n")).html());
        assertTrue(d.select("#error").isEmpty(), d.text());
        int tokens = answer.getAsJsonArray("tokens").size();
        for (JsonObject g : Answer.objects(answer, "grids")) {
            Element svg = d.selectFirst("svg[data-grid=" + g.get("name").getAsString() + "]");
            assertNotNull(svg, g.get("name").getAsString());
            JsonArray norm = g.getAsJsonArray("normalized"), raw = g.getAsJsonArray("values");
            int cells = 0;
            for (Element c : svg.select("rect.cell")) {
                int l = Integer.parseInt(c.attr("data-layer")), j = Integer.parseInt(c.attr("data-column"));
                double v = norm.get(l).getAsJsonArray().get(j).getAsDouble();
                assertEquals(v, Double.parseDouble(c.attr("data-value")), 1e-6);
                assertEquals(raw.get(l).getAsJsonArray().get(j).getAsDouble(), Double.parseDouble(c.attr("data-raw")), 1e-6);
                assertEquals(v < 1, c.hasClass("neg"), "diverging from 1: red below");
                assertTrue(c.selectFirst("title").text().contains(Num.fixed(v)), c.selectFirst("title").text());
                cells++;
            }
            assertEquals(2 * (g.get("columns").getAsString().equals("head") ? 4 : tokens), cells);
        }
        assertTrue(d.select("svg[data-grid=resid_pre] text.axis").eachText().contains("ur"), "token labels on the position axis");
    }

    @Test
    void promptsOfDifferentLengthsAreAnInvalidParamsError() {
        var e = assertThrows(ExecutionException.class,
                () -> a.answer("circuitscope.patch", a.args("{\"corrupt\":\"Mr and Mrs Potter were proud. Mr and Mrs D\",\"target\":\"ur\",\"contrast\":\"ed\"}")));
        assertTrue(e.getCause().getMessage().contains("same length") && e.getCause().getMessage().contains("24"), e.getCause().getMessage());
    }
}
