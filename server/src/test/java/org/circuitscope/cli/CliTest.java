package org.circuitscope.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.io.SafeTensors;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.HookPoint;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    @TempDir static Path tmp;
    static Path model;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void makeModel() {
        model = tmp.resolve("m");
        Run r = run("random-model", "--out", model.toString(), "--n-layers", "2", "--d-model", "32", "--n-heads", "2",
                "--d-head", "16", "--d-mlp", "64", "--n-ctx", "64", "--seed", "3", "--init-std", "0.3");
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void predictJsonGivesEachTokensLogProbabilityUnderTheModel() throws Exception {
        Path text = Files.writeString(tmp.resolve("p.txt"), "abcab");
        Run r = run("predict", "--model", model.toString(), "--text", text.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        JsonArray pos = o.getAsJsonArray("positions");
        assertEquals(6, pos.size(), "BOS + 5 byte tokens");
        try (LoadedModel m = ModelDirectory.load(model)) {
            int[] ids = new int[6];
            for (int i = 0; i < 6; i++) ids[i] = pos.get(i).getAsJsonObject().getAsJsonObject("token").get("id").getAsInt();
            assertEquals(m.tokenizer().orElseThrow().bosId().getAsInt(), ids[0]);
            Tensor logits = m.transformer().forward(ids);
            for (int i = 1; i < 6; i++) {
                // log_softmax of the previous position's logits at this token, in float64 here.
                int v = logits.dim(1);
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < v; j++) max = Math.max(max, logits.data()[(i - 1) * v + j]);
                for (int j = 0; j < v; j++) sum += Math.exp(logits.data()[(i - 1) * v + j] - max);
                double want = logits.data()[(i - 1) * v + ids[i]] - max - Math.log(sum);
                assertEquals(want, pos.get(i).getAsJsonObject().get("logprob").getAsDouble(), 1e-6, "position " + i);
            }
            JsonArray top = pos.get(2).getAsJsonObject().getAsJsonArray("top");
            assertEquals(5, top.size());
            for (int k = 1; k < 5; k++) {
                assertTrue(top.get(k - 1).getAsJsonObject().get("logprob").getAsDouble() >= top.get(k).getAsJsonObject().get("logprob").getAsDouble());
            }
        }
        assertNull(pos.get(0).getAsJsonObject().get("logprob"), "the first token has no log-probability");
    }

    @Test
    void cacheFileHoldsEveryHookPointAndTheTokens() throws Exception {
        Path out = tmp.resolve("cache.safetensors");
        Run r = run("cache", "--model", model.toString(), "--tokens", "5,17,42,5,17", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        try (LoadedModel m = ModelDirectory.load(model); SafeTensors st = SafeTensors.open(out)) {
            int[] ids = {5, 17, 42, 5, 17};
            ActivationCache want = m.transformer().runWithCache(ids);
            for (String name : HookPoint.all(m.config())) {
                assertTrue(st.contains(name), name);
                assertArrayEquals(want.get(name).shape(), st.read(name).shape(), name);
                // Two separate passes: equal to rounding (the JIT may be mid-way compiling the kernels).
                float tol = 1e-5f * Math.max(1f, want.get(name).maxAbs());
                assertArrayEquals(want.get(name).data(), st.read(name).data(), tol, name);
            }
            assertEquals("I64", st.info("tokens").dtype());
            assertArrayEquals(new float[] {5, 17, 42, 5, 17}, st.read("tokens").data());
        }
    }

    @Test
    void namesFilterAndWeightProcessingFlags() throws Exception {
        Path out = tmp.resolve("patterns.safetensors");
        Run r = run("cache", "--model", model.toString(), "--tokens", "1,2,3", "--names", "blocks\\.\\d\\.attn\\.hook_pattern",
                "--fold-ln", "--center-writing-weights", "--center-unembed", "--fold-value-biases", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        try (SafeTensors st = SafeTensors.open(out)) {
            assertEquals(java.util.List.of("blocks.0.attn.hook_pattern", "blocks.1.attn.hook_pattern", "tokens"), st.names());
        }
    }

    @Test
    void userMistakesAreOneLineAndNonZero() throws Exception {
        Run r = run("predict", "--model", tmp.resolve("nope").toString(), "--tokens", "1");
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("nope"), r.err());

        r = run("predict", "--model", model.toString(), "--tokens", "1,999");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("999") && r.err().contains("position 1"), r.err());

        r = run("predict", "--model", model.toString(), "--tokens", "1", "--bogus");
        assertEquals(2, r.code());

        Path bin = Files.write(tmp.resolve("bin.txt"), new byte[] {1, 0, 2, 3});
        r = run("predict", "--model", model.toString(), "--text", bin.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("binary"), r.err());

        Path longText = Files.writeString(tmp.resolve("long.txt"), "x".repeat(100));
        r = run("predict", "--model", model.toString(), "--text", longText.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("101 tokens") && r.err().contains("64"), r.err());

        r = run("cache", "--model", model.toString(), "--tokens", "1", "--names", "nothing.matches", "--out", tmp.resolve("x").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("matches no hook point"), r.err());
        assertFalse(Files.exists(tmp.resolve("x")));
    }

    @Test
    void cacheOutThatCannotBeWrittenNamesThePathAndWhy() throws Exception {
        Path file = Files.writeString(tmp.resolve("plain.txt"), "x");
        String[][] cases = {
            {tmp.resolve("no-such-dir").resolve("c.safetensors").toString(), "does not exist"},
            {tmp.toString(), "is a directory"},
            {file.resolve("c.safetensors").toString(), "is not a directory"},
            // Linux refuses new files in /sys even to root, so this reaches the write itself.
            {"/sys/c.safetensors", "permission denied|not writable"},
        };
        for (String[] c : cases) {
            if (c[0].startsWith("/sys") && !Files.isDirectory(Path.of("/sys"))) continue;
            Run r = run("cache", "--model", model.toString(), "--tokens", "1,2", "--out", c[0]);
            assertEquals(1, r.code(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(c[0]) && !r.err().contains(".tmp-"), "names the path asked for: " + r.err());
            assertTrue(java.util.regex.Pattern.compile(c[1]).matcher(r.err()).find(), "says why (" + c[1] + "): " + r.err());
        }
    }

    @Test
    void textThatIsADirectoryIsCalledADirectory() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("a-directory"));
        for (String cmd : new String[] {"predict", "heads"}) {
            Run r = run(cmd, "--model", model.toString(), "--text", dir.toString(), cmd.equals("heads") ? "--length=10" : "--no-bos");
            assertEquals(1, r.code(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(dir + " is a directory") && !r.err().contains("no such file"), r.err());
        }
        Run r = run("train-tokenizer", "--text", dir.toString(), "--vocab-size", "300", "--out", tmp.resolve("t.json").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains(dir + " is a directory"), r.err());
        r = run("predict", "--model", model.toString(), "--text", tmp.resolve("absent.txt").toString());
        assertTrue(r.code() == 1 && r.err().contains("absent.txt: no such file"), r.err());
    }

    @Test
    void argumentErrorsAreOneLineWithTheHintToHelp() {
        String m = model.toString();
        String[][] cases = {
            {"unknown option", "predict", "--model", m, "--tokens", "1", "--bogus"},
            {"missing value", "predict", "--model", m, "--tokens"},
            {"bad number", "predict", "--model", m, "--tokens", "1", "--top", "abc"},
            {"missing option", "cache", "--model", m, "--tokens", "1"},
            {"unknown command", "frobnicate"},
        };
        for (String[] c : cases) {
            Run r = run(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertEquals(2, r.code(), c[0] + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), c[0] + " should be one line: " + r.err());
            String help = c[1].equals("frobnicate") ? "'circuitscope --help'" : "'circuitscope " + c[1] + " --help'";
            assertTrue(r.err().startsWith("circuitscope: ") && r.err().contains(help), c[0] + ": " + r.err());
        }
    }

    @Test
    void headsCommandReportsEveryHead() {
        Run r = run("heads", "--model", model.toString(), "--json", "--sequences", "2", "--length", "10");
        assertEquals(0, r.code(), r.err());
        JsonArray heads = JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonArray("heads");
        assertEquals(4, heads.size());
        assertEquals("L1H0", heads.get(2).getAsJsonObject().get("label").getAsString());
        double ind = heads.get(3).getAsJsonObject().get("induction_repeated_random").getAsDouble();
        assertTrue(ind >= 0 && ind <= 1, "a score is attention mass: " + ind);
    }

    @Test
    void headsJsonHasQkCopyingScoresSkipTrigramsAndCompositionScores() throws Exception {
        Run r = run("heads", "--model", model.toString(), "--json", "--sequences", "1", "--length", "5", "--trigrams", "3", "--trigram-vocab", "40");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(40, o.get("trigram_vocab").getAsInt());
        try (LoadedModel m = ModelDirectory.load(model)) {
            org.circuitscope.model.Weights w = m.transformer().weights();
            var tok = m.tokenizer().orElseThrow();
            for (JsonElement he : o.getAsJsonArray("heads")) {
                JsonObject h = he.getAsJsonObject();
                int l = h.get("layer").getAsInt(), hd = h.get("head").getAsInt();
                double qk = h.get("qk_copying_score").getAsDouble();
                assertTrue(qk >= -1 && qk <= 1, "a copying score is Σλ/Σ|λ|: " + qk);
                JsonArray tri = h.getAsJsonArray("skip_trigrams");
                assertEquals(3, tri.size(), h.get("label").getAsString());
                double[][] wov = times(in(w, l, hd, "W_V"), out(w, l, hd));
                double last = Double.POSITIVE_INFINITY;
                for (JsonElement te : tri) {
                    JsonObject t = te.getAsJsonObject();
                    int s = t.getAsJsonObject("source").get("id").getAsInt(), d = t.getAsJsonObject("destination").get("id").getAsInt(),
                            x = t.getAsJsonObject("out").get("id").getAsInt();
                    for (int id : new int[] {s, d, x}) assertTrue(id >= 0 && id < 40, "token " + id + " outside --trigram-vocab 40");
                    assertEquals(shown(tok.tokenText(s)), t.getAsJsonObject("source").get("text").getAsString());
                    assertEquals(shown(tok.tokenText(d)), t.getAsJsonObject("destination").get("text").getAsString());
                    assertEquals(shown(tok.tokenText(x)), t.getAsJsonObject("out").get("text").getAsString());
                    // OV entry W_E[s]·W_OV·W_U[:, out] by plain loops.
                    double want = 0;
                    int dm = w.config().dModel(), v = w.config().dVocab();
                    for (int i = 0; i < dm; i++)
                        for (int j = 0; j < dm; j++) want += w.data("embed.W_E")[s * dm + i] * wov[i][j] * w.data("unembed.W_U")[j * v + x];
                    assertEquals(want, t.get("score").getAsDouble(), 1e-6 * Math.max(1, Math.abs(want)), "OV entry of " + h.get("label"));
                    assertTrue(t.get("score").getAsDouble() <= last, "trigrams sorted by score");
                    last = t.get("score").getAsDouble();
                    assertTrue(t.has("qk_score"));
                }
            }
            JsonObject comp = o.getAsJsonObject("composition");
            for (String mode : new String[] {"q", "k", "v"}) {
                JsonArray a = comp.getAsJsonArray(mode);
                assertEquals(2, a.size(), mode + " has n_layers entries");
                for (int l1 = 0; l1 < 2; l1++)
                    for (int h1 = 0; h1 < 2; h1++)
                        for (int l2 = 0; l2 < 2; l2++)
                            for (int h2 = 0; h2 < 2; h2++) {
                                double got = a.get(l1).getAsJsonArray().get(h1).getAsJsonArray().get(l2).getAsJsonArray().get(h2).getAsDouble();
                                if (l1 >= l2) { assertEquals(0, got, mode + " is 0 unless layer1 < layer2"); continue; }
                                double[][] left = times(in(w, l1, h1, "W_V"), out(w, l1, h1));
                                double[][] qkm = times(in(w, l2, h2, "W_Q"), transpose(in(w, l2, h2, "W_K")));
                                double[][] right = switch (mode) {
                                    case "q" -> qkm;
                                    case "k" -> transpose(qkm);
                                    default -> times(in(w, l2, h2, "W_V"), out(w, l2, h2));
                                };
                                double want = norm(times(left, right)) / (norm(left) * norm(right));
                                assertEquals(want, got, 1e-9, mode + "-composition L" + l1 + "H" + h1 + " → L" + l2 + "H" + h2);
                            }
            }
        }
        double baseline = o.get("composition_baseline").getAsDouble();
        assertEquals(1 / Math.sqrt(32), baseline, 0.2 / Math.sqrt(32), "random-matrix baseline near 1/√d_model");

        Run text = run("heads", "--model", model.toString(), "--sequences", "1", "--length", "5", "--top-compositions", "4");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("QK-copy") && text.out().contains("strongest compositions"), text.out());
        assertEquals(4, text.out().lines().filter(x -> x.contains("-composition L0H")).count(), text.out());

        Run none = run("heads", "--model", model.toString(), "--json", "--sequences", "1", "--length", "5", "--no-composition", "--trigrams", "0");
        assertEquals(0, none.code(), none.err());
        JsonObject n = JsonParser.parseString(none.out()).getAsJsonObject();
        assertFalse(n.has("composition") || n.has("composition_baseline"), "--no-composition leaves both out");
        assertEquals(0, n.getAsJsonArray("heads").get(0).getAsJsonObject().getAsJsonArray("skip_trigrams").size());
    }

    static double[][] in(org.circuitscope.model.Weights w, int l, int h, String name) {
        int d = w.config().dModel(), dh = w.config().dHead();
        float[] x = w.data("blocks." + l + ".attn." + name);
        double[][] m = new double[d][dh];
        for (int i = 0; i < d; i++) for (int e = 0; e < dh; e++) m[i][e] = x[(h * d + i) * dh + e];
        return m;
    }

    static double[][] out(org.circuitscope.model.Weights w, int l, int h) {
        int d = w.config().dModel(), dh = w.config().dHead();
        float[] x = w.data("blocks." + l + ".attn.W_O");
        double[][] m = new double[dh][d];
        for (int e = 0; e < dh; e++) for (int i = 0; i < d; i++) m[e][i] = x[(h * dh + e) * d + i];
        return m;
    }

    static double[][] times(double[][] x, double[][] y) {
        double[][] c = new double[x.length][y[0].length];
        for (int i = 0; i < x.length; i++)
            for (int j = 0; j < y[0].length; j++)
                for (int e = 0; e < y.length; e++) c[i][j] += x[i][e] * y[e][j];
        return c;
    }

    static double[][] transpose(double[][] x) {
        double[][] t = new double[x[0].length][x.length];
        for (int i = 0; i < x.length; i++) for (int j = 0; j < x[0].length; j++) t[j][i] = x[i][j];
        return t;
    }

    static double norm(double[][] x) {
        double s = 0;
        for (double[] r : x) for (double v : r) s += v * v;
        return Math.sqrt(s);
    }

    @Test
    void everyRandomModelOptionSaysWhatItMeans() {
        Run r = run("random-model", "--help");
        assertEquals(0, r.code(), r.err());
        // picocli lists each option on a line of its own, its description after it or, for a long name, on the next line.
        List<String> lines = r.out().lines().toList();
        long options = 0, described = 0;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).trim();
            if (!l.startsWith("--")) continue;
            options++;
            boolean sameLine = l.matches("--[\\w-]+(=\\S+)?\\s{2,}\\S.*");
            boolean nextLine = i + 1 < lines.size() && lines.get(i + 1).startsWith("          ") && !lines.get(i + 1).trim().startsWith("-");
            if (sameLine || nextLine) described++;
        }
        assertTrue(options >= 13, r.out());
        assertEquals(options, described, "every option has a description:\n" + r.out());
    }

    /** A one-character byte token as people see it: itself, or {@code <0x10>} for a control character that draws as nothing. */
    static String shown(String decoded) {
        if (decoded.length() != 1) return decoded;
        char c = decoded.charAt(0);
        boolean control = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
        return control ? "<0x" + Integer.toHexString(0x100 | c).substring(1).toUpperCase() + ">" : decoded;
    }
}
