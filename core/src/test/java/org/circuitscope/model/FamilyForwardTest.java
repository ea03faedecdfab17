package org.circuitscope.model;

import static org.circuitscope.model.TransformerTest.assertEveryHookMatchesTheReference;
import static org.circuitscope.model.TransformerTest.randomTokens;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the families beyond GPT-2 add to the forward pass, checked where the config matrices of
 * TransformerTest and IncrementalForwardTest cannot: the weight variants of Llama-style models
 * (tied or untied unembedding, Qwen2's q/k/v biases or none at all), TransformerLens's names and
 * shapes spelt out, long prompts whose rotary angles go round many times, and the identities
 * rotary and grouped-query attention must keep whatever the reference says.
 */
class FamilyForwardTest {

    /** Which biases a checkpoint has: Qwen2's b_Q, b_K, b_V only, or none (Llama, Mistral). */
    enum Biases { QWEN2, NONE }

    static Stream<Arguments> llamaVariants() {
        List<Arguments> args = new ArrayList<>();
        for (int nKv : new int[] {8, 2, 1})
            for (boolean tied : new boolean[] {false, true})
                for (Biases b : Biases.values()) args.add(Arguments.of(nKv, tied, b));
        return args.stream();
    }

    @ParameterizedTest(name = "n_kv {0}, tied {1}, biases {2}")
    @MethodSource("llamaVariants")
    void llamaWeightVariantsMatchTheReferenceAtEveryHook(int nKv, boolean tied, Biases biases) {
        ModelConfig cfg = Families.llama(nKv, Normalization.RMS);
        Weights w = variant(RandomWeights.generate(cfg, 11 + nKv, 0.3), tied, biases);
        String bK = WeightNames.keyValue(cfg, 0, "b_K");
        assertEquals(biases == Biases.QWEN2, maxAbs(w.get(bK)) > 0, bK + " present as the variant says");
        assertEquals(0, maxAbs(w.get(WeightNames.mlp(1, "b_in"))), "no MLP biases in either variant");
        if (tied) assertTrue(isTranspose(w.wU(), w.wE()), "W_U = W_Eᵀ");
        else assertFalse(isTranspose(w.wU(), w.wE()), "untied W_U");
        assertEveryHookMatchesTheReference(w, randomTokens(15, cfg.dVocab(), nKv));
    }

    /** {@code w} with W_U = W_Eᵀ (tied) and every bias zero except, for Qwen2, the attention's b_Q, b_K, b_V. */
    static Weights variant(Weights w, boolean tied, Biases biases) {
        Map<String, Tensor> replaced = new HashMap<>();
        w.asMap().forEach((name, t) -> {
            String last = name.substring(name.lastIndexOf('.') + 1).replaceFirst("^_", "");
            boolean bias = last.startsWith("b_");
            boolean qkv = last.equals("b_Q") || last.equals("b_K") || last.equals("b_V");
            if (bias && !(biases == Biases.QWEN2 && qkv)) replaced.put(name, Tensor.zeros(t.shape()));
        });
        if (tied) {
            int v = w.config().dVocab(), d = w.config().dModel();
            float[] we = w.wE().data(), wu = new float[d * v];
            for (int t = 0; t < v; t++) for (int i = 0; i < d; i++) wu[i * v + t] = we[t * d + i];
            replaced.put(WeightNames.W_U, Tensor.of(wu, d, v));
        }
        return w.with(w.config(), replaced);
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (float x : t.data()) m = Math.max(m, Math.abs(x));
        return m;
    }

    private static boolean isTranspose(Tensor wu, Tensor we) {
        int v = we.dim(0), d = we.dim(1);
        for (int t = 0; t < v; t++) for (int i = 0; i < d; i++) if (wu.data()[i * v + t] != we.data()[t * d + i]) return false;
        return true;
    }

    /** TransformerLens's hook names and shapes for a grouped-query Llama and a parallel GPT-NeoX, written out. */
    @Test
    void hookNamesAndShapesAreTransformerLensForBothFamilies() {
        ModelConfig llama = Families.llama(2, Normalization.RMS);
        ActivationCache c = new Transformer(RandomWeights.generate(llama, 1, 0.2)).runWithCache(randomTokens(5, 41, 1));
        assertFalse(Weights.expected(llama).containsKey("pos_embed.W_pos"), "rotary: no learned positions");
        assertArrayEquals(new int[] {2, 32, 8}, Weights.expected(llama).get("blocks.0.attn._W_K"));
        assertArrayEquals(new int[] {2, 8}, Weights.expected(llama).get("blocks.1.attn._b_V"));
        assertArrayEquals(new int[] {32, 40}, Weights.expected(llama).get("blocks.0.mlp.W_gate"));
        assertFalse(Weights.expected(llama).containsKey("blocks.0.ln1.b"), "RMSNorm has no bias");
        assertFalse(c.contains("hook_pos_embed"));
        Map<String, int[]> want = Map.ofEntries(
                Map.entry("hook_embed", new int[] {5, 32}),
                Map.entry("blocks.0.ln1.hook_scale", new int[] {5, 1}),
                Map.entry("blocks.0.ln1.hook_normalized", new int[] {5, 32}),
                Map.entry("blocks.0.attn.hook_q", new int[] {5, 8, 8}),
                Map.entry("blocks.0.attn.hook_k", new int[] {5, 2, 8}),
                Map.entry("blocks.0.attn.hook_v", new int[] {5, 2, 8}),
                Map.entry("blocks.0.attn.hook_rot_q", new int[] {5, 8, 8}),
                Map.entry("blocks.0.attn.hook_rot_k", new int[] {5, 2, 8}),
                Map.entry("blocks.1.attn.hook_attn_scores", new int[] {8, 5, 5}),
                Map.entry("blocks.1.attn.hook_pattern", new int[] {8, 5, 5}),
                Map.entry("blocks.1.attn.hook_z", new int[] {5, 8, 8}),
                Map.entry("blocks.1.attn.hook_result", new int[] {5, 8, 32}),
                Map.entry("blocks.1.hook_resid_mid", new int[] {5, 32}),
                Map.entry("blocks.1.mlp.hook_pre", new int[] {5, 40}),
                Map.entry("blocks.1.mlp.hook_pre_linear", new int[] {5, 40}),
                Map.entry("blocks.1.mlp.hook_post", new int[] {5, 40}),
                Map.entry("ln_final.hook_scale", new int[] {5, 1}),
                Map.entry("logits", new int[] {5, 41}));
        want.forEach((name, shape) -> assertArrayEquals(shape, c.get(name).shape(), name));

        ModelConfig neox = Families.neox(true, Families.N_CTX);
        ActivationCache n = new Transformer(RandomWeights.generate(neox, 1, 0.2)).runWithCache(randomTokens(5, 41, 1));
        assertFalse(n.contains("blocks.0.hook_resid_mid"), "parallel blocks have no resid_mid");
        assertFalse(n.contains("blocks.0.mlp.hook_pre_linear"), "a plain MLP has no pre_linear");
        assertArrayEquals(new int[] {5, 2, 16}, n.get("blocks.0.attn.hook_rot_k").shape());
        assertArrayEquals(new int[] {5, 48}, n.get("blocks.1.mlp.hook_pre").shape());
        // Partial rotary: only the first rotary_dim (4) dimensions of each head turn.
        float[] k = n.get("blocks.0.attn.hook_k").data(), rk = n.get("blocks.0.attn.hook_rot_k").data();
        for (int i = 0; i < k.length; i++) {
            if (i % 16 >= 4) assertEquals(k[i], rk[i], 0, "dimension " + i % 16 + " passes unrotated");
        }
        assertFalse(Arrays.equals(k, rk), "the rotary dimensions of later positions turn");
    }

    static Stream<Arguments> longPromptConfigs() {
        return Stream.of(Arguments.of(Families.llama(2, Normalization.RMS, 10000, 256)),
                Arguments.of(Families.neox(true, 256)),
                Arguments.of(Families.llama(1, Normalization.RMS_PRE, 500000, 256)));
    }

    /**
     * Positions up to 199: with rotary_base 10000 the fastest pair turns ~32 times, the slowest
     * hardly at all. A full run matches the reference at every hook, and a cache grown by an
     * append of one token and then of many matches the reference of the whole prompt.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("longPromptConfigs")
    void aLongPromptMatchesTheReferenceFullAndIncrementally(ModelConfig cfg) {
        Weights w = RandomWeights.generate(cfg, 21, 0.3);
        int[] tokens = randomTokens(200, cfg.dVocab(), 5);
        assertEveryHookMatchesTheReference(w, tokens);
        Transformer model = new Transformer(w);
        KeyValueCache kv = new KeyValueCache(cfg);
        IncrementalForward.extend(model, kv, Arrays.copyOf(tokens, 150), 0, n -> false, null);
        IncrementalForward.extend(model, kv, Arrays.copyOf(tokens, 151), 150, n -> false, null);
        IncrementalForward.extend(model, kv, tokens, 151, n -> false, null);
        IncrementalForwardTest.assertCacheMatchesTheReference(w, kv, tokens, "150 + 1 + 49 positions");
    }

    /**
     * Rotary's defining property, independent of any reference: a rotated query and key's dot
     * product depends on their positions only through the difference; rotation keeps lengths;
     * a table from position p holds the same rows as one from 0; the transpose undoes it.
     */
    @Test
    void rotaryScoresDependOnlyOnRelativePosition() {
        ModelConfig cfg = Families.llama(1, Normalization.RMS, 10000, 256);
        int dh = cfg.dHead(), n = 256;
        SplittableRandom r = new SplittableRandom(3);
        float[] q0 = new float[dh], k0 = new float[dh];
        for (int i = 0; i < dh; i++) { q0[i] = (float) r.nextGaussian(); k0[i] = (float) r.nextGaussian(); }
        float[] q = new float[n * dh], k = new float[n * dh];
        for (int p = 0; p < n; p++) { System.arraycopy(q0, 0, q, p * dh, dh); System.arraycopy(k0, 0, k, p * dh, dh); }
        Rotary rot = Rotary.of(cfg, 0, n);
        rot.apply(q, n, 1, dh);
        rot.apply(k, n, 1, dh);
        for (int shift : new int[] {0, 1, 7, 100}) {
            // The query at 0 and the key at `shift`, then later pairs the same distance apart.
            double want = dot(q, 0, k, shift * dh, dh);
            for (int m = 3; m + shift < n; m += 31) {
                assertEquals(want, dot(q, m * dh, k, (m + shift) * dh, dh), 1e-4 * (1 + Math.abs(want)), "q at " + m + ", k at " + (m + shift));
            }
        }
        for (int p = 0; p < n; p++) assertEquals(dot(q0, 0, q0, 0, dh), dot(q, p * dh, q, p * dh, dh), 1e-4, "length at " + p);

        // Rows 200..255 rotated by a table that starts at 200.
        float[] tail = new float[56 * dh];
        for (int p = 0; p < 56; p++) System.arraycopy(k0, 0, tail, p * dh, dh);
        Rotary.of(cfg, 200, n).apply(tail, 56, 1, dh);
        assertArrayEquals(Arrays.copyOfRange(k, 200 * dh, n * dh), tail, 1e-6f, "absolute positions");
        rot.applyTranspose(k, n, 1, dh);
        for (int p = 0; p < n; p++) assertArrayEquals(k0, Arrays.copyOfRange(k, p * dh, (p + 1) * dh), 1e-5f, "undone at " + p);
    }

    private static double dot(float[] a, int ao, float[] b, int bo, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += (double) a[ao + i] * b[bo + i];
        return s;
    }

    /**
     * Grouped-query attention is multi-head attention whose key/value heads are repeated in
     * order (repeat_interleave): the same model with _W_K, _W_V, _b_K, _b_V repeated into one
     * key/value head per query head gives the same z and logits.
     */
    @ParameterizedTest(name = "n_kv {0}")
    @MethodSource("groupings")
    void groupedQueryEqualsMultiHeadWithRepeatedKeyValueHeads(int nKv) {
        ModelConfig gqa = Families.llama(nKv, Normalization.RMS);
        ModelConfig mha = gqa.withArchitecture(gqa.architecture().withKeyValueHeads(gqa.nHeads()));
        Weights w = RandomWeights.generate(gqa, 4, 0.3);
        Map<String, Tensor> repeated = new HashMap<>(w.asMap());
        int group = gqa.nHeads() / nKv;
        for (int l = 0; l < gqa.nLayers(); l++) {
            for (String what : new String[] {"W_K", "W_V", "b_K", "b_V"}) {
                Tensor t = repeated.remove(WeightNames.keyValue(gqa, l, what));
                int per = t.size() / nKv;
                float[] out = new float[per * gqa.nHeads()];
                for (int h = 0; h < gqa.nHeads(); h++) System.arraycopy(t.data(), (h / group) * per, out, h * per, per);
                int[] shape = t.shape().clone();
                shape[0] = gqa.nHeads();
                repeated.put(WeightNames.keyValue(mha, l, what), Tensor.of(out, shape));
            }
        }
        int[] tokens = randomTokens(14, gqa.dVocab(), 8);
        ActivationCache a = new Transformer(w).runWithCache(tokens);
        ActivationCache b = new Transformer(Weights.of(mha, repeated, "repeated")).runWithCache(tokens);
        for (String name : new String[] {"blocks.0.attn.hook_z", "blocks.1.attn.hook_pattern", "logits"}) {
            IncrementalForwardTest.assertClose(name, b.get(name), a.get(name));
        }
    }

    static Stream<Integer> groupings() { return Stream.of(2, 1); }
}
