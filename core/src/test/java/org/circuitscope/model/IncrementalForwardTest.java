package org.circuitscope.model;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The incremental pass against a full forward of the edited prompt, activation by activation. */
class IncrementalForwardTest {
    static final int T = 12;

    static Stream<Arguments> configs() {
        List<Arguments> args = new ArrayList<>();
        for (Normalization n : Normalization.values()) {
            for (boolean attnOnly : new boolean[] {true, false}) {
                args.add(Arguments.of(new ModelConfig("inc", 3, 24, 3, 8, attnOnly ? 0 : 40, 37, 20, ActFn.GELU_NEW, n, attnOnly, 1e-5, true)));
            }
        }
        // A vocabulary of more than two unembedding blocks (8,192 columns each), the last one partial.
        args.add(Arguments.of(new ModelConfig("wide-vocab", 1, 16, 2, 8, 32, 2 * 8192 + 37, 20, ActFn.GELU_NEW, Normalization.LN_PRE, false, 1e-5, true)));
        for (ModelConfig f : Families.all()) args.add(Arguments.of(f));
        return args.stream();
    }

    static int[] random(int n, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = r.nextInt(vocab);
        return t;
    }

    /** {@code before} with its tokens from {@code p} on replaced by {@code newLength - p} different ones. */
    static int[] edited(int[] before, int p, int newLength, int vocab) {
        int[] after = Arrays.copyOf(before, newLength);
        int[] fresh = random(newLength, vocab, 99 + p);
        for (int i = p; i < newLength; i++) after[i] = i < before.length && fresh[i] == before[i] ? (fresh[i] + 1) % vocab : fresh[i];
        return after;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void aFullPassRecordsEveryActivationOfAFullRunAndEditsGiveItsLogitsRowsForEdgeAndMiddleStarts(ModelConfig cfg) {
        Transformer model = new Transformer(RandomWeights.generate(cfg, 5, 0.4));
        int[] before = random(T, cfg.dVocab(), 1);
        ActivationCache full = model.runWithCache(before);
        KeyValueCache first = new KeyValueCache(cfg);
        Map<String, Tensor> c = IncrementalForward.extend(model, first, before, 0, n -> true, null);
        List<String> names = new ArrayList<>(full.names());
        names.remove(HookPoint.LOGITS);
        assertEquals(names, List.copyOf(c.keySet()), "the same activations, in forward order (logits apart)");
        for (String n : names) assertClose(n, full.get(n), c.get(n));
        assertClose("logits", full.logits(), first.logitRows(0, T));
        int v = cfg.dVocab();
        for (int p : new int[] {1, T / 2, T - 1, T}) {
            for (int newLength : new int[] {T, T + 3, Math.max(p + 1, T - 2)}) {
                KeyValueCache kv = new KeyValueCache(cfg);
                IncrementalForward.extend(model, kv, before, 0, n -> false, null);
                int[] after = edited(before, p, newLength, v);
                String where = "p=" + p + ", length " + T + "→" + newLength;
                Tensor rowsBefore = kv.logitRows(0, p);
                Map<String, Tensor> inc = IncrementalForward.extend(model, kv, after, p, n -> true, null);
                float[] want = model.forward(after).data();
                assertClose(where + ", logits rows from p", Tensor.of(Arrays.copyOfRange(want, p * v, newLength * v), newLength - p, v), kv.logitRows(p, newLength));
                assertArrayEquals(rowsBefore.data(), kv.logitRows(0, p).data(), where + ": rows before p are not touched");
                assertTrue(inc.isEmpty(), where + ": an edit records nothing (its earlier rows are only in the cache)");
                assertArrayEquals(after, kv.tokens(), where);
            }
        }
    }

    /**
     * Each kind of edit leaves the cache as the float64 reference computes the edited prompt from
     * scratch (a first pass from position 0, an append at the end, a replacement in the middle):
     * every position's keys and queries as attention used them (rotated, for rotary models),
     * values, z, final scale and logits, the rows an edit kept as well as the ones it recomputed.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void editsLeaveTheCacheAsTheFloat64ReferenceOfTheEditedPrompt(ModelConfig cfg) {
        Weights w = RandomWeights.generate(cfg, 9, 0.3);
        Transformer model = new Transformer(w);
        int v = cfg.dVocab();
        KeyValueCache kv = new KeyValueCache(cfg);
        int[] first = random(T, v, 4);
        IncrementalForward.extend(model, kv, first, 0, n -> false, null);
        assertCacheMatchesTheReference(w, kv, first, "from position 0");
        int[] appended = edited(first, T, T + 2, v);
        IncrementalForward.extend(model, kv, appended, T, n -> false, null);
        assertCacheMatchesTheReference(w, kv, appended, "appended");
        int[] middle = edited(appended, T / 2, T + 1, v);
        IncrementalForward.extend(model, kv, middle, T / 2, n -> false, null);
        assertCacheMatchesTheReference(w, kv, middle, "edited in the middle");
    }

    static void assertCacheMatchesTheReference(Weights w, KeyValueCache kv, int[] tokens, String where) {
        ModelConfig cfg = w.config();
        assertArrayEquals(tokens, kv.tokens(), where);
        Map<String, double[]> ref = new ReferenceTransformer(w).run(tokens);
        int t = tokens.length, hd = cfg.nHeads() * cfg.dHead(), kvd = cfg.nKeyValueHeads() * cfg.dHead();
        String q = cfg.rotary() ? "rot_q" : "q", k = cfg.rotary() ? "rot_k" : "k";
        for (int l = 0; l < cfg.nLayers(); l++) {
            TransformerTest.assertClose(where + ": keys " + l, ref.get(HookPoint.attn(l, k)), Tensor.of(Arrays.copyOf(kv.keys(l), t * kvd), t, kvd));
            TransformerTest.assertClose(where + ": values " + l, ref.get(HookPoint.attn(l, "v")), Tensor.of(Arrays.copyOf(kv.values(l), t * kvd), t, kvd));
            TransformerTest.assertClose(where + ": queries " + l, ref.get(HookPoint.attn(l, q)), Tensor.of(Arrays.copyOf(kv.queries(l), t * hd), t, hd));
            TransformerTest.assertClose(where + ": z " + l, ref.get(HookPoint.attn(l, "z")), Tensor.of(Arrays.copyOf(kv.z(l), t * hd), t, hd));
        }
        if (cfg.normalizationType() != Normalization.NONE) {
            TransformerTest.assertClose(where + ": final scale", ref.get(HookPoint.LN_FINAL_SCALE), Tensor.of(Arrays.copyOf(kv.finalScale(), t), t, 1));
        }
        TransformerTest.assertClose(where + ": logits", ref.get(HookPoint.LOGITS), kv.logitRows(0, t));
    }

    /**
     * A pass that records a pattern but not the scores it came from (the softmax then overwrites
     * them) or a post-activation but not the pre-activation, and the other way round, records
     * what the model's own forward pass records when asked for the same (a run that records
     * every head's result sums the attention output in another order, so not runWithCache).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void recordingOnlySomeActivationsGivesTheFullRunsValues(ModelConfig cfg) {
        Transformer model = new Transformer(RandomWeights.generate(cfg, 7, 0.4));
        int[] tokens = random(T, cfg.dVocab(), 3);
        for (String kind : new String[] {"output", "input"}) {
            List<String> want = new ArrayList<>();
            for (int l = 0; l < cfg.nLayers(); l++) {
                want.add(kind.equals("output") ? HookPoint.attn(l, "pattern") : HookPoint.attn(l, "attn_scores"));
                if (!cfg.attnOnly()) want.add(kind.equals("output") ? HookPoint.mlp(l, "post") : HookPoint.mlp(l, "pre"));
            }
            ActivationCache full = model.run(tokens, new RunOptions(want::contains, java.util.Map.of()));
            KeyValueCache kv = new KeyValueCache(cfg);
            Map<String, Tensor> c = IncrementalForward.extend(model, kv, tokens, 0, want::contains, null);
            assertEquals(want, List.copyOf(c.keySet()), kind + ": what was asked, nothing else");
            for (String n : want) assertClose(kind + ": " + n, full.get(n), c.get(n));
            assertClose(kind + ": logits", full.logits(), kv.logitRows(0, T));
        }
    }

    @Test
    void aShortenedPromptComputesNothingAndKeepsTheRowsBeforeTheCut() {
        ModelConfig cfg = new ModelConfig("cut", 2, 16, 2, 8, 0, 29, 16, ActFn.GELU_NEW, Normalization.LN_PRE, true, 1e-5, true);
        Transformer model = new Transformer(RandomWeights.generate(cfg, 6, 0.5));
        int[] before = random(10, cfg.dVocab(), 8), after = Arrays.copyOf(before, 6);
        KeyValueCache kv = new KeyValueCache(cfg);
        IncrementalForward.extend(model, kv, before, 0, n -> false, null);
        Map<String, Tensor> inc = IncrementalForward.extend(model, kv, after, 6, n -> true, null);
        assertTrue(inc.isEmpty(), "nothing computed, nothing recorded");
        assertEquals(6, kv.length());
        KeyValueCacheTest.assertMatchesFullRun(model, kv, after, "after the cut");
    }

    static void assertClose(String name, Tensor want, Tensor got) {
        assertArrayEquals(want.shape(), got.shape(), name + ": shape");
        float[] a = want.data(), b = got.data();
        double max = 1e-6;
        for (float v : a) if (Float.isFinite(v)) max = Math.max(max, Math.abs(v));
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                assertEquals(a[i], b[i], name + "[" + i + "]: masked entry");
                continue;
            }
            // Two float32 runs that may sum in other orders (scalar or SIMD kernels, another row
            // count): without normalisation the difference grows with the stream, to ~1.3e-5 of it seen.
            assertEquals(a[i], b[i], 1e-4 * max + 1e-6, name + "[" + i + "]");
        }
    }
}
