package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.circuitscope.cli.Main;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each analysis that both the command line and the server offer, run through both on the same
 * model, prompt and token: the server's result is the command line's {@code --json} report plus a
 * document {@code range} on every prompt token; every other field has the same name and the same
 * value (numbers to 1e-4: the server's incremental pass and the command line's full pass may
 * round differently in the last float bits).
 */
class SharedReportsTest {
    static Path tmp;
    static Path model;
    static Path text;
    static LspFixture f;
    static String uri;
    /** The body is one byte token a character after BOS: character 5 is model position 6, explained by logits row 5. */
    static final String BODY = "abcabcab";

    @BeforeAll
    static void start() throws Exception {
        tmp = Files.createTempDirectory("shared-reports");
        model = TestModels.write(tmp, "shared", 2, false, 64, 7);
        text = Files.writeString(tmp.resolve("p.txt"), BODY);
        f = new LspFixture(LspFixture.settingsWithModel(model), List.of("utf-16"));
        uri = f.open(BODY);
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
    }

    /** command line arguments after the common ones, the server command, its argument. */
    record Case(String name, List<String> cli, String command, String args) {}

    static List<Case> cases() {
        String at = "\"position\": {\"line\": 0, \"character\": 5}";
        return List.of(
                new Case("predict", List.of("predict", "--top", "5"), "circuitscope.predict", "{\"top\": 5}"),
                new Case("paths", List.of("paths", "--pos", "5"), "circuitscope.pathExpansion", "{" + at + ", \"top\": 100000}"),
                new Case("attribute direct", List.of("attribute", "--pos", "5"), "circuitscope.attribute", "{" + at + "}"),
                new Case("attribute direct with contrast", List.of("attribute", "--pos", "5", "--contrast", "text:a"), "circuitscope.attribute",
                        "{" + at + ", \"contrast\": \"a\"}"),
                new Case("attribute saliency", List.of("attribute", "--pos", "5", "--method", "saliency"), "circuitscope.attribute",
                        "{" + at + ", \"method\": \"saliency\"}"),
                new Case("attribute input-x-gradient", List.of("attribute", "--pos", "5", "--method", "input-x-gradient"), "circuitscope.attribute",
                        "{" + at + ", \"method\": \"input-x-gradient\"}"),
                new Case("attribute integrated-gradients", List.of("attribute", "--pos", "5", "--method", "integrated-gradients", "--steps", "16"),
                        "circuitscope.attribute", "{" + at + ", \"method\": \"integrated-gradients\", \"steps\": 16}"),
                new Case("ablate zero", List.of("ablate", "--heads", "L0H1,L1H0"), "circuitscope.ablate", "{\"heads\": [\"L0H1\", \"L1H0\"]}"),
                new Case("ablate mean", List.of("ablate", "--heads", "L1H1", "--mean"), "circuitscope.ablate", "{\"heads\": [\"L1H1\"], \"mean\": true}"),
                new Case("lens", List.of("lens", "--pos", "5", "--top", "4"), "circuitscope.logitLens", "{" + at + ", \"top\": 4}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theServerAnswersTheCommandLinesReportPlusRanges(Case c) throws Exception {
        List<String> argv = new ArrayList<>(c.cli());
        argv.addAll(List.of("--model", model.toString(), "--text", text.toString(), "--json"));
        StringWriter out = new StringWriter(), err = new StringWriter();
        assertEquals(0, Main.run(argv.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err)), err.toString());
        JsonElement cli = JsonParser.parseString(out.toString());

        JsonObject arg = JsonParser.parseString(c.args()).getAsJsonObject();
        arg.addProperty("uri", uri);
        Object raw = f.remote.getWorkspaceService().executeCommand(new ExecuteCommandParams(c.command(), List.of(arg))).get(60, TimeUnit.SECONDS);
        JsonElement server = new Gson().toJsonTree(raw);

        int[] ranges = {0};
        JsonElement withoutRanges = stripRanges(server, ranges);
        assertTrue(ranges[0] > 0, "prompt tokens carry their document range");
        assertSame(cli, withoutRanges, "$");
    }

    /** The tree without {@code range} fields, checking that each one sits on a prompt token (an object with a position). */
    static JsonElement stripRanges(JsonElement e, int[] count) {
        if (e.isJsonArray()) {
            JsonArray out = new JsonArray();
            for (JsonElement x : e.getAsJsonArray()) out.add(stripRanges(x, count));
            return out;
        }
        if (!e.isJsonObject()) return e;
        JsonObject out = new JsonObject();
        for (Map.Entry<String, JsonElement> x : e.getAsJsonObject().entrySet()) {
            if (x.getKey().equals("range")) {
                assertTrue(e.getAsJsonObject().has("position") && e.getAsJsonObject().has("id"), "a range on a token: " + e);
                count[0]++;
                continue;
            }
            out.add(x.getKey(), stripRanges(x.getValue(), count));
        }
        return out;
    }

    static void assertSame(JsonElement want, JsonElement got, String path) {
        if (want.isJsonObject()) {
            assertTrue(got.isJsonObject(), path + ": an object, got " + got);
            JsonObject w = want.getAsJsonObject(), g = got.getAsJsonObject();
            assertEquals(w.keySet(), g.keySet(), path + ": the same fields");
            for (String k : w.keySet()) assertSame(w.get(k), g.get(k), path + "." + k);
        } else if (want.isJsonArray()) {
            assertTrue(got.isJsonArray(), path + ": an array, got " + got);
            assertEquals(want.getAsJsonArray().size(), got.getAsJsonArray().size(), path + ": the same length");
            for (int i = 0; i < want.getAsJsonArray().size(); i++) assertSame(want.getAsJsonArray().get(i), got.getAsJsonArray().get(i), path + "[" + i + "]");
        } else if (want.isJsonPrimitive() && want.getAsJsonPrimitive().isNumber()) {
            assertTrue(got.isJsonPrimitive() && got.getAsJsonPrimitive().isNumber(), path + ": a number, got " + got);
            double w = want.getAsDouble(), g = got.getAsDouble();
            assertEquals(w, g, 1e-4 * Math.max(1, Math.abs(w)), path);
        } else if (want.isJsonNull()) {
            assertFalse(!got.isJsonNull(), path + ": null, got " + got);
        } else if (!want.equals(got)) {
            fail(path + ": " + want + " vs " + got);
        }
    }
}
