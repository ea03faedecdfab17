package org.circuitscope.circuits;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.stream.Stream;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.Weights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PathExpansionTest {
    static final int[] TOKENS = {3, 17, 5, 3, 17, 9, 22};

    static ModelConfig cfg(int layers, boolean attnOnly, Normalization n) {
        return new ModelConfig("p", layers, 16, 3, 8, attnOnly ? 0 : 24, 30, 16, ActFn.GELU_NEW, n, attnOnly, 1e-5, true);
    }

    static Stream<Arguments> models() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (Normalization n : Normalization.values()) {
            for (int layers = 1; layers <= 3; layers++) b.add(Arguments.of(layers, true, n));
            b.add(Arguments.of(1, false, n));
            b.add(Arguments.of(3, false, n));
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} layers, attn-only {1}, {2}")
    @MethodSource("models")
    void termsSumToTheModelsLogit(int layers, boolean attnOnly, Normalization n) {
        ModelConfig c = cfg(layers, attnOnly, n);
        Transformer m = new Transformer(RandomWeights.generate(c, 11 + layers, 0.4));
        ActivationCache cache = m.runWithCache(TOKENS);
        for (int pos : new int[] {0, 3, TOKENS.length - 1}) {
            for (int target : new int[] {0, 17, 29}) {
                PathExpansion.Result r = PathExpansion.expand(m, cache, pos, target);
                double sum = 0, max = 0;
                for (PathExpansion.Term t : r.terms()) {
                    sum += t.value();
                    max = Math.max(max, Math.abs(t.value()));
                }
                double logit = cache.logits().get(pos, target);
                assertEquals(logit, r.logit(), 0.0, "reported logit is the model's");
                assertTrue(Math.abs(sum - logit) <= 1e-4 * max + 1e-6,
                        "pos " + pos + " target " + target + ": terms sum to " + sum + " but the logit is " + logit + " (max term " + max + ")");
                assertEquals(sum, r.sum(), 1e-9);
            }
        }
    }

    static Stream<Arguments> families() {
        return Stream.of(Arguments.of(Families.neox(3, false)), Arguments.of(Families.neox(2, true)),
                Arguments.of(Families.llama(3, false)), Arguments.of(Families.llama(2, true)));
    }

    /** GPT-NeoX (partial rotary, parallel blocks) and Llama (RMS, gated, rotary, 8 heads on 2 key/value heads). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void termsSumToTheLogitOnOtherFamilies(ModelConfig c) {
        Transformer m = new Transformer(RandomWeights.generate(c, 31, 0.4));
        ActivationCache cache = m.runWithCache(TOKENS);
        for (int pos : new int[] {0, 4, TOKENS.length - 1}) {
            for (int target : new int[] {2, 17}) {
                PathExpansion.Result r = PathExpansion.expand(m, cache, pos, target);
                double max = r.terms().stream().mapToDouble(t -> Math.abs(t.value())).max().orElseThrow();
                double logit = cache.logits().get(pos, target);
                assertTrue(Math.abs(r.sum() - logit) <= 1e-4 * max + 1e-6,
                        c.modelName() + " pos " + pos + " target " + target + ": terms sum to " + r.sum() + " but the logit is " + logit);
                assertEquals("embed", r.terms().stream().filter(t -> t.kind().equals(PathExpansion.DIRECT)).findFirst().orElseThrow().label(),
                        "no W_pos in a rotary model's direct path");
                assertEquals(c.normalizationType() == Normalization.LN, r.terms().stream().anyMatch(t -> t.label().equals("ln_final.b")));
            }
        }
    }

    /**
     * Every single-head term of a Llama-style and a NeoX-style model against float64 loops over
     * the recorded cache: Σ_s A[p, s]·(norm1(x0[s]) without its bias)·W_V[kv(h)]·W_O[h], then
     * the final norm (frozen scale, centring for LN only, weight) and W_U[:, t]. The
     * normalisations are written here from their definitions; only the patterns and scales are
     * read from the cache.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void singleHeadTermsOfOtherFamiliesMatchANaiveComputationFromTheCache(ModelConfig c) {
        Weights w = RandomWeights.generate(c, 41, 0.5);
        Transformer m = new Transformer(w);
        ActivationCache cache = m.runWithCache(TOKENS);
        int T = TOKENS.length, D = c.dModel(), H = c.nHeads(), dh = c.dHead(), V = c.dVocab(), pos = 6, target = 11;
        int group = H / c.architecture().nKeyValueHeads();
        boolean ln = c.normalizationType() == Normalization.LN;
        String kvPrefix = group > 1 ? "_" : "";
        double[] WE = d(w, "embed.W_E"), WU = d(w, "unembed.W_U"), wf = d(w, "ln_final.w");
        double sf = cache.get("ln_final.hook_scale").data()[pos];
        PathExpansion.Result r = PathExpansion.expand(m, cache, pos, target);
        for (int l = 0; l < c.nLayers(); l++) {
            double[] WV = d(w, "blocks." + l + ".attn." + kvPrefix + "W_V"), WO = d(w, "blocks." + l + ".attn.W_O"), w1 = d(w, "blocks." + l + ".ln1.w");
            float[] a = cache.get("blocks." + l + ".attn.hook_pattern").data(), s1 = cache.get("blocks." + l + ".ln1.hook_scale").data();
            for (int h = 0; h < H; h++) {
                int g = h / group;
                double[] out = new double[D];
                for (int s = 0; s <= pos; s++) {
                    double[] x = new double[D];
                    double mean = 0;
                    for (int i = 0; i < D; i++) x[i] = WE[TOKENS[s] * D + i];
                    if (ln) for (int i = 0; i < D; i++) mean += x[i] / D;
                    for (int i = 0; i < D; i++) x[i] = (x[i] - mean) / s1[s] * w1[i];
                    for (int e = 0; e < dh; e++) {
                        double v = 0;
                        for (int i = 0; i < D; i++) v += x[i] * WV[(g * D + i) * dh + e];
                        for (int o = 0; o < D; o++) out[o] += a[(h * T + pos) * T + s] * v * WO[(h * dh + e) * D + o];
                    }
                }
                double mean = 0, want = 0;
                if (ln) for (double e : out) mean += e / D;
                for (int o = 0; o < D; o++) want += (out[o] - mean) / sf * wf[o] * WU[o * V + target];
                String label = ModelConfig.headLabel(l, h);
                assertEquals(want, value(r, label), 1e-4 * Math.max(1, Math.abs(want)), c.modelName() + " single-head term " + label);
            }
        }
    }

    @Test
    void everyTermIsListedOnceAndSortedByMagnitude() {
        int layers = 3, h = 3;
        ModelConfig c = cfg(layers, false, Normalization.LN);
        PathExpansion.Result r = PathExpansion.expand(new Transformer(RandomWeights.generate(c, 5, 0.4)), TOKENS, 4, 7);
        List<PathExpansion.Term> t = r.terms();
        long pairs = (long) h * h * (layers * (layers - 1) / 2);
        assertEquals(1, count(t, "direct"));
        assertEquals(layers * h, count(t, "head"));
        assertEquals(pairs, count(t, "virtual"));
        assertEquals(layers, count(t, "mlp"));
        assertEquals(h * (layers * (layers - 1) / 2), count(t, "mlp_virtual"), "MLP a -> each head of each later layer");
        // b_V per head, b_O per layer, biases->head for heads of layers ≥ 1, ln_final.b, b_U.
        assertEquals(layers * h + layers + (layers - 1) * h + 2, count(t, "bias"));
        assertEquals(t.size(), t.stream().map(PathExpansion.Term::label).distinct().count(), "labels are unique");
        assertTrue(t.stream().anyMatch(x -> x.label().equals("L0H2->L2H1")));
        for (int i = 1; i < t.size(); i++) assertTrue(Math.abs(t.get(i - 1).value()) >= Math.abs(t.get(i).value()), "sorted at " + i);
    }

    /** A zero-layer model's logit is its direct path and the two final biases, nothing else. */
    @Test
    void aZeroLayerModelHasOnlyTheDirectPathAndTheFinalBiases() {
        ModelConfig c = cfg(0, true, Normalization.LN);
        Transformer m = new Transformer(RandomWeights.generate(c, 5, 0.4));
        PathExpansion.Result r = PathExpansion.expand(m, TOKENS, 4, 7);
        assertEquals(3, r.terms().size(), r.terms().toString());
        assertEquals(1, count(r.terms(), "direct"));
        assertEquals(2, count(r.terms(), "bias"));
        assertEquals(m.forward(TOKENS).data()[4 * c.dVocab() + 7], r.logit(), 1e-5);
        assertEquals(r.logit(), r.sum(), 1e-4);
    }

    private static long count(List<PathExpansion.Term> t, String kind) { return t.stream().filter(x -> x.kind().equals(kind)).count(); }

    /**
     * One-layer LN model: each single-head term and each head's value-bias term against a
     * float64 forward written here (patterns and scales recomputed, not read from the cache).
     */
    @Test
    void singleHeadTermsMatchANaiveFloat64Computation() {
        ModelConfig c = cfg(1, true, Normalization.LN);
        Weights w = RandomWeights.generate(c, 21, 0.5);
        Transformer m = new Transformer(w);
        int T = TOKENS.length, D = c.dModel(), H = c.nHeads(), dh = c.dHead(), V = c.dVocab(), pos = 5, target = 13;
        double[] WE = d(w, "embed.W_E"), WP = d(w, "pos_embed.W_pos"), WQ = d(w, "blocks.0.attn.W_Q"), WK = d(w, "blocks.0.attn.W_K"),
                WV = d(w, "blocks.0.attn.W_V"), WO = d(w, "blocks.0.attn.W_O"), bQ = d(w, "blocks.0.attn.b_Q"), bK = d(w, "blocks.0.attn.b_K"),
                bV = d(w, "blocks.0.attn.b_V"), bO = d(w, "blocks.0.attn.b_O"), w1 = d(w, "blocks.0.ln1.w"), b1 = d(w, "blocks.0.ln1.b"),
                wf = d(w, "ln_final.w"), WU = d(w, "unembed.W_U");
        double[][] x0 = new double[T][D], xn = new double[T][D], xc = new double[T][D]; // residual, LN1 output, LN1 without its bias
        for (int s = 0; s < T; s++) {
            for (int i = 0; i < D; i++) x0[s][i] = WE[TOKENS[s] * D + i] + WP[s * D + i];
            double mean = 0, var = 0;
            for (int i = 0; i < D; i++) mean += x0[s][i] / D;
            for (int i = 0; i < D; i++) var += (x0[s][i] - mean) * (x0[s][i] - mean) / D;
            double sc = Math.sqrt(var + c.eps());
            for (int i = 0; i < D; i++) {
                xc[s][i] = (x0[s][i] - mean) / sc * w1[i];
                xn[s][i] = xc[s][i] + b1[i];
            }
        }
        double[] resid = x0[pos].clone();
        double[][] single = new double[H][D], biasPart = new double[H][D];
        for (int h = 0; h < H; h++) {
            double[] q = proj(xn[pos], WQ, bQ, h, D, dh);
            double[] score = new double[pos + 1];
            double max = Double.NEGATIVE_INFINITY, z = 0;
            for (int s = 0; s <= pos; s++) {
                double[] k = proj(xn[s], WK, bK, h, D, dh);
                for (int e = 0; e < dh; e++) score[s] += q[e] * k[e] / Math.sqrt(dh);
                max = Math.max(max, score[s]);
            }
            for (int s = 0; s <= pos; s++) z += Math.exp(score[s] - max);
            for (int s = 0; s <= pos; s++) {
                double a = Math.exp(score[s] - max) / z;
                double[] vc = proj(xc[s], WV, new double[bV.length], h, D, dh);          // value without biases
                double[] vb = proj(b1, WV, bV, h, D, dh);                               // value bias: ln1.b W_V + b_V
                for (int o = 0; o < D; o++) {
                    for (int e = 0; e < dh; e++) {
                        single[h][o] += a * vc[e] * WO[(h * dh + e) * D + o];
                        biasPart[h][o] += a * vb[e] * WO[(h * dh + e) * D + o];
                    }
                }
            }
            for (int o = 0; o < D; o++) resid[o] += single[h][o] + biasPart[h][o];
        }
        for (int o = 0; o < D; o++) resid[o] += bO[o];
        double mean = 0, var = 0;
        for (int i = 0; i < D; i++) mean += resid[i] / D;
        for (int i = 0; i < D; i++) var += (resid[i] - mean) * (resid[i] - mean) / D;
        double sf = Math.sqrt(var + c.eps());

        PathExpansion.Result r = PathExpansion.expand(m, TOKENS, pos, target);
        for (int h = 0; h < H; h++) {
            double want = readOut(single[h], sf, wf, WU, target, V), wantBias = readOut(biasPart[h], sf, wf, WU, target, V);
            String label = ModelConfig.headLabel(0, h);
            assertEquals(want, value(r, label), 1e-4 * Math.max(1, Math.abs(want)), "single-head term " + label);
            assertEquals(wantBias, value(r, label + ".b_V"), 1e-4 * Math.max(1, Math.abs(wantBias)), "value-bias term " + label);
        }
    }

    /** The final LayerNorm (frozen scale sf, centring, weight) then W_U[:, target] applied to one component. */
    private static double readOut(double[] x, double sf, double[] wf, double[] WU, int target, int V) {
        double mean = 0, s = 0;
        for (double e : x) mean += e / x.length;
        for (int i = 0; i < x.length; i++) s += (x[i] - mean) / sf * wf[i] * WU[i * V + target];
        return s;
    }

    private static double[] proj(double[] x, double[] W, double[] b, int h, int D, int dh) {
        double[] out = new double[dh];
        for (int e = 0; e < dh; e++) {
            double s = b[h * dh + e];
            for (int i = 0; i < D; i++) s += x[i] * W[(h * D + i) * dh + e];
            out[e] = s;
        }
        return out;
    }

    static double value(PathExpansion.Result r, String label) {
        return r.terms().stream().filter(t -> t.label().equals(label)).findFirst().orElseThrow(() -> new AssertionError("no term " + label)).value();
    }

    static double[] d(Weights w, String name) {
        float[] f = w.data(name);
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) out[i] = f[i];
        return out;
    }

    @Test
    void twoLayerVirtualTermIsHeadOutputReadThroughTheLaterHead() {
        // Attention-only, no normalization: the virtual term L0Hi->L1Hj is exactly the (non-bias) output of L0Hi
        // read through L1Hj's OV and the unembedding, Σ_s A1[p,s] (result0_i[s] − A-row-sum·b_V W_O) W_V1 W_O1 W_U.
        ModelConfig c = cfg(2, true, Normalization.NONE);
        Weights w = RandomWeights.generate(c, 8, 0.4);
        Transformer m = new Transformer(w);
        ActivationCache cache = m.runWithCache(TOKENS);
        int pos = 6, target = 4, D = c.dModel(), H = c.nHeads(), dh = c.dHead(), V = c.dVocab(), T = TOKENS.length;
        double[] WV1 = d(w, "blocks.1.attn.W_V"), WO1 = d(w, "blocks.1.attn.W_O"), WO0 = d(w, "blocks.0.attn.W_O"),
                bV0 = d(w, "blocks.0.attn.b_V"), WU = d(w, "unembed.W_U");
        float[] res0 = cache.get("blocks.0.attn.hook_result").data(), a0 = cache.get("blocks.0.attn.hook_pattern").data(),
                a1 = cache.get("blocks.1.attn.hook_pattern").data();
        PathExpansion.Result r = PathExpansion.expand(m, cache, pos, target);
        for (int i = 0; i < H; i++) {
            for (int j = 0; j < H; j++) {
                double want = 0;
                for (int s = 0; s <= pos; s++) {
                    double rowSum = 0;
                    for (int k = 0; k <= s; k++) rowSum += a0[(i * T + s) * T + k];
                    double[] src = new double[D];
                    for (int o = 0; o < D; o++) {
                        double b = 0;
                        for (int e = 0; e < dh; e++) b += bV0[i * dh + e] * WO0[(i * dh + e) * D + o];
                        src[o] = res0[(s * H + i) * D + o] - rowSum * b;
                    }
                    double[] vv = proj(src, WV1, new double[H * dh], j, D, dh);
                    for (int o = 0; o < D; o++) {
                        double out = 0;
                        for (int e = 0; e < dh; e++) out += vv[e] * WO1[(j * dh + e) * D + o];
                        want += a1[(j * T + pos) * T + s] * out * WU[o * V + target];
                    }
                }
                String label = ModelConfig.headLabel(0, i) + "->" + ModelConfig.headLabel(1, j);
                assertEquals(want, value(r, label), 1e-4 * Math.max(1, Math.abs(want)), label);
            }
        }
    }

    @Test
    void positionAndTokenOutsideThePromptAreClearErrors() {
        Transformer m = new Transformer(RandomWeights.generate(cfg(1, true, Normalization.LN), 1, 0.3));
        var e = assertThrows(IllegalArgumentException.class, () -> PathExpansion.expand(m, TOKENS, 7, 0));
        assertTrue(e.getMessage().contains("position 7") && e.getMessage().contains("0–6"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PathExpansion.expand(m, TOKENS, 0, 30));
        assertTrue(e.getMessage().contains("30"), e.getMessage());
    }
}
