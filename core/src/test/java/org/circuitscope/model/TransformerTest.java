package org.circuitscope.model;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TransformerTest {

    static ModelConfig config(Normalization norm, boolean attnOnly, ActFn act) {
        return new ModelConfig("test", 2, 24, 3, 8, 40, 37, 16, act, norm, attnOnly, 1e-5, true);
    }

    static Stream<Arguments> configs() {
        List<Arguments> args = new ArrayList<>();
        for (Normalization n : Normalization.values()) {
            args.add(Arguments.of(config(n, true, ActFn.GELU_NEW)));
            for (ActFn a : ActFn.values()) args.add(Arguments.of(config(n, false, a)));
        }
        for (ModelConfig f : Families.all()) args.add(Arguments.of(f));
        return args.stream();
    }

    static int[] randomTokens(int n, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = r.nextInt(vocab);
        return t;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void everyCachedActivationMatchesTheFloat64Reference(ModelConfig cfg) {
        Weights w = RandomWeights.generate(cfg, 7, 0.3);
        ActivationCache cache = assertEveryHookMatchesTheReference(w, randomTokens(13, cfg.dVocab(), 3));
        assertSame(cache.get("logits"), cache.logits());
    }

    /**
     * A full run records HookPoint.all(cfg), in order, and each hook has the reference's
     * TransformerLens shape and values (within 1e-4 of the tensor's largest magnitude).
     */
    static ActivationCache assertEveryHookMatchesTheReference(Weights w, int[] tokens) {
        ModelConfig cfg = w.config();
        ActivationCache cache = new Transformer(w).runWithCache(tokens);
        Map<String, ReferenceTransformer.Activation> ref = new ReferenceTransformer(w).trace(tokens);
        assertEquals(HookPoint.all(cfg), List.copyOf(cache.names()), "hook points recorded, in forward order");
        assertEquals(List.copyOf(ref.keySet()), List.copyOf(cache.names()), "the reference and the model record the same hook points, in order");
        for (var e : ref.entrySet()) {
            assertArrayEquals(e.getValue().shape(), cache.get(e.getKey()).shape(), e.getKey() + ": shape");
            assertClose(e.getKey(), e.getValue().data(), cache.get(e.getKey()));
        }
        return cache;
    }

    static void assertClose(String name, double[] want, Tensor got) {
        assertEquals(want.length, got.size(), name + ": element count");
        double max = 0;
        for (double v : want) if (Double.isFinite(v)) max = Math.max(max, Math.abs(v));
        double tol = 1e-4 * Math.max(max, 1e-6);
        float[] g = got.data();
        for (int i = 0; i < want.length; i++) {
            if (Double.isInfinite(want[i])) {
                assertEquals(want[i], g[i], name + ": masked entry " + i + " must be " + want[i]);
                continue;
            }
            double diff = Math.abs(want[i] - g[i]);
            if (!(diff <= tol)) fail(name + "[" + i + "]: reference " + want[i] + ", model " + g[i] + " (|diff| " + diff + " > " + tol + ")");
        }
    }

    @Test
    void shapesFollowTransformerLens() {
        ModelConfig cfg = config(Normalization.LN, false, ActFn.GELU_NEW);
        ActivationCache c = new Transformer(RandomWeights.generate(cfg, 1, 0.1)).runWithCache(randomTokens(5, cfg.dVocab(), 1));
        assertArrayEquals(new int[] {5, 3, 8}, c.get("blocks.0.attn.hook_q").shape());
        assertArrayEquals(new int[] {3, 5, 5}, c.get("blocks.1.attn.hook_pattern").shape());
        assertArrayEquals(new int[] {5, 3, 24}, c.get("blocks.1.attn.hook_result").shape());
        assertArrayEquals(new int[] {5, 1}, c.get("ln_final.hook_scale").shape());
        assertArrayEquals(new int[] {5, 40}, c.get("blocks.0.mlp.hook_post").shape());
        assertArrayEquals(new int[] {5, 37}, c.get("logits").shape());
    }

    @Test
    void namesFilterStoresOnlyMatchingActivationsAndLogitsAgree() {
        ModelConfig cfg = config(Normalization.LN, false, ActFn.GELU);
        Transformer m = new Transformer(RandomWeights.generate(cfg, 2, 0.3));
        int[] tokens = randomTokens(9, cfg.dVocab(), 2);
        ActivationCache some = m.run(tokens, RunOptions.matching("blocks\\.\\d+\\.attn\\.hook_pattern"));
        assertEquals(List.of("blocks.0.attn.hook_pattern", "blocks.1.attn.hook_pattern"), List.copyOf(some.names()));
        // Without hook_result recorded the model takes the fused z·W_O path; logits must not change.
        assertArrayEquals(m.runWithCache(tokens).logits().data(), some.logits().data(), 1e-5f);
    }

    @Test
    void hookReplacementFlowsDownstream() {
        ModelConfig cfg = config(Normalization.LN, true, ActFn.GELU_NEW);
        Weights w = RandomWeights.generate(cfg, 4, 0.3);
        Transformer m = new Transformer(w);
        int[] tokens = randomTokens(8, cfg.dVocab(), 4);
        // Zero-ablating head 1 of layer 0 through hook_z must equal running with its W_O rows zeroed.
        Hook zeroHead = (z, name) -> {
            float[] d = z.data();
            for (int p = 0; p < z.dim(0); p++) java.util.Arrays.fill(d, (p * 3 + 1) * 8, (p * 3 + 2) * 8, 0f);
            return z;
        };
        Tensor ablated = m.run(tokens, RunOptions.none().withHooks(Map.of("blocks.0.attn.hook_z", zeroHead))).logits();
        Tensor wo = w.get("blocks.0.attn.W_O").copy();
        java.util.Arrays.fill(wo.data(), 1 * 8 * 24, 2 * 8 * 24, 0f);
        Tensor viaWeights = new Transformer(w.with(cfg, Map.of("blocks.0.attn.W_O", wo))).forward(tokens);
        assertArrayEquals(viaWeights.data(), ablated.data(), 1e-5f);
        assertFalse(java.util.Arrays.equals(m.forward(tokens).data(), ablated.data()), "the ablation changed the logits");
    }

    @Test
    void hookedLayerNormScaleIsWhatDivides() {
        ModelConfig cfg = config(Normalization.LN, true, ActFn.GELU_NEW);
        Transformer m = new Transformer(RandomWeights.generate(cfg, 5, 0.3));
        int[] tokens = randomTokens(6, cfg.dVocab(), 5);
        ActivationCache base = m.runWithCache(tokens);
        Hook doubleScale = (s, n) -> {
            Tensor c = s.copy();
            for (int i = 0; i < c.size(); i++) c.data()[i] *= 2;
            return c;
        };
        ActivationCache hooked = m.run(tokens, RunOptions.cacheAll().withHooks(Map.of("ln_final.hook_scale", doubleScale)));
        float[] n0 = base.get("ln_final.hook_normalized").data(), n1 = hooked.get("ln_final.hook_normalized").data();
        // hook_normalized is centred/scale (before w and b): doubling the scale halves it.
        for (int i = 0; i < n0.length; i++) assertEquals(n0[i] / 2, n1[i], 1e-5f);
    }

    @Test
    void badTokensAreClearErrors() {
        ModelConfig cfg = config(Normalization.LN, true, ActFn.GELU_NEW);
        Transformer m = new Transformer(RandomWeights.generate(cfg, 1, 0.1));
        var e = assertThrows(IllegalArgumentException.class, () -> m.forward(new int[] {1, 37}));
        assertTrue(e.getMessage().contains("position 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.forward(new int[17]));
        assertTrue(e.getMessage().contains("n_ctx = 16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.forward(new int[0]));
    }

    @Test
    void weightsRejectNaNAndWrongShapes() {
        ModelConfig cfg = config(Normalization.LN, true, ActFn.GELU_NEW);
        var tensors = new java.util.LinkedHashMap<>(RandomWeights.generate(cfg, 1, 0.1).asMap());
        Tensor bad = tensors.get("blocks.1.attn.W_K").copy();
        bad.data()[5] = Float.NaN;
        tensors.put("blocks.1.attn.W_K", bad);
        var e = assertThrows(IllegalArgumentException.class, () -> Weights.of(cfg, tensors, "file.safetensors"));
        assertTrue(e.getMessage().contains("blocks.1.attn.W_K") && e.getMessage().contains("NaN"), e.getMessage());
        tensors.put("blocks.1.attn.W_K", Tensor.zeros(3, 8, 24));
        e = assertThrows(IllegalArgumentException.class, () -> Weights.of(cfg, tensors, "file.safetensors"));
        assertTrue(e.getMessage().contains("[3, 8, 24]") && e.getMessage().contains("[3, 24, 8]"), e.getMessage());
    }
}
