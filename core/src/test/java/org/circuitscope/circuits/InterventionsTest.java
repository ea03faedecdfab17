package org.circuitscope.circuits;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;

/*
 * Equalities are checked to 1e-5, not bit for bit: two forward passes of the same inputs can
 * round differently while the JIT is still compiling the Vector API kernels (their reductions
 * sum in another order interpreted than compiled). A broken patch or ablation moves logits by
 * far more than that.
 */
class InterventionsTest {
    static final ModelConfig CFG = new ModelConfig("iv", 2, 16, 3, 8, 32, 30, 16, ActFn.GELU_NEW, Normalization.LN, false, 1e-5, true);
    static final Weights W = RandomWeights.generate(CFG, 12, 0.4);
    static final Transformer M = new Transformer(W);
    static final int[] A = {1, 5, 9, 5, 9, 12, 3}, B = {1, 7, 2, 7, 2, 20, 8};

    /** W_O of the given heads zeroed and, when {@code meanZ} is given, b_O raised by mean(z)·W_O: the same intervention in the weights. */
    static Transformer withHeadsRewritten(List<HeadIndex> heads, ActivationCache clean) {
        Map<String, Tensor> repl = new java.util.HashMap<>();
        int d = CFG.dModel(), dh = CFG.dHead(), nh = CFG.nHeads();
        for (HeadIndex h : heads) {
            String wo = "blocks." + h.layer() + ".attn.W_O", bo = "blocks." + h.layer() + ".attn.b_O";
            Tensor o = repl.getOrDefault(wo, W.get(wo).copy()), b = repl.getOrDefault(bo, W.get(bo).copy());
            if (clean != null) {
                float[] z = clean.get("blocks." + h.layer() + ".attn.hook_z").data();
                int t = z.length / (nh * dh);
                for (int e = 0; e < dh; e++) {
                    double m = 0;
                    for (int p = 0; p < t; p++) m += z[(p * nh + h.head()) * dh + e];
                    m /= t;
                    for (int i = 0; i < d; i++) b.data()[i] += (float) (m * o.data()[(h.head() * dh + e) * d + i]);
                }
            }
            java.util.Arrays.fill(o.data(), h.head() * dh * d, (h.head() + 1) * dh * d, 0f);
            repl.put(wo, o);
            repl.put(bo, b);
        }
        return new Transformer(W.with(CFG, repl));
    }

    @Test
    void zeroAblationEqualsZeroingTheHeadsOutputWeights() {
        List<HeadIndex> heads = HeadIndex.parseList("L1H2,0.1", CFG);
        assertEquals(List.of(new HeadIndex(1, 2), new HeadIndex(0, 1)), heads);
        Tensor got = Ablation.logits(M, A, heads, Ablation.Mode.ZERO);
        Tensor want = withHeadsRewritten(heads, null).forward(A);
        assertArrayEquals(want.data(), got.data(), 1e-5f);
        assertFalse(java.util.Arrays.equals(M.forward(A).data(), got.data()), "ablating changed something");
    }

    @Test
    void meanAblationEqualsMovingTheHeadsMeanOutputIntoTheBias() {
        List<HeadIndex> heads = List.of(new HeadIndex(0, 0), new HeadIndex(1, 1));
        ActivationCache clean = M.runWithCache(A);
        Tensor got = Ablation.logits(M, A, heads, Ablation.Mode.MEAN);
        Tensor want = withHeadsRewritten(heads, clean).forward(A);
        assertArrayEquals(want.data(), got.data(), 1e-4f);
    }

    @Test
    void ablationReportsTheNextTokenLogprobChangePerPosition() {
        List<HeadIndex> heads = List.of(new HeadIndex(1, 0));
        Ablation.Result r = Ablation.run(M, A, heads, Ablation.Mode.ZERO, InterventionMetric.nextTokenLogprob());
        assertEquals(A.length - 1, r.positions().size());
        Tensor clean = M.forward(A), abl = withHeadsRewritten(heads, null).forward(A);
        double mean = 0;
        for (InterventionMetric.PositionEffect e : r.positions()) {
            int p = e.position(), V = CFG.dVocab();
            assertEquals(A[p + 1], e.token());
            // Float32 passes: the kernels may switch from scalar to SIMD (WarmingKernels) between the two runs.
            assertEquals(logprob(clean, p, A[p + 1], V), e.clean(), 1e-5);
            assertEquals(logprob(abl, p, A[p + 1], V), e.intervened(), 1e-4);
            assertEquals(e.intervened() - e.clean(), e.change(), 1e-12);
            mean += e.change() / r.positions().size();
        }
        assertEquals(mean, r.meanChange(), 1e-12);
        assertEquals(List.of("L1H0"), r.heads());
        assertEquals("zero", r.mode());
    }

    static double logprob(Tensor logits, int p, int tok, int V) {
        double max = Double.NEGATIVE_INFINITY, s = 0;
        for (int j = 0; j < V; j++) max = Math.max(max, logits.data()[p * V + j]);
        for (int j = 0; j < V; j++) s += Math.exp(logits.data()[p * V + j] - max);
        return logits.data()[p * V + tok] - max - Math.log(s);
    }

    @Test
    void badHeadLabelsNameTheValidRange() {
        var e = assertThrows(IllegalArgumentException.class, () -> HeadIndex.parseList("L0H1,L2H0", CFG));
        assertTrue(e.getMessage().contains("L2H0") && e.getMessage().contains("0–1") && e.getMessage().contains("L1H2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> HeadIndex.parse("head3", CFG));
        assertTrue(e.getMessage().contains("'head3'") && e.getMessage().contains("L{layer}H{head}"), e.getMessage());
    }

    @Test
    void patchingAPromptWithItselfChangesNothing() {
        List<Patching.Patch> all = List.of(new Patching.Patch(Patching.Site.Z, 0, 1, -1), new Patching.Patch(Patching.Site.RESULT, 1, 2, 3),
                new Patching.Patch(Patching.Site.RESID_PRE, 1, -1, -1), new Patching.Patch(Patching.Site.RESID_POST, 0, -1, 2));
        // A hook on hook_result makes the layer sum the heads one by one instead of in one product: equal up to rounding.
        assertArrayEquals(M.forward(A).data(), Patching.logits(M, A, A, all).data(), 1e-5f);
        assertArrayEquals(M.forward(A).data(), Patching.logits(M, A, A, all.subList(0, 1)).data(), 1e-5f, "hook_z alone");
        Patching.Result r = Patching.run(M, A, A, all, new InterventionMetric(InterventionMetric.Kind.LOGIT_DIFF, 4, 9));
        assertEquals(A.length, r.positions().size(), "a fixed target is measured at every position");
        for (InterventionMetric.PositionEffect e : r.positions()) assertEquals(0.0, e.change(), 1e-5);
    }

    @Test
    void patchingTheWholeResidualStreamReproducesTheSourcePrompt() {
        Tensor got = Patching.logits(M, A, B, List.of(new Patching.Patch(Patching.Site.RESID_PRE, 0, -1, -1)));
        assertArrayEquals(M.forward(B).data(), got.data(), 1e-5f, "every later activation is the source prompt's");
        // The last residual stream carries everything the unembedding reads.
        got = Patching.logits(M, A, B, List.of(new Patching.Patch(Patching.Site.RESID_POST, 1, -1, -1)));
        assertArrayEquals(M.forward(B).data(), got.data(), 1e-5f);
    }

    @Test
    void patchingOnePositionLeavesEarlierPositionsAlone() {
        int at = 4, V = CFG.dVocab();
        Tensor clean = M.forward(A);
        Tensor got = Patching.logits(M, A, B, List.of(new Patching.Patch(Patching.Site.Z, 0, 2, at)));
        for (int p = 0; p < at; p++) {
            for (int j = 0; j < V; j++) assertEquals(clean.data()[p * V + j], got.data()[p * V + j], 1e-5f, "causal: position " + p);
        }
        boolean changed = false;
        for (int j = 0; j < V; j++) changed |= clean.data()[at * V + j] != got.data()[at * V + j];
        assertTrue(changed, "the patched position moved");
    }

    @Test
    void patchedHeadResultEqualsTheSourcePromptsHeadOutput() {
        // Independent route: patching hook_z of a head = patching its hook_result (result = z·W_O).
        Patching.Patch z = new Patching.Patch(Patching.Site.Z, 0, 1, -1), res = new Patching.Patch(Patching.Site.RESULT, 0, 1, -1);
        assertArrayEquals(Patching.logits(M, A, B, List.of(z)).data(), Patching.logits(M, A, B, List.of(res)).data(), 1e-5f);
    }

    @Test
    void promptsOfDifferentLengthsAreAClearError() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Patching.logits(M, A, new int[] {1, 2, 3}, List.of(new Patching.Patch(Patching.Site.RESID_PRE, 0, -1, -1))));
        assertTrue(e.getMessage().contains("same length") && e.getMessage().contains("7") && e.getMessage().contains("3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Patching.logits(M, A, B, List.of(new Patching.Patch(Patching.Site.Z, 0, 3, -1))));
        assertTrue(e.getMessage().contains("head must be in 0–2"), e.getMessage());
    }
}
