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
     * Threads do not change the arithmetic (each window runs on one thread, parts fold in
     * order), but the SIMD kernels' results move in the last float bits as the JIT recompiles
     * them (the Vector API's lane reductions add in another order interpreted than compiled), so
     * two scans in one JVM agree to about 1e-8, whatever the thread count. With the scalar
     * kernels they agree bit for bit: the CLI test checks that in fresh JVMs.
     */
    @Test
    void oneAndTwoThreadsGiveTheResultOfDocumentByDocumentScans(@TempDir Path tmp) throws IOException {
        ScanRunner.Outcome one = ScanRunner.run(model, SPEC, docs, tmp.resolve("t1"), new ScanRunner.Options(1, 200, 0), QUIET);
        ScanRunner.Outcome two = ScanRunner.run(model, SPEC, docs, tmp.resolve("t2"), new ScanRunner.Options(2, 200, 0), QUIET);
        assertTrue(one.shards() > 2, "several shards: " + one.shards());
        assertSameResult(one.result(), two.result());
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
        assertSameResult(whole.result(), rest.result());
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

    /**
     * The same scan, allowing for the kernels' last-bit differences between a cold and a warm JVM
     * (see above): the same documents, the same example contexts, numbers within 1e-5.
     */
    static void assertSameResult(ScanResult a, ScanResult b) {
        assertStatsClose(a, b, 1e-5);
        assertEquals(a.documents().size(), b.documents().size());
        for (int i = 0; i < a.documents().size(); i++) {
            DocumentRow x = a.documents().get(i), y = b.documents().get(i);
            assertEquals(x.id(), y.id());
            assertEquals(x.predicted(), y.predicted());
            assertEquals(x.meanLoss(), y.meanLoss(), 1e-5, x.id());
            assertEquals(x.surprisalBits().p90(), y.surprisalBits().p90(), 1e-4, x.id());
        }
        assertSameExamples(a.headExamples(), b.headExamples());
        assertSameExamples(a.neuronExamples(), b.neuronExamples());
    }

    /**
     * Same scores rank by rank; the same contexts except among examples whose scores tie within
     * the kernels' jitter (documents that start alike have equal activations there, and the
     * tie-break by document id then sees the jitter).
     */
    static void assertSameExamples(List<ScanResult.UnitExamples> a, List<ScanResult.UnitExamples> b) {
        assertEquals(a.size(), b.size());
        for (int u = 0; u < a.size(); u++) {
            List<TopExample> x = a.get(u).examples(), y = b.get(u).examples();
            assertEquals(x.size(), y.size(), a.get(u).label());
            for (int i = 0; i < x.size(); i++) {
                assertEquals(x.get(i).score(), y.get(i).score(), 1e-5, a.get(u).label() + " #" + i);
                boolean tied = i == x.size() - 1; // the last place may go to an equal score beyond the list
                for (int k = 0; k < x.size(); k++) tied |= k != i && Math.abs(x.get(k).score() - x.get(i).score()) < 1e-5;
                if (tied) continue;
                assertEquals(x.get(i).document() + "@" + x.get(i).position(), y.get(i).document() + "@" + y.get(i).position(), a.get(u).label() + " #" + i);
                assertEquals(x.get(i).tokens(), y.get(i).tokens());
            }
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
