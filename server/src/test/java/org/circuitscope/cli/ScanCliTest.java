package org.circuitscope.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.circuitscope.scan.ScanOutput;
import org.circuitscope.scan.ScanResult;
import org.circuitscope.scan.TopExample;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code circuitscope scan} end to end: output files, resuming after a kill, threads, and bad input. */
class ScanCliTest {
    static final Path SAMPLES = Path.of("..", "samples").toAbsolutePath().normalize();
    static final Path HEBREWS = SAMPLES.resolve("prompts/hebrews-heldout.txt");
    static final String GELU = SAMPLES.resolve("models/gelu-2l").toString(), ATTN = SAMPLES.resolve("models/attn-only-2l").toString();
    @TempDir static Path tmp;
    static Path verses;

    /** Hebrews 1–3 as JSONL, one verse a document: enough documents for many shards. */
    @BeforeAll
    static void corpus() throws IOException {
        List<String> lines = new ArrayList<>();
        int i = 0;
        for (String l : Files.readAllLines(HEBREWS).subList(0, 40)) {
            JsonObject o = new JsonObject();
            o.addProperty("id", String.format("heb%03d", i++));
            o.addProperty("text", l);
            lines.add(o.toString());
        }
        verses = Files.write(tmp.resolve("hebrews.jsonl"), lines);
    }

    @Test
    void scanWritesTheSummaryAndJsonlFilesOfAnAttentionOnlyModel() throws IOException {
        Path out = tmp.resolve("attn");
        CliTest.Run r = CliTest.run("scan", "--model", ATTN, "--out", out.toString(), "--context", "128", "--top-k", "5", "--threads", "2", HEBREWS.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("scanned 1 documents") && r.out().contains("no MLP neurons"), r.out());
        assertTrue(r.err().contains("tok/s") && r.err().contains("ETA"), "a progress line on stderr: " + r.err());
        JsonObject s = JsonParser.parseString(Files.readString(out.resolve("summary.json"))).getAsJsonObject();
        assertEquals(0, s.get("neurons").getAsInt());
        assertEquals(8, s.getAsJsonArray("heads").size());
        assertEquals(128, s.getAsJsonObject("spec").get("context_length").getAsInt());
        assertTrue(s.getAsJsonArray("heads").get(0).getAsJsonObject().has("direct_logit_attribution"));
        assertFalse(Files.exists(out.resolve("neuron_examples.jsonl")), "an attention-only model has no neuron file");
        ScanResult res = ScanOutput.read(out);
        assertEquals(1, res.documents().size());
        assertEquals("hebrews-heldout.txt", res.documents().getFirst().id());
        assertEquals(8, res.headExamples().size());
        assertEquals(5, res.headExamples().getFirst().examples().size());
        assertEquals(res.summary().predictedTokens(), res.documents().getFirst().predicted());
    }

    @Test
    void aScanKilledAfterItsFirstShardResumesToTheUninterruptedResult() throws Exception {
        Path whole = tmp.resolve("whole"), killed = tmp.resolve("killed");
        String[] common = {"--model", GELU, "--context", "64", "--top-k", "4", "--shard-tokens", "150", "--threads", "1"};
        CliTest.Run w = CliTest.run(concat(common, "--out", whole.toString(), verses.toString()));
        assertEquals(0, w.code(), w.err());

        Process p = java(List.of(), concat(common, "--out", killed.toString(), verses.toString())).start();
        Path shards = killed.resolve("shards");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (shardCount(shards) == 0 && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
        p.destroyForcibly().waitFor();
        int done = shardCount(shards);
        assertTrue(done >= 1, "a shard finished before the kill");
        assertFalse(Files.exists(killed.resolve("summary.json")), "killed before the end (" + done + " shards done)");

        CliTest.Run resumed = CliTest.run(concat(common, "--out", killed.toString(), verses.toString()));
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resumed"), resumed.out());
        assertTrue(resumed.err().contains("from finished shards"), resumed.err());
        assertSameScan(ScanOutput.read(whole), ScanOutput.read(killed));
    }

    @Test
    void maxShardsStopsAndARerunFinishes() throws IOException {
        Path out = tmp.resolve("partial");
        String[] args = {"scan", "--model", ATTN, "--out", out.toString(), "--context", "64", "--shard-tokens", "400", "--max-shards", "1", verses.toString()};
        CliTest.Run r = CliTest.run(args);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("stopped after 1 new shards"), r.out());
        assertEquals(1, shardCount(out.resolve("shards")));
        args[args.length - 2] = "0";
        r = CliTest.run(args);
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(out.resolve("summary.json")));
    }

    /**
     * Threads change no byte of the output, with the scalar kernels and with the SIMD ones (each
     * fresh JVM waits for their switch before its first window; they sum every element in one
     * fixed order whatever the thread or JIT tier).
     */
    @ParameterizedTest(name = "simd={0}")
    @ValueSource(booleans = {false, true})
    void oneAndTwoThreadsWriteTheSameBytes(boolean simd) throws Exception {
        List<String> jvm = List.of("-Dcircuitscope.simd=" + simd);
        Path dir = tmp.resolve("simd-" + simd);
        for (int t : new int[] {1, 2}) {
            Process p = java(jvm, "scan", "--model", GELU, "--out", dir.resolve("threads" + t).toString(), "--context", "64", "--top-k", "3",
                    "--shard-tokens", "500", "--threads", String.valueOf(t), verses.toString()).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "scan finished");
            assertEquals(0, p.exitValue(), new String(p.getErrorStream().readAllBytes()));
        }
        for (String f : List.of("summary.json", "documents.jsonl", "head_examples.jsonl", "neuron_examples.jsonl")) {
            assertEquals(Files.readString(dir.resolve("threads1").resolve(f)), Files.readString(dir.resolve("threads2").resolve(f)), f);
        }
    }

    @Test
    void badInputsAreOneClearError() throws IOException {
        Path bin = Files.write(tmp.resolve("weights.bin"), new byte[] {0x50, 0x4b, 0, 3});
        Path bad = Files.writeString(tmp.resolve("bad.jsonl"), "{\"text\": \"fine\"}\n{\"text\": \n");
        Path noText = Files.writeString(tmp.resolve("notext.jsonl"), "{\"content\": \"x\"}\n");
        String out = tmp.resolve("never").toString();
        assertOneError(CliTest.run("scan", "--model", ATTN, "--out", out, bin.toString()), "weights.bin", "binary");
        assertOneError(CliTest.run("scan", "--model", ATTN, "--out", out, bad.toString()), "bad.jsonl:2", "malformed");
        assertOneError(CliTest.run("scan", "--model", ATTN, "--out", out, noText.toString()), "notext.jsonl:1", "\"text\"");
        assertOneError(CliTest.run("scan", "--model", ATTN, "--out", out, "--context", "300", HEBREWS.toString()), "300", "n_ctx 256");
        assertOneError(CliTest.run("scan", "--model", ATTN, "--out", out, "--context", "64", "--stride", "64", HEBREWS.toString()), "stride", "63");
        // A finished scan directory refuses another spec.
        Path dir = tmp.resolve("spec");
        assertEquals(0, CliTest.run("scan", "--model", ATTN, "--out", dir.toString(), "--context", "64", noTextFree()).code());
        assertOneError(CliTest.run("scan", "--model", ATTN, "--out", dir.toString(), "--context", "32", noTextFree()), "holds another scan", "spec");
    }

    private static String noTextFree() throws IOException {
        return Files.writeString(tmp.resolve("small.txt"), "In the beginning God created the heaven and the earth.").toString();
    }

    private static void assertOneError(CliTest.Run r, String... parts) {
        assertEquals(1, r.code(), r.out() + r.err());
        String e = r.err().strip();
        assertEquals(1, e.lines().count(), "one line: " + e);
        assertTrue(e.startsWith("circuitscope: error: "), e);
        for (String p : parts) assertTrue(e.contains(p), "'" + p + "' in: " + e);
    }

    /**
     * The same scan bit for bit: the same shards, computed in this JVM or in another one (the
     * kernels do not depend on the JVM's JIT state), folded in the same order. Top lists first,
     * so that a failure names the unit and rank.
     */
    static void assertSameScan(ScanResult a, ScanResult b) {
        List<ScanResult.UnitExamples> ua = new ArrayList<>(a.headExamples()), ub = new ArrayList<>(b.headExamples());
        ua.addAll(a.neuronExamples());
        ub.addAll(b.neuronExamples());
        assertEquals(ua.size(), ub.size());
        for (int u = 0; u < ua.size(); u++) {
            List<TopExample> x = ua.get(u).examples(), y = ub.get(u).examples();
            assertEquals(x.size(), y.size(), ua.get(u).label());
            for (int i = 0; i < x.size(); i++) assertEquals(x.get(i), y.get(i), ua.get(u).label() + " #" + i);
        }
        assertEquals(a.documents(), b.documents(), "document rows");
        assertEquals(a.summary(), b.summary(), "summary");
    }

    /** The CLI in a fresh JVM with this test's class path. */
    private static ProcessBuilder java(List<String> jvm, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx1g"));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    }

    private static int shardCount(Path shards) throws IOException {
        if (!Files.isDirectory(shards)) return 0;
        try (Stream<Path> s = Files.list(shards)) {
            return (int) s.filter(f -> f.getFileName().toString().endsWith(".json")).count();
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] c = new String[a.length + b.length + 1];
        c[0] = "scan";
        System.arraycopy(a, 0, c, 1, a.length);
        System.arraycopy(b, 0, c, 1 + a.length, b.length);
        return c;
    }

    @Test
    void scanWithAnSaeWritesFeaturesAndFeaturesScanLabelsWithTheTopContext() throws IOException {
        Path out = tmp.resolve("sae");
        String sae = SAMPLES.resolve("saes/attn-only-2l-resid0").toString();
        CliTest.Run r = CliTest.run("scan", "--model", ATTN, "--sae", sae, "--out", out.toString(), "--context", "128", "--top-k", "3", verses.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("SAE attn-only-2l-resid0 (blocks.0.hook_resid_post)") && r.out().contains("features.jsonl"), r.out());
        ScanResult res = ScanOutput.read(out);
        assertEquals(2048, res.features().size());
        assertEquals(List.of(Path.of(sae).toString()), res.summary().spec().saes());
        ScanResult.FeatureExamples top = res.features().stream().filter(f -> !f.examples().isEmpty()).findFirst().orElseThrow();
        assertTrue(top.examples().size() <= 3 && top.count() >= top.examples().size(), "top-k 3 contexts of " + top.feature());

        Path text = Files.writeString(tmp.resolve("t.txt"), "For unto which of the angels said he at any time");
        CliTest.Run plain = CliTest.run("features", "--model", ATTN, "--sae", sae, "--text", text.toString(), "--top", "1", "--json");
        CliTest.Run withScan = CliTest.run("features", "--model", ATTN, "--sae", sae, "--text", text.toString(), "--top", "1", "--json", "--scan", out.toString());
        assertEquals(0, withScan.code(), withScan.err());
        var tokens = JsonParser.parseString(withScan.out()).getAsJsonObject().getAsJsonArray("tokens");
        var plainTokens = JsonParser.parseString(plain.out()).getAsJsonObject().getAsJsonArray("tokens");
        int checked = 0;
        for (int i = 0; i < tokens.size(); i++) {
            var fs = tokens.get(i).getAsJsonObject().getAsJsonArray("features");
            if (fs.isEmpty()) continue;
            JsonObject f = fs.get(0).getAsJsonObject();
            String label = f.get("label").getAsString(), plainLabel = plainTokens.get(i).getAsJsonObject().getAsJsonArray("features").get(0).getAsJsonObject().get("label").getAsString();
            ScanResult.FeatureExamples fx = res.features().get(f.get("index").getAsInt());
            if (fx.examples().isEmpty()) {
                assertEquals(plainLabel, label);
                continue;
            }
            TopExample e = fx.examples().getFirst();
            assertTrue(label.startsWith(plainLabel) && label.contains("[" + e.tokens().get(e.focus()).replace("\n", " ") + "]"),
                    "label " + label + " adds the top context of " + fx.feature());
            checked++;
        }
        assertTrue(checked >= 3, "tokens checked: " + checked);
    }
}
