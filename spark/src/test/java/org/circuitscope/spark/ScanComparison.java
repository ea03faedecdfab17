package org.circuitscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.scan.Corpus;
import org.circuitscope.scan.CorpusDocument;
import org.circuitscope.scan.DocumentRow;
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
     * The two scans run the same float32 kernels, but not bit for bit alike: a Spark task runs
     * them on its own thread, the single-machine scan on the worker pool's threads (which split
     * products differently), and the Vector API's lane reductions may add in another order once
     * the JIT has compiled them. Single activations differ by a few float32 ulps (1e-6 relative),
     * means by less.
     */
    private static final double TOLERANCE = 1e-5;

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
        assertEquals(expected.documents().size(), actual.documents().size(), "document rows");
        for (int i = 0; i < expected.documents().size(); i++) {
            DocumentRow ed = expected.documents().get(i), ad = actual.documents().get(i);
            assertEquals(ed.id(), ad.id(), "document order");
            assertEquals(ed.tokens(), ad.tokens(), ed.id() + " tokens");
            assertEquals(ed.predicted(), ad.predicted(), ed.id() + " predicted");
            assertEquals(ed.meanLoss(), ad.meanLoss(), tol(ed.meanLoss()), ed.id() + " mean loss");
            assertEquals(ed.surprisalBits().p90(), ad.surprisalBits().p90(), tol(ed.surprisalBits().p90()), ed.id() + " surprisal p90");
        }
        assertSameExamples(expected.headExamples(), actual.headExamples());
        assertSameExamples(expected.neuronExamples(), actual.neuronExamples());
    }

    /**
     * The same top lists: rank by rank the same score (to tolerance) and the same example
     * (document, position, its context tokens), except where examples tie to tolerance: every
     * document's BOS row, for one, scores alike, and there the order of near-equal floats decides.
     * Tied examples may then trade places, or at the end of a list, trade with one left out.
     */
    private static void assertSameExamples(List<ScanResult.UnitExamples> expected, List<ScanResult.UnitExamples> actual) {
        assertEquals(expected.size(), actual.size(), "units with top examples");
        for (int u = 0; u < expected.size(); u++) {
            var eu = expected.get(u);
            var au = actual.get(u);
            String unit = eu.label();
            assertEquals(unit, au.label(), "unit order");
            assertEquals(eu.hook(), au.hook(), unit + " hook");
            List<TopExample> ex = eu.examples(), ax = au.examples();
            assertEquals(ex.size(), ax.size(), unit + " examples");
            for (int i = 0; i < ex.size(); i++) {
                TopExample e = ex.get(i), a = ax.get(i);
                String at = unit + " example " + i + " of " + where(ex) + " vs " + where(ax);
                assertEquals(e.score(), a.score(), tol(e.score()), at + ": score");
                if (same(e, a)) continue;
                assertTrue(tied(ex, i), at + ": a different example where no other scores alike");
                TopExample twin = ax.stream().filter(x -> same(x, e)).findFirst().orElse(null);
                if (twin != null) assertEquals(e.score(), twin.score(), tol(e.score()), at + ": score of the same example");
                else assertTrue(Math.abs(e.score() - ex.getLast().score()) <= tol(e.score()), at + ": left out, yet it ties nothing at the list's end");
            }
        }
    }

    private static boolean same(TopExample e, TopExample a) {
        return e.document().equals(a.document()) && e.position() == a.position() && e.token() == a.token() && e.target() == a.target()
                && e.tokens().equals(a.tokens()) && e.focus() == a.focus();
    }

    /** Another example of the list, or the one just past its end, scores alike. */
    private static boolean tied(List<TopExample> list, int i) {
        if (i == list.size() - 1) return true;
        for (int j = 0; j < list.size(); j++) {
            if (j != i && Math.abs(list.get(j).score() - list.get(i).score()) <= tol(list.get(i).score())) return true;
        }
        return false;
    }

    private static double tol(double x) { return TOLERANCE * Math.max(1, Math.abs(x)); }

    private static String where(List<TopExample> examples) {
        return examples.stream().map(x -> x.document() + "@" + x.position()).toList().toString();
    }
}
