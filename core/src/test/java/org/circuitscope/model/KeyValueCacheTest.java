package org.circuitscope.model;

import static org.circuitscope.model.IncrementalForwardTest.edited;
import static org.circuitscope.model.IncrementalForwardTest.random;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The in-place cache an editor's successive versions share: after any sequence of edits
 * (appends, replacements at the end, in the middle, at the start, cuts, a writer cancelled
 * half-way), every cached row equals a full run of the current tokens, and each position's
 * score equals a float64 log-softmax of the full run's logits computed here.
 */
class KeyValueCacheTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.circuitscope.model.IncrementalForwardTest#configs")
    void everyRowEqualsAFullRunAfterEachEdit(ModelConfig cfg) {
        Transformer model = new Transformer(RandomWeights.generate(cfg, 5, 0.4));
        KeyValueCache kv = new KeyValueCache(cfg);
        int v = cfg.dVocab();
        int[] tokens = random(6, v, 1);
        extend(model, kv, tokens);
        int[][] edits = {
                // {first changed position, new length}
                {6, 9}, {8, 9}, {8, 12}, {4, 12}, {0, 11}, {11, 15}, {7, 7}, {7, 20},
        };
        for (int[] e : edits) {
            tokens = edited(tokens, e[0], e[1], v);
            assertEquals(Math.min(e[0], kv.length()), kv.reusablePrefix(tokens), "the first position to compute");
            extend(model, kv, tokens);
            assertMatchesFullRun(model, kv, tokens, "edit " + Arrays.toString(e));
        }
    }

    @Test
    void aWriterCancelledHalfWayLeavesOnlyTheUnchangedPrefixValid() {
        ModelConfig cfg = new ModelConfig("cancel", 3, 16, 2, 8, 24, 31, 24, ActFn.GELU_NEW, Normalization.LN, false, 1e-5, true);
        Transformer model = new Transformer(RandomWeights.generate(cfg, 2, 0.5));
        KeyValueCache kv = new KeyValueCache(cfg);
        int[] a = random(14, cfg.dVocab(), 3);
        extend(model, kv, a);
        int[] b = edited(a, 5, 16, cfg.dVocab());
        AtomicInteger layers = new AtomicInteger();
        // Cancelled at the start of layer 1 (its seventh checkpoint): layer 0's K, V and Q rows ≥ 5 already hold b's values.
        assertThrows(CancellationException.class, () -> IncrementalForward.extend(model, kv, b, 5, n -> false, () -> {
            if (layers.incrementAndGet() > 6) throw new CancellationException("edited again");
        }));
        assertEquals(5, kv.length(), "only the positions before the cancelled edit are valid");
        // Going back to a (an undo): the cache must not pass b's half-written rows off as a's.
        assertEquals(5, kv.reusablePrefix(a));
        extend(model, kv, a);
        assertMatchesFullRun(model, kv, a, "after the undo");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.circuitscope.model.IncrementalForwardTest#configs")
    void aTypingSizedWriterCancelledInItsUnembeddingKeepsItsRowsAndScoresThemWhenRead(ModelConfig cfg) {
        Transformer model = new Transformer(RandomWeights.generate(cfg, 7, 0.4));
        KeyValueCache kv = new KeyValueCache(cfg);
        int v = cfg.dVocab();
        int[] a = random(9, v, 11);
        extend(model, kv, a);
        // The last two tokens change (a tokenizer re-merging the end), and the edit is cancelled once its blocks are done.
        int[] b = edited(a, 7, 9, v);
        cancelledInTheUnembedding(model, kv, b, 7);
        assertEquals(9, kv.length(), "the blocks' rows are kept");
        assertArrayEquals(b, kv.tokens());
        // The next edit changes only the last token: it continues from the kept rows, and a reader of the
        // kept row before it (the early run's score of the new token) gets that row made first.
        int[] c = edited(b, 8, 9, v);
        assertEquals(8, kv.reusablePrefix(c));
        double[] lp = kv.logProbs(8);
        KeyValueCache.Score sc = kv.score(7, c[8]);
        extend(model, kv, c);
        assertMatchesFullRun(model, kv, c, "after a kept, unscored row");
        assertEquals(kv.logProbs(8)[7], lp[7], 1e-9, "the kept row's own score, made when read");
        assertEquals(kv.logProbs(9)[8], sc.logProb(), 1e-9, "the new token's score by the kept row, before the pass");

        // Kept, then read at once (a hover on the kept rows): every row and score as a full run's.
        int[] d = edited(c, 6, 10, v);
        cancelledInTheUnembedding(model, kv, d, 6);
        assertMatchesFullRun(model, kv, d, "kept rows read before any write");
        // An edit before the kept rows drops them unscored, and its own pass writes them again.
        int[] e = edited(d, 5, 10, v);
        cancelledInTheUnembedding(model, kv, e, 5);
        int[] f = edited(e, 2, 10, v);
        extend(model, kv, f);
        assertMatchesFullRun(model, kv, f, "after an edit before the kept rows");
    }

    @Test
    void aLongWriterCancelledInItsUnembeddingKeepsOnlyTheUnchangedPrefix() {
        ModelConfig cfg = new ModelConfig("long", 2, 16, 2, 8, 24, 31, 40, ActFn.GELU_NEW, Normalization.LN, false, 1e-5, true);
        Transformer model = new Transformer(RandomWeights.generate(cfg, 3, 0.5));
        KeyValueCache kv = new KeyValueCache(cfg);
        int[] a = random(30, cfg.dVocab(), 4);
        extend(model, kv, a);
        int[] b = edited(a, 3, 30, cfg.dVocab());
        cancelledInTheUnembedding(model, kv, b, 3);
        assertEquals(3, kv.length(), "27 rows to unembed later would cost the whole unembedding: not kept");
        extend(model, kv, b);
        assertMatchesFullRun(model, kv, b, "after the cancelled long write");
    }

    /** Runs {@code tokens} from {@code from}, cancelled at the first checkpoint after every block is done. */
    static void cancelledInTheUnembedding(Transformer model, KeyValueCache kv, int[] tokens, int from) {
        boolean[] blocksDone = {false};
        assertThrows(CancellationException.class, () -> IncrementalForward.extend(model, kv, tokens, from, n -> false, () -> {
            if (blocksDone[0]) throw new CancellationException("edited again");
        }, p -> blocksDone[0] = true));
        assertTrue(blocksDone[0], "the pass reached its unembedding");
    }

    @Test
    void aDerivedRowIsKeptUntilAWriteReachesItsPosition() {
        ModelConfig cfg = new ModelConfig("derived", 2, 16, 2, 8, 24, 31, 40, ActFn.GELU_NEW, Normalization.LN, false, 1e-5, true);
        Transformer model = new Transformer(RandomWeights.generate(cfg, 3, 0.5));
        KeyValueCache kv = new KeyValueCache(cfg);
        int[] a = random(12, cfg.dVocab(), 4);
        extend(model, kv, a);
        AtomicInteger made = new AtomicInteger();
        Object owner = new Object();
        java.util.function.IntFunction<float[]> at = p -> kv.derivedRow(p, "z0", owner, () -> {
            made.incrementAndGet();
            return Arrays.copyOfRange(kv.z(0), p * 16, p * 16 + 16);
        });
        float[] first = at.apply(6);
        assertSame(first, at.apply(6), "kept");
        assertEquals(1, made.get());
        assertNotSame(first, kv.derivedRow(6, "z0", new Object(), () -> new float[1]), "another owner's is its own");
        assertNotSame(first, kv.derivedRow(6, "other", owner, () -> new float[1]), "another name's is its own");
        extend(model, kv, edited(a, 9, 14, cfg.dVocab()));
        assertSame(first, at.apply(6), "an edit after the position leaves it");
        int[] b = edited(kv.tokens(), 6, 14, cfg.dVocab());
        extend(model, kv, b);
        float[] again = at.apply(6);
        assertEquals(2, made.get(), "an edit at the position drops it");
        assertArrayEquals(Arrays.copyOfRange(kv.z(0), 6 * 16, 6 * 16 + 16), again, "made from the new rows");
        for (int p = 0; p < 5; p++) at.apply(p);
        at.apply(6);
        assertEquals(8, made.get(), "only the last few positions are kept");
        // A position no commit covers (a pass still writing it) is made every time.
        at.apply(20);
        at.apply(20);
        assertEquals(10, made.get());
    }

    @Test
    void misuseIsRefusedWithTheReason() {
        ModelConfig cfg = new ModelConfig("bad", 1, 16, 2, 8, 0, 29, 16, ActFn.GELU_NEW, Normalization.LN, true, 1e-5, true);
        Transformer model = new Transformer(RandomWeights.generate(cfg, 6, 0.5));
        KeyValueCache kv = new KeyValueCache(cfg);
        int[] t = random(8, cfg.dVocab(), 8);
        var e = assertThrows(IllegalArgumentException.class, () -> IncrementalForward.extend(model, kv, t, 3, n -> false, null));
        assertTrue(e.getMessage().contains("agrees with these tokens on 0 positions"), e.getMessage());
        extend(model, kv, t);
        int[] other = t.clone();
        other[2] = (other[2] + 1) % cfg.dVocab();
        e = assertThrows(IllegalArgumentException.class, () -> IncrementalForward.extend(model, kv, other, 5, n -> false, null));
        assertTrue(e.getMessage().contains("on 2 positions"), e.getMessage());
        assertEquals(8, kv.length(), "a refused write changes nothing");
        ModelConfig bigger = new ModelConfig("bad", 1, 16, 2, 8, 0, 29, 24, ActFn.GELU_NEW, Normalization.LN, true, 1e-5, true);
        e = assertThrows(IllegalArgumentException.class,
                () -> IncrementalForward.extend(new Transformer(RandomWeights.generate(bigger, 6, 0.5)), kv, t, 0, n -> false, null));
        assertTrue(e.getMessage().contains("another model"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> kv.logits(8));
        assertThrows(IllegalArgumentException.class, () -> IncrementalForward.extend(model, kv, random(17, 29, 1), 0, n -> false, null),
                "longer than the context");
    }

    @Test
    void aFullRunRecordsTheNamedActivationsOfTheWholePrompt() {
        ModelConfig cfg = new ModelConfig("names", 2, 16, 2, 8, 24, 31, 24, ActFn.GELU, Normalization.LN, false, 1e-5, true);
        Transformer model = new Transformer(RandomWeights.generate(cfg, 4, 0.5));
        KeyValueCache kv = new KeyValueCache(cfg);
        int[] t = random(10, cfg.dVocab(), 5);
        ActivationCache full = model.runWithCache(t);
        Map<String, Tensor> first = IncrementalForward.extend(model, kv, t, 0, n -> true, null);
        assertFalse(first.containsKey(HookPoint.LOGITS), "the logits are in the cache's rows");
        for (String n : full.names()) if (!n.equals(HookPoint.LOGITS)) assertClose(n, full.get(n), first.get(n));
        Map<String, Tensor> next = IncrementalForward.extend(model, kv, edited(t, 9, 11, cfg.dVocab()), 9, n -> true, null);
        assertTrue(next.isEmpty(), "an edit records nothing: its old rows are only in the cache");
        assertArrayEquals(new int[] {2, cfg.dVocab()}, kv.logitRows(9, 11).shape(), "the new logits rows");
    }

    /**
     * Element-wise within 5e-5 of the tensor's largest magnitude: rows of one cache come from
     * passes over different row counts, possibly some on the scalar kernels and some on SIMD
     * (a fresh JVM switches when SIMD is compiled), so their float roundings differ by more than
     * one pass's; a wrong row is off by far more.
     */
    static void assertClose(String name, Tensor want, Tensor got) {
        assertArrayEquals(want.shape(), got.shape(), name + ": shape");
        float[] a = want.data(), b = got.data();
        double max = 1e-6;
        for (float v : a) max = Math.max(max, Math.abs(v));
        for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 5e-5 * max, name + "[" + i + "]");
    }

    static void extend(Transformer model, KeyValueCache kv, int[] tokens) {
        IncrementalForward.extend(model, kv, tokens, kv.reusablePrefix(tokens), n -> false, null);
        assertArrayEquals(tokens, kv.tokens());
    }

    /** K, V, Q, z, the final scale and the logits rows against a full run; scores against float64 arithmetic on its logits. */
    static void assertMatchesFullRun(Transformer model, KeyValueCache kv, int[] tokens, String where) {
        ModelConfig cfg = model.config();
        int t = tokens.length, w = cfg.nHeads() * cfg.dHead(), kvw = cfg.nKeyValueHeads() * cfg.dHead(), v = cfg.dVocab();
        int kvh = cfg.nKeyValueHeads();
        assertEquals(t, kv.length(), where);
        ActivationCache full = model.runWithCache(tokens);
        // The cache keeps queries and keys as attention used them: rotated, for rotary models.
        String q = cfg.rotary() ? "rot_q" : "q", k = cfg.rotary() ? "rot_k" : "k";
        for (int l = 0; l < cfg.nLayers(); l++) {
            assertClose(where + " k" + l, full.get(HookPoint.attn(l, k)), Tensor.of(Arrays.copyOf(kv.keys(l), t * kvw), t, kvh, cfg.dHead()));
            assertClose(where + " v" + l, full.get(HookPoint.attn(l, "v")), Tensor.of(Arrays.copyOf(kv.values(l), t * kvw), t, kvh, cfg.dHead()));
            assertClose(where + " q" + l, full.get(HookPoint.attn(l, q)), Tensor.of(Arrays.copyOf(kv.queries(l), t * w), t, cfg.nHeads(), cfg.dHead()));
            assertClose(where + " z" + l, full.get(HookPoint.attn(l, "z")), Tensor.of(Arrays.copyOf(kv.z(l), t * w), t, cfg.nHeads(), cfg.dHead()));
        }
        if (cfg.normalizationType() != Normalization.NONE) {
            assertClose(where + " final scale", full.get(HookPoint.LN_FINAL_SCALE), Tensor.of(Arrays.copyOf(kv.finalScale(), t), t, 1));
        }
        float[] logits = new float[t * v];
        for (int p = 0; p < t; p++) {
            KeyValueCache.LogitRow r = kv.logits(p);
            System.arraycopy(r.data(), r.offset(), logits, p * v, v);
        }
        assertClose(where + " logits", full.logits(), Tensor.of(logits, t, v));
        assertArrayEquals(logits, kv.logitRows(0, t).data(), where + ": the rows copied out are the rows read one by one");
        double[] lp = kv.logProbs(t);
        int[] rank = kv.ranks(t);
        assertTrue(Double.isNaN(lp[0]), "position 0 has no prediction");
        float[] f = full.logits().data();
        double scale = 1;
        for (float x : f) scale = Math.max(scale, Math.abs(x));
        for (int p = 1; p < t; p++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int i = 0; i < v; i++) max = Math.max(max, f[(p - 1) * v + i]);
            for (int i = 0; i < v; i++) sum += Math.exp(f[(p - 1) * v + i] - max);
            double want = f[(p - 1) * v + tokens[p]] - max - Math.log(sum);
            // The logits agree to 5e-5 of their largest magnitude (assertClose; some random models' run to thousands),
            // and a log-probability is a difference of two of them.
            assertEquals(want, lp[p], 1e-4 * scale + 1e-5, where + ": log-probability of position " + p);
            int higher = 0;
            float tol = (float) (5e-5 * scale);
            for (int i = 0; i < v; i++) if (f[(p - 1) * v + i] > f[(p - 1) * v + tokens[p]] + tol) higher++;
            assertTrue(rank[p] >= higher + 1 && rank[p] <= higher + 1 + countNear(f, (p - 1) * v, v, f[(p - 1) * v + tokens[p]], tol),
                    where + ": rank of position " + p);
        }
    }

    /** Entries within tol of x, other than x's own (ties a float rounding could order either way). */
    private static int countNear(float[] f, int off, int v, float x, float tol) {
        int n = -1;
        for (int i = 0; i < v; i++) if (Math.abs(f[off + i] - x) <= tol) n++;
        return n;
    }
}
