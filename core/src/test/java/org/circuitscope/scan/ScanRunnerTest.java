package org.circuitscope.scan;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.model.ModelConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Merging, threads, shards and resuming: each must leave the result unchanged. */
class ScanRunnerTest {
    static final ScanSpec SPEC = new ScanSpec(48, 32, 4, true, 16, 4);
    static LoadedModel model;
    static List<CorpusDocument> docs;

    @BeforeAll
    static void load() throws IOException {
        model = ScanAggregatesTest.load("gelu-2l");
        docs = ScanAggregatesTest.verses(16);
    }

    @AfterAll
    static void close() { model.close(); }

    static final ScanRunner.Listener QUIET = (done, total, skipped) -> {};

    @Test
    void mergeOrderDoesNotChangeTheResult() {
        ModelConfig c = model.config();
        DocumentScanner s = new DocumentScanner(model, SPEC);
        List<ScanPartial> parts = new ArrayList<>();
        for (CorpusDocument d : docs) parts.add(s.scan(d));
        ScanResult inOrder = ScanOutput.result(mergeAll(c, parts), SPEC, c);
        for (long seed = 1; seed <= 3; seed++) {
            List<ScanPartial> shuffled = new ArrayList<>(parts);
            Collections.shuffle(shuffled, new Random(seed));
            // Fresh copies: merge adds into its receiver.
            List<ScanPartial> copies = shuffled.stream().map(p -> ScanPartial.fromJson(p.toJson())).toList();
            // Also a tree of merges rather than a chain.
            ScanPartial left = mergeAll(c, copies.subList(0, copies.size() / 2)), right = mergeAll(c, copies.subList(copies.size() / 2, copies.size()));
            ScanResult shuffledResult = ScanOutput.result(right.merge(left), SPEC, c);
            assertTrue(inOrder.documents().equals(shuffledResult.documents()), "rows, in id order");
            assertTrue(inOrder.headExamples().equals(shuffledResult.headExamples()), "head top lists");
            assertTrue(inOrder.neuronExamples().equals(shuffledResult.neuronExamples()), "neuron top lists");
            assertStatsClose(inOrder, shuffledResult, 1e-12);
        }
    }

    @Test
    void aMergedPartialRoundTripsThroughJson() {
        ModelConfig c = model.config();
        DocumentScanner s = new DocumentScanner(model, SPEC);
        ScanPartial p = mergeAll(c, List.of(s.scan(docs.get(0)), s.scan(docs.get(1))));
        assertTrue(ScanOutput.result(p, SPEC, c).equals(ScanOutput.result(ScanPartial.fromJson(p.toJson()), SPEC, c)));
        assertEquals(SPEC, ScanSpec.fromJson(SPEC.toJson()));
    }

    /**
     * Threads do not change the arithmetic: each window runs on one thread, its kernels sum every
     * element in one fixed order (whatever the thread, the JIT tier or the product's shape), and
     * the parts fold in window and document order. One and two threads give the same result bit
     * for bit; document-by-document scans merged in a chain give the same document rows and top
     * lists bit for bit, and corpus means that differ only by the grouping of float64 sums.
     */
    @Test
    void oneAndTwoThreadsGiveTheResultOfDocumentByDocumentScans(@TempDir Path tmp) throws IOException {
        ScanRunner.Outcome one = ScanRunner.run(model, SPEC, docs, tmp.resolve("t1"), new ScanRunner.Options(1, 200, 0), QUIET);
        ScanRunner.Outcome two = ScanRunner.run(model, SPEC, docs, tmp.resolve("t2"), new ScanRunner.Options(2, 200, 0), QUIET);
        assertTrue(one.shards() > 2, "several shards: " + one.shards());
        assertIdentical(one.result(), two.result());
        ModelConfig c = model.config();
        DocumentScanner s = new DocumentScanner(model, SPEC);
        List<ScanPartial> parts = new ArrayList<>();
        for (CorpusDocument d : docs) parts.add(s.scan(d));
        assertSameResult(ScanOutput.result(mergeAll(c, parts), SPEC, c), two.result());
    }

    @Test
    void anInterruptedScanResumesToTheSameResult(@TempDir Path tmp) throws IOException {
        ScanRunner.Outcome whole = ScanRunner.run(model, SPEC, docs, tmp.resolve("whole"), new ScanRunner.Options(2, 300, 0), QUIET);
        Path dir = tmp.resolve("resumed");
        ScanRunner.Outcome first = ScanRunner.run(model, SPEC, docs, dir, new ScanRunner.Options(2, 300, 1), QUIET);
        assertFalse(first.complete());
        assertEquals(1, first.shardsRun());
        assertFalse(Files.exists(dir.resolve(ScanOutput.SUMMARY)), "no summary until every shard is done");
        long[] skipped = {-1};
        ScanRunner.Outcome rest = ScanRunner.run(model, SPEC, docs, dir, new ScanRunner.Options(1, 300, 0), (d, t, s) -> skipped[0] = s);
        assertTrue(rest.complete());
        assertEquals(1, rest.shardsSkipped());
        assertEquals(whole.shards() - 1, rest.shardsRun());
        assertTrue(skipped[0] > 0, "the finished shard's tokens count as skipped");
        assertIdentical(whole.result(), rest.result());
        assertTrue(rest.result().equals(ScanOutput.read(dir)), "read gives back what was written");
    }

    @Test
    void anotherSpecModelOrCorpusInTheSameDirectoryIsRefused(@TempDir Path tmp) throws IOException {
        ScanRunner.run(model, SPEC, docs.subList(0, 3), tmp, new ScanRunner.Options(1, 1000, 0), QUIET);
        ScanSpec other = new ScanSpec(48, 32, 5, true, 16, 4);
        var e = assertThrows(IllegalArgumentException.class,
                () -> ScanRunner.run(model, other, docs.subList(0, 3), tmp, new ScanRunner.Options(1, 1000, 0), QUIET));
        assertTrue(e.getMessage().contains("holds another scan") && e.getMessage().contains("spec"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ScanRunner.run(model, SPEC, docs.subList(0, 4), tmp, new ScanRunner.Options(1, 1000, 0), QUIET));
        assertTrue(e.getMessage().contains("corpus"), e.getMessage());
        try (LoadedModel attnOnly = ScanAggregatesTest.load("attn-only-2l")) {
            e = assertThrows(IllegalArgumentException.class,
                    () -> ScanRunner.run(attnOnly, SPEC, docs.subList(0, 3), tmp, new ScanRunner.Options(1, 1000, 0), QUIET));
            assertTrue(e.getMessage().contains("model"), e.getMessage());
        }
    }

    @Test
    void aContextLongerThanNCtxIsOneClearError() {
        var e = assertThrows(IllegalArgumentException.class, () -> new DocumentScanner(model, ScanSpec.of(257, true)));
        assertTrue(e.getMessage().contains("n_ctx 256"), e.getMessage());
    }

    static ScanPartial mergeAll(ModelConfig c, List<ScanPartial> parts) {
        ScanPartial p = ScanPartial.empty(c, SPEC);
        for (ScanPartial x : parts) p.merge(x);
        return p;
    }

    /** Bit for bit the same result: the same shards folded alike, on any threads. */
    static void assertIdentical(ScanResult a, ScanResult b) {
        assertSameResult(a, b);
        assertEquals(a.summary(), b.summary(), "summary, bit for bit");
        assertTrue(a.equals(b));
    }

    /**
     * The same documents and top lists bit for bit (each is computed from one document's windows),
     * corpus means to 1e-12: their float64 sums may be grouped differently (shards, merge trees).
     */
    static void assertSameResult(ScanResult a, ScanResult b) {
        assertStatsClose(a, b, 1e-12);
        assertEquals(a.documents(), b.documents(), "document rows");
        assertSameExamples(a.headExamples(), b.headExamples());
        assertSameExamples(a.neuronExamples(), b.neuronExamples());
    }

    /** The same examples in the same order with the same scores, no tie excepted; fails naming the first difference. */
    static void assertSameExamples(List<ScanResult.UnitExamples> a, List<ScanResult.UnitExamples> b) {
        assertEquals(a.size(), b.size(), "units");
        for (int u = 0; u < a.size(); u++) {
            List<TopExample> x = a.get(u).examples(), y = b.get(u).examples();
            assertEquals(a.get(u).label(), b.get(u).label(), "unit order");
            assertEquals(x.size(), y.size(), a.get(u).label());
            for (int i = 0; i < x.size(); i++) assertEquals(x.get(i), y.get(i), a.get(u).label() + " #" + i);
        }
    }

    static void assertStatsClose(ScanResult a, ScanResult b, double tol) {
        assertEquals(a.summary().predictedTokens(), b.summary().predictedTokens());
        assertEquals(a.summary().windows(), b.summary().windows());
        assertEquals(a.summary().meanLoss(), b.summary().meanLoss(), tol);
        for (int i = 0; i < a.summary().heads().size(); i++) {
            var x = a.summary().heads().get(i);
            var y = b.summary().heads().get(i);
            assertEquals(x.induction(), y.induction(), tol);
            assertEquals(x.previousToken(), y.previousToken(), tol);
            assertEquals(x.duplicateToken(), y.duplicateToken(), tol);
            assertEquals(x.attentionEntropy(), y.attentionEntropy(), tol);
            assertEquals(x.directLogitAttribution(), y.directLogitAttribution(), tol);
        }
    }
}
