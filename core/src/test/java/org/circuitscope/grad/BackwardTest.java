package org.circuitscope.grad;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.RunOptions;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BackwardTest {
    /**
     * Bound on ‖g_backward − g_fd‖ / ‖g_fd‖ per tensor. The finite differences are float64
     * (step 1e-5 on a loss of order 10: truncation ~h² and rounding ~1e-16/h, both ≲ 1e-9
     * relative), so what is measured is the float32 backward's own error: sums of at most a
     * dozen products, and activations read back from the float32 forward, each good to a few
     * ulps (6e-8), amplified by softmax and by LayerNorm's 1/scale through two layers. The
     * worst case over all 12 configurations measured 1.8e-6 (LNPre, attention-only); 1e-5
     * leaves room for kernels that sum in another order, while a missing or wrong term shows
     * as 1e-2 or more.
     */
    static final double REL_TOL = 1e-5;
    /** ‖g_fd‖ below this counts as zero: then ‖g_backward − g_fd‖ must be below it instead. */
    static final double TINY = 1e-6;
    static final double STEP = 1e-5;

    static ModelConfig config(Normalization norm, boolean attnOnly, ActFn act) {
        return new ModelConfig(norm.tlName() + (attnOnly ? "-attn-only" : "-" + act.tlName()), 2, 8, 2, 4, 12, 11, 6,
                act, norm, attnOnly, 1e-5, false);
    }

    static Stream<Arguments> configs() {
        List<Arguments> args = new ArrayList<>();
        for (Normalization n : Normalization.values()) {
            args.add(Arguments.of(config(n, true, ActFn.GELU_NEW)));
            for (ActFn a : ActFn.values()) args.add(Arguments.of(config(n, false, a)));
        }
        return args.stream();
    }

    /** Token 3 repeats, so W_E's gradient must sum over positions. */
    static final int[] TOKENS = {3, 7, 3, 0, 10};

    static float[] gaussian(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) r.nextGaussian();
        return f;
    }

    /** A loss whose dLoss/dLogits is the fixed {@code g}: L = Σ g ⊙ logits. */
    static double linearLoss(double[] logits, float[] g) {
        double s = 0;
        for (int i = 0; i < logits.length; i++) s += logits[i] * g[i];
        return s;
    }

    /** Central differences of {@code loss} with respect to every entry of {@code x}, perturbed in place. */
    static double[] centralDifferences(double[] x, DoubleSupplier loss) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double keep = x[i];
            x[i] = keep + STEP;
            double up = loss.getAsDouble();
            x[i] = keep - STEP;
            double down = loss.getAsDouble();
            x[i] = keep;
            g[i] = (up - down) / (2 * STEP);
        }
        return g;
    }

    /** Relative error of the whole tensor; fails with the worst entry when above the bound. */
    static void assertGradientClose(String what, double[] fd, Tensor got) {
        assertEquals(fd.length, got.size(), what + ": element count");
        double diff = 0, norm = 0, worst = -1;
        int worstAt = -1;
        float[] g = got.data();
        for (int i = 0; i < fd.length; i++) {
            double e = g[i] - fd[i];
            diff += e * e;
            norm += fd[i] * fd[i];
            if (Math.abs(e) > worst) { worst = Math.abs(e); worstAt = i; }
        }
        diff = Math.sqrt(diff);
        norm = Math.sqrt(norm);
        String detail = what + ": ‖backward − finite differences‖ = " + diff + ", ‖finite differences‖ = " + norm
                + "; worst at flat index " + worstAt + ": backward " + g[worstAt] + " vs " + fd[worstAt];
        if (norm < TINY) {
            assertTrue(diff < TINY, detail);
            return;
        }
        double rel = diff / norm;
        assertTrue(rel <= REL_TOL, detail + " (relative " + rel + " > " + REL_TOL + ")");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void everyParameterAndEmbeddingGradientMatchesFloat64CentralDifferences(ModelConfig cfg) {
        Weights w = RandomWeights.generate(cfg, 11, 0.4);
        int t = TOKENS.length, d = cfg.dModel();
        float[] g = gaussian(t * cfg.dVocab(), 5);
        ActivationCache cache = new Transformer(w).runWithCache(TOKENS);
        Gradients grads = new Backward(w).backward(TOKENS, cache, Tensor.of(g, t, cfg.dVocab()));

        ReferenceModel64 ref = new ReferenceModel64(w);
        assertEquals(Weights.expected(cfg).keySet(), grads.params().keySet(), "a gradient for every parameter, in state-dict order");
                for (String name : Weights.expected(cfg).keySet()) {
            double[] fd = centralDifferences(ref.p.get(name), () -> linearLoss(ref.logits(TOKENS), g));
            // b_K adds q·b_K to every score of a query row, which softmax ignores: its gradient is
            // zero, and the check below then demands that of the backward pass too.
            if (!name.endsWith("attn.b_K")) assertTrue(norm(fd) > TINY, name + ": the check is vacuous, the loss does not depend on it");
            assertGradientClose(cfg.modelName() + " " + name, fd, grads.params().get(name));
        }

        double[] embed = new double[t * d], pos = new double[t * d];
        for (int i = 0; i < t * d; i++) {
            embed[i] = ref.p.get("embed.W_E")[TOKENS[i / d] * d + i % d];
            pos[i] = ref.p.get("pos_embed.W_pos")[i];
        }
        DoubleSupplier loss = () -> linearLoss(ref.logits(TOKENS, embed, pos), g);
        assertGradientClose(cfg.modelName() + " hook_embed", centralDifferences(embed, loss), grads.dEmbed());
        assertGradientClose(cfg.modelName() + " hook_pos_embed", centralDifferences(pos, loss), grads.dPosEmbed());
    }

    @Test
    void theNextTokenLossGradientMatchesCentralDifferencesThroughTheWholeModel() {
        ModelConfig cfg = config(Normalization.LN, false, ActFn.GELU_NEW);
        Weights w = RandomWeights.generate(cfg, 23, 0.4);
        ActivationCache cache = new Transformer(w).runWithCache(TOKENS);
        CrossEntropy.Result ce = CrossEntropy.nextToken(cache.logits(), TOKENS);
        Gradients grads = new Backward(w).backward(TOKENS, cache, ce.dLogits());

        ReferenceModel64 ref = new ReferenceModel64(w);
        DoubleSupplier loss = () -> nextTokenLoss64(ref.logits(TOKENS), cfg.dVocab());
        assertEquals(loss.getAsDouble(), ce.loss(), 1e-5 * loss.getAsDouble(), "loss of the float32 logits vs the float64 model");
        for (String name : Weights.expected(cfg).keySet()) {
            assertGradientClose("cross-entropy " + name, centralDifferences(ref.p.get(name), loss), grads.params().get(name));
        }
    }

    /** Mean of −log softmax(logits_t)[tokens[t+1]] over t < T−1, naively. */
    static double nextTokenLoss64(double[] logits, int v) {
        double s = 0;
        for (int t = 0; t + 1 < TOKENS.length; t++) {
            double z = 0;
            for (int j = 0; j < v; j++) z += Math.exp(logits[t * v + j]);
            s -= Math.log(Math.exp(logits[t * v + TOKENS[t + 1]]) / z);
        }
        return s / (TOKENS.length - 1);
    }

    @Test
    void theGradientCheckRejectsAOnePercentErrorInOneTensor() {
        ModelConfig cfg = config(Normalization.LN, false, ActFn.RELU);
        Weights w = RandomWeights.generate(cfg, 11, 0.4);
        float[] g = gaussian(TOKENS.length * cfg.dVocab(), 5);
        Gradients grads = new Backward(w).backward(TOKENS, new Transformer(w).runWithCache(TOKENS), Tensor.of(g, TOKENS.length, cfg.dVocab()));
        ReferenceModel64 ref = new ReferenceModel64(w);
        double[] fd = centralDifferences(ref.p.get("blocks.1.attn.W_Q"), () -> linearLoss(ref.logits(TOKENS), g));
        Tensor wrong = grads.params().get("blocks.1.attn.W_Q").copy();
        for (int i = 0; i < wrong.size(); i++) wrong.data()[i] *= 1.01f;
        assertThrows(AssertionError.class, () -> assertGradientClose("W_Q scaled by 1.01", fd, wrong));
    }

    @Test
    void accumulatingTwoSequencesSumsTheirGradients() {
        ModelConfig cfg = config(Normalization.LN, false, ActFn.GELU);
        Weights w = RandomWeights.generate(cfg, 3, 0.4);
        Transformer model = new Transformer(w);
        Backward backward = new Backward(w);
        int[] a = {1, 2, 3, 4, 5, 6}, b = {9, 9, 0};
        Gradients ga = backward.backward(a, model.runWithCache(a), CrossEntropy.nextToken(model.forward(a), a).dLogits());
        Gradients gb = backward.backward(b, model.runWithCache(b), CrossEntropy.nextToken(model.forward(b), b).dLogits());

        GradientBuffer sum = GradientBuffer.zeros(cfg);
        Gradients last = null;
        for (int[] seq : new int[][] {a, b}) {
            last = backward.accumulate(seq, model.runWithCache(seq), CrossEntropy.nextToken(model.forward(seq), seq).dLogits(), sum);
        }
        assertSame(sum.asMap(), last.params(), "accumulate reports the running sum");
        assertArrayEquals(gb.dEmbed().data(), last.dEmbed().data(), 1e-7f, "accumulate returns the last sequence's input gradient");
        for (String name : Weights.expected(cfg).keySet()) {
            float[] want = ga.params().get(name).data().clone();
            float[] bb = gb.params().get(name).data();
            for (int i = 0; i < want.length; i++) want[i] += bb[i];
            // Float sums in another order; b_K's true gradient is 0, so its entries are rounding noise.
            float tol = Math.max(1e-6f, 1e-5f * Tensor.of(want, want.length).maxAbs());
            assertArrayEquals(want, sum.get(name).data(), tol, name + ": accumulated vs the sum of the two sequences' gradients");
        }
    }

    @Test
    void inputGradientsAloneEqualThoseOfTheFullBackwardPass() {
        ModelConfig cfg = config(Normalization.LN_PRE, false, ActFn.GELU_NEW);
        Weights w = RandomWeights.generate(cfg, 4, 0.4);
        ActivationCache cache = new Transformer(w).runWithCache(TOKENS);
        Tensor dLogits = Tensor.of(gaussian(TOKENS.length * cfg.dVocab(), 8), TOKENS.length, cfg.dVocab());
        Gradients full = new Backward(w).backward(TOKENS, cache, dLogits);
        Gradients inputs = new Backward(w).inputGradients(TOKENS, cache, dLogits);
        assertTrue(inputs.params().isEmpty(), "no parameter gradients are computed");
        assertArrayEquals(full.dEmbed().data(), inputs.dEmbed().data(), "dEmbed");
        assertArrayEquals(full.dPosEmbed().data(), inputs.dPosEmbed().data(), "dPosEmbed");
        assertNotSame(inputs.dEmbed(), inputs.dPosEmbed(), "two tensors, so one can be changed alone");
    }

    @Test
    void theMinimalCacheOptionsGiveTheSameGradientsAsAFullCache() {
        ModelConfig cfg = config(Normalization.LN, false, ActFn.GELU_NEW);
        Weights w = RandomWeights.generate(cfg, 5, 0.4);
        Transformer model = new Transformer(w);
        ActivationCache small = model.run(TOKENS, Backward.cacheOptions(cfg));
        assertEquals(Backward.requiredActivations(cfg), small.names(), "cacheOptions records exactly what the backward pass reads");
        Tensor dLogits = Tensor.of(gaussian(TOKENS.length * cfg.dVocab(), 9), TOKENS.length, cfg.dVocab());
        Gradients fromSmall = new Backward(w).backward(TOKENS, small, dLogits);
        Gradients fromFull = new Backward(w).backward(TOKENS, model.runWithCache(TOKENS), dLogits);
        for (var e : fromFull.params().entrySet()) {
            // hook_attn_out is summed differently when hook_result is recorded; b_K's gradient is noise around 0.
            float tol = Math.max(1e-6f, 1e-5f * e.getValue().maxAbs());
            assertArrayEquals(e.getValue().data(), fromSmall.params().get(e.getKey()).data(), tol, e.getKey());
        }
    }

    @Test
    void aCacheWithoutTheNeededActivationsIsRejectedNamingWhatIsMissing() {
        ModelConfig cfg = config(Normalization.LN, true, ActFn.GELU_NEW);
        Weights w = RandomWeights.generate(cfg, 5, 0.4);
        ActivationCache cache = new Transformer(w).run(TOKENS, RunOptions.matching("hook_embed"));
        Tensor dLogits = Tensor.zeros(TOKENS.length, cfg.dVocab());
        var e = assertThrows(IllegalArgumentException.class, () -> new Backward(w).backward(TOKENS, cache, dLogits));
        assertTrue(e.getMessage().contains("blocks.1.hook_resid_post") && e.getMessage().contains("cacheOptions"), e.getMessage());
    }

    @Test
    void mismatchedLogitGradientsTokensOrBufferAreRejected() {
        ModelConfig cfg = config(Normalization.NONE, true, ActFn.GELU_NEW);
        Weights w = RandomWeights.generate(cfg, 5, 0.4);
        ActivationCache cache = new Transformer(w).runWithCache(TOKENS);
        Backward backward = new Backward(w);
        var shape = assertThrows(IllegalArgumentException.class,
                () -> backward.backward(TOKENS, cache, Tensor.zeros(TOKENS.length, cfg.dVocab() + 1)));
        assertTrue(shape.getMessage().contains("[5, 12]") && shape.getMessage().contains("[5, 11]"), shape.getMessage());
        assertThrows(IllegalArgumentException.class, () -> backward.backward(new int[] {1, 2}, cache, Tensor.zeros(2, cfg.dVocab())));
        GradientBuffer other = GradientBuffer.zeros(config(Normalization.LN, true, ActFn.GELU_NEW));
        var buf = assertThrows(IllegalArgumentException.class,
                () -> backward.accumulate(TOKENS, cache, Tensor.zeros(TOKENS.length, cfg.dVocab()), other));
        assertTrue(buf.getMessage().contains("GradientBuffer.zeros"), buf.getMessage());
    }

    static double norm(double[] x) {
        double s = 0;
        for (double v : x) s += v * v;
        return Math.sqrt(s);
    }
}
