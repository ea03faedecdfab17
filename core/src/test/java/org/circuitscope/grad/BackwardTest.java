package org.circuitscope.grad;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.Architecture;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.PositionalEmbedding;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.RunOptions;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class BackwardTest {
    /**
     * Bound on ‖g_backward − g_fd‖ / ‖g_fd‖ per tensor. The finite differences are float64
     * (step 1e-5 on a loss of order 10: truncation ~h² and rounding ~1e-16/h, both ≲ 1e-9
     * relative), so what is measured is the float32 backward's own error: sums of at most a
     * dozen products, and activations read back from the float32 forward, each good to a few
     * ulps (6e-8), amplified by softmax and by the normalisations' 1/scale through two layers.
     * The worst case over all 35 configurations (GPT-2 style and the families) measured 2.0e-6
     * (Llama-style, grouped-query ratio 4, ln1.w); 1e-5
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
        assertEveryGradientMatchesCentralDifferences(RandomWeights.generate(cfg, 11, 0.4));
    }

    /** n_layers = 0 (the bigram model): ln_final reads hook_embed + hook_pos_embed directly. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Normalization.class)
    void aZeroLayerModelsGradientsMatchFloat64CentralDifferences(Normalization n) {
        ModelConfig cfg = new ModelConfig("zero-layer-" + n.tlName(), 0, 8, 2, 4, 0, 11, 6, ActFn.GELU_NEW, n, true, 1e-5, false);
        assertEveryGradientMatchesCentralDifferences(RandomWeights.generate(cfg, 11, 0.4));
    }

    /**
     * A family's shape, in a tiny config, and the weights its checkpoints have: Llama has no
     * biases at all (TransformerLens fills zeros, still parameters with gradients), Qwen2 has
     * them on q, k, v only; tied models' W_U starts as W_E's transpose (TransformerLens unties
     * on loading, so the two stay separate parameters with separate gradients).
     */
    record Family(String label, ModelConfig cfg, Biases biases, boolean tied) {
        @Override public String toString() { return label; }

        Weights weights(long seed) {
            Map<String, Tensor> m = new LinkedHashMap<>(RandomWeights.generate(cfg, seed, 0.4).asMap());
            m.replaceAll((name, t) -> biases.keeps(name) ? t : Tensor.zeros(t.shape()));
            if (tied) {
                int d = cfg.dModel(), v = cfg.dVocab();
                float[] we = m.get("embed.W_E").data(), wu = new float[d * v];
                for (int i = 0; i < v; i++) for (int j = 0; j < d; j++) wu[j * v + i] = we[i * d + j];
                m.put("unembed.W_U", Tensor.of(wu, d, v));
            }
            return Weights.of(cfg, m, label);
        }
    }

    enum Biases {
        ALL, NONE, QKV_ONLY;

        boolean keeps(String name) {
            String last = name.substring(name.lastIndexOf('.') + 1).replaceFirst("^_", "");
            if (!last.startsWith("b_")) return true;
            return this == ALL || this == QKV_ONLY && (last.equals("b_Q") || last.equals("b_K") || last.equals("b_V"));
        }
    }

    static ModelConfig family(String name, Normalization norm, ActFn act, boolean attnOnly, int heads, int dHead, Architecture a) {
        return new ModelConfig(name, 2, 8, heads, dHead, 12, 11, 6, act, norm, attnOnly, 1e-5, false, a);
    }

    static Architecture rotary(int rotaryDim, double base, int kvHeads, boolean gated, boolean parallel) {
        return new Architecture(PositionalEmbedding.ROTARY, rotaryDim, base, kvHeads, gated, parallel, "");
    }

    /**
     * GPT-NeoX (Pythia): LayerNorm, GELU, rotary on 4 of 8 head dimensions, parallel or
     * sequential blocks; Llama-style: RMSNorm, SiLU, gated MLP, rotary on the whole head,
     * grouped-query ratios 1, 2 and 4; RMSPre (a folded RMS model); grouped-query attention
     * without rotary. Base 100 in some, so that the slow pair of dimensions also turns visibly
     * over five positions.
     */
    static Stream<Family> families() {
        return Stream.of(
                new Family("neox-parallel", family("neox-parallel", Normalization.LN, ActFn.GELU, false, 2, 8,
                        rotary(4, 10000, 0, false, true)), Biases.ALL, false),
                new Family("neox-sequential", family("neox-sequential", Normalization.LN, ActFn.GELU, false, 2, 8,
                        rotary(4, 100, 0, false, false)), Biases.ALL, false),
                new Family("neox-attn-only", family("neox-attn-only", Normalization.LN, ActFn.GELU, true, 2, 8,
                        rotary(4, 100, 0, false, false)), Biases.ALL, true),
                new Family("llama-gqa1-untied", family("llama-gqa1", Normalization.RMS, ActFn.SILU, false, 2, 4,
                        rotary(4, 10000, 2, true, false)), Biases.NONE, false),
                new Family("llama-gqa4-tied", family("llama-gqa4", Normalization.RMS, ActFn.SILU, false, 4, 4,
                        rotary(4, 100, 1, true, false)), Biases.NONE, true),
                new Family("qwen2-gqa2-qkv-bias", family("qwen2-gqa2", Normalization.RMS, ActFn.SILU, false, 4, 4,
                        rotary(4, 100, 2, true, false)), Biases.QKV_ONLY, false),
                new Family("llama-gqa4-attn-only", family("llama-gqa4-attn-only", Normalization.RMS, ActFn.SILU, true, 4, 4,
                        rotary(4, 100, 1, true, false)), Biases.QKV_ONLY, true),
                new Family("rmspre-gqa2-parallel-gated", family("rmspre-gqa2", Normalization.RMS_PRE, ActFn.SILU, false, 4, 4,
                        rotary(4, 100, 2, true, true)), Biases.ALL, true),
                new Family("rmspre-gqa2-sequential-gelu", family("rmspre-gqa2-gelu", Normalization.RMS_PRE, ActFn.GELU_NEW, false, 4, 4,
                        rotary(2, 100, 2, false, false)), Biases.ALL, false),
                new Family("gpt2-gqa2-learned-positions", family("gpt2-gqa2", Normalization.LN, ActFn.GELU_NEW, false, 4, 4,
                        Architecture.GPT2.withKeyValueHeads(2)), Biases.ALL, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void everyFamilysParameterAndEmbeddingGradientsMatchFloat64CentralDifferences(Family f) {
        assertEveryGradientMatchesCentralDifferences(f.weights(11));
    }

    /** The backward pass against float64 central differences of {@link ReferenceModel64}, for every parameter and the embeddings. */
    static void assertEveryGradientMatchesCentralDifferences(Weights w) {
        ModelConfig cfg = w.config();
        int t = TOKENS.length, d = cfg.dModel();
        float[] g = gaussian(t * cfg.dVocab(), 5);
        ActivationCache cache = new Transformer(w).runWithCache(TOKENS);
        Gradients grads = new Backward(w).backward(TOKENS, cache, Tensor.of(g, t, cfg.dVocab()));

        ReferenceModel64 ref = new ReferenceModel64(w);
        assertEquals(Weights.expected(cfg).keySet(), grads.params().keySet(), "a gradient for every parameter, in state-dict order");
        for (String name : Weights.expected(cfg).keySet()) {
            double[] fd = centralDifferences(ref.p.get(name), () -> linearLoss(ref.logits(TOKENS), g));
            // Without rotary, b_K adds q·b_K to every score of a query row, which softmax ignores:
            // its gradient is zero, and the check below then demands that of the backward pass too.
            // Rotated, the bias differs by position and does matter.
            boolean zeroByDesign = name.endsWith("b_K") && !cfg.rotary();
            if (!zeroByDesign) assertTrue(norm(fd) > TINY, name + ": the check is vacuous, the loss does not depend on it");
            assertGradientClose(cfg.modelName() + " " + name, fd, grads.params().get(name));
        }

        boolean learned = !cfg.rotary();
        double[] embed = new double[t * d], pos = learned ? new double[t * d] : null;
        for (int i = 0; i < t * d; i++) {
            embed[i] = ref.p.get("embed.W_E")[TOKENS[i / d] * d + i % d];
            if (learned) pos[i] = ref.p.get("pos_embed.W_pos")[i];
        }
        DoubleSupplier loss = () -> linearLoss(ref.logits(TOKENS, embed, pos), g);
        assertGradientClose(cfg.modelName() + " hook_embed", centralDifferences(embed, loss), grads.dEmbed());
        if (learned) {
            assertGradientClose(cfg.modelName() + " hook_pos_embed", centralDifferences(pos, loss), grads.dPosEmbed());
        } else {
            assertNull(grads.dPosEmbed(), "a rotary model has no hook_pos_embed");
            assertFalse(grads.params().containsKey("pos_embed.W_pos"), "nor a W_pos");
        }
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

    static Stream<Family> inputGradientCases() {
        return Stream.of(new Family("gpt2-lnpre", config(Normalization.LN_PRE, false, ActFn.GELU_NEW), Biases.ALL, false),
                families().filter(f -> f.label().equals("llama-gqa4-tied")).findFirst().orElseThrow());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputGradientCases")
    void inputGradientsAloneEqualThoseOfTheFullBackwardPass(Family f) {
        ModelConfig cfg = f.cfg();
        Weights w = f.weights(4);
        ActivationCache cache = new Transformer(w).runWithCache(TOKENS);
        Tensor dLogits = Tensor.of(gaussian(TOKENS.length * cfg.dVocab(), 8), TOKENS.length, cfg.dVocab());
        Gradients full = new Backward(w).backward(TOKENS, cache, dLogits);
        Gradients inputs = new Backward(w).inputGradients(TOKENS, cache, dLogits);
        assertTrue(inputs.params().isEmpty(), "no parameter gradients are computed");
        assertArrayEquals(full.dEmbed().data(), inputs.dEmbed().data(), "dEmbed");
        if (cfg.rotary()) {
            assertNull(inputs.dPosEmbed(), "no hook_pos_embed in a rotary model");
        } else {
            assertArrayEquals(full.dPosEmbed().data(), inputs.dPosEmbed().data(), "dPosEmbed");
            assertNotSame(inputs.dEmbed(), inputs.dPosEmbed(), "two tensors, so one can be changed alone");
        }
    }

    static Stream<Family> cacheOptionCases() {
        return Stream.concat(Stream.of(new Family("gpt2-ln", config(Normalization.LN, false, ActFn.GELU_NEW), Biases.ALL, false)),
                families());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cacheOptionCases")
    void theMinimalCacheOptionsGiveTheSameGradientsAsAFullCache(Family f) {
        ModelConfig cfg = f.cfg();
        Weights w = f.weights(5);
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
    void theRequiredActivationsFollowTheFamily() {
        Set<String> neox = Backward.requiredActivations(family("neox", Normalization.LN, ActFn.GELU, false, 2, 8, rotary(4, 100, 0, false, true)));
        assertTrue(neox.contains("blocks.0.attn.hook_rot_q") && neox.contains("blocks.0.attn.hook_rot_k"), "rotated queries and keys: " + neox);
        assertFalse(neox.contains("blocks.0.attn.hook_q") || neox.contains("blocks.0.attn.hook_k"), "not the unrotated ones");
        assertFalse(neox.contains("blocks.0.hook_resid_mid"), "a parallel block has no resid_mid");
        assertTrue(neox.contains("blocks.0.ln2.hook_scale"));
        Set<String> llama = Backward.requiredActivations(family("llama", Normalization.RMS, ActFn.SILU, false, 4, 4, rotary(4, 100, 1, true, false)));
        assertTrue(llama.contains("blocks.1.mlp.hook_pre_linear") && llama.contains("blocks.1.hook_resid_mid"), llama.toString());
        Set<String> gpt2 = Backward.requiredActivations(config(Normalization.NONE, false, ActFn.GELU));
        assertFalse(gpt2.stream().anyMatch(n -> n.contains("hook_scale") || n.contains("pre_linear") || n.contains("rot_")), gpt2.toString());
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
