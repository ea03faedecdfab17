package org.circuitscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.scan.Corpus;
import org.circuitscope.scan.CorpusDocument;
import org.circuitscope.scan.DocumentScanner;
import org.circuitscope.scan.ScanOutput;
import org.circuitscope.scan.ScanPartial;
import org.circuitscope.scan.ScanResult;
import org.circuitscope.scan.ScanSpec;
import org.circuitscope.scan.TopExample;

/**
 * The shared fixture of the Spark tests: a held-out KJV book cut into documents, the
 * single-machine scan of it (every document through {@link DocumentScanner} on this thread,
 * merged in corpus order), and the comparison of a Spark scan's output directory with it.
 */
final class ScanComparison {
    static final Path SAMPLES = Path.of("..", "samples").toAbsolutePath().normalize();
    static final Path GELU_2L = SAMPLES.resolve("models/gelu-2l");
    /**
     * The two scans compute every activation to the same bits: a Spark task runs the kernels on
     * its own thread, the single-machine scan on the worker pool's threads, but the kernels sum
     * each element in one fixed order whatever the thread, JIT tier or product shape, and both
     * wait for the SIMD kernels before their first window. Document rows and top lists are
     * therefore equal exactly; only corpus means differ, by the grouping of their float64 sums
     * (Spark merges partitions in a tree, the single-machine scan in corpus order).
     */
    private static final double TOLERANCE = 1e-12;

    private ScanComparison() {}

    /** Hebrews, ten verses-lines per document, as JSONL ({"id", "text"}) in {@code dir}. */
    static Path hebrewsJsonl(Path dir) throws IOException {
        List<String> lines = Files.readAllLines(SAMPLES.resolve("prompts/hebrews-heldout.txt"));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i += 10) {
            String text = String.join("\n", lines.subList(i, Math.min(lines.size(), i + 10)));
            var doc = new com.google.gson.JsonObject();
            doc.addProperty("id", "hebrews-" + (char) ('a' + i / 10));
            doc.addProperty("text", text);
            out.add(doc.toString());
        }
        return Files.write(dir.resolve("hebrews.jsonl"), out);
    }

    /** The single-machine scan: each document scanned in turn, partials merged in corpus order. */
    static ScanResult singleMachine(Path model, ScanJobArgs args) throws IOException {
        try (LoadedModel m = ModelDirectory.load(model)) {
            ScanSpec spec = args.spec(m.config());
            DocumentScanner scanner = new DocumentScanner(m, spec);
            ScanPartial total = ScanPartial.empty(m.config(), spec);
            for (CorpusDocument doc : Corpus.read(args.inputs())) total.merge(scanner.scan(doc));
            return ScanOutput.result(total, spec, m.config());
        }
    }

    /** Fails naming the first difference between the Spark scan's output and the single-machine scan. */
    static void assertSameScan(ScanResult expected, ScanResult actual) {
        var e = expected.summary();
        var a = actual.summary();
        assertEquals(e.spec(), a.spec(), "spec");
        assertEquals(e.model(), a.model(), "model");
        assertEquals(e.documents(), a.documents(), "documents");
        assertEquals(e.tokens(), a.tokens(), "tokens");
        assertEquals(e.predictedTokens(), a.predictedTokens(), "predicted tokens");
        assertEquals(e.windows(), a.windows(), "windows");
        assertEquals(e.meanLoss(), a.meanLoss(), tol(e.meanLoss()), "mean loss");
        assertEquals(e.heads().size(), a.heads().size(), "heads");
        for (int i = 0; i < e.heads().size(); i++) {
            var eh = e.heads().get(i);
            var ah = a.heads().get(i);
            String at = eh.label() + " ";
            assertEquals(eh.label(), ah.label(), "head order");
            assertEquals(eh.previousToken(), ah.previousToken(), tol(eh.previousToken()), at + "previous-token score");
            assertEquals(eh.duplicateToken(), ah.duplicateToken(), tol(eh.duplicateToken()), at + "duplicate-token score");
            assertEquals(eh.induction(), ah.induction(), tol(eh.induction()), at + "induction score");
            assertEquals(eh.attentionEntropy(), ah.attentionEntropy(), tol(eh.attentionEntropy()), at + "attention entropy");
            assertEquals(eh.directLogitAttribution(), ah.directLogitAttribution(), tol(eh.directLogitAttribution()), at + "direct logit attribution");
        }
        assertEquals(expected.documents(), actual.documents(), "document rows");
        assertSameExamples(expected.headExamples(), actual.headExamples());
        assertSameExamples(expected.neuronExamples(), actual.neuronExamples());
    }

    /** The same examples in the same order with the same scores, no tie excepted. */
    private static void assertSameExamples(List<ScanResult.UnitExamples> expected, List<ScanResult.UnitExamples> actual) {
        assertEquals(expected.size(), actual.size(), "units with top examples");
        for (int u = 0; u < expected.size(); u++) {
            var eu = expected.get(u);
            var au = actual.get(u);
            String unit = eu.label();
            assertEquals(unit, au.label(), "unit order");
            assertEquals(eu.hook(), au.hook(), unit + " hook");
            List<TopExample> ex = eu.examples(), ax = au.examples();
            assertEquals(where(ex), where(ax), unit + " examples");
            for (int i = 0; i < ex.size(); i++) assertEquals(ex.get(i), ax.get(i), unit + " example " + i);
        }
    }

    private static double tol(double x) { return TOLERANCE * Math.max(1, Math.abs(x)); }

    private static String where(List<TopExample> examples) {
        return examples.stream().map(x -> x.document() + "@" + x.position()).toList().toString();
    }
}
