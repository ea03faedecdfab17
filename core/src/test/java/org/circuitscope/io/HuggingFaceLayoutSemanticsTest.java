package org.circuitscope.io;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.Architecture;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.PositionalEmbedding;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Weights;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The written checkpoints mean, under Hugging Face's own definitions, the model circuitscope
 * runs. A naive float64 forward pass here reads the Hugging Face tensors straight from
 * model.safetensors and computes as transformers' modeling code does (nn.Linear y = x·Wᵀ + b,
 * GPT-2's Conv1D y = x·W + b, GPT-NeoX's fused query_key_value viewed as [heads, 3·d_head],
 * rotate_half on the first rotary dims with θ^(−2i/rot), repeat_kv's grouping, SwiGLU,
 * parallel residual); every hook of circuitscope's pass on the loaded model must agree with it.
 * It shares no code with the layouts, so a consistent mistake in both directions shows here.
 */
class HuggingFaceLayoutSemanticsTest {
    @TempDir Path tmp;

    static final int[] TOKENS = {5, 0, 36, 12, 12, 7, 30, 2, 19};

    record Case(String label, String modelType, ModelConfig cfg, boolean tied, boolean bias) {
        @Override public String toString() { return label; }
    }

    static Stream<Case> cases() {
        ModelConfig gpt2 = new ModelConfig("m", 2, 24, 3, 8, 40, 37, 16, ActFn.GELU_NEW, Normalization.LN, false, 1e-5, true);
        // gelu_new rather than gelu for GPT-NeoX: the reference then needs no erf; the layout does not depend on it.
        ModelConfig neoxParallel = new ModelConfig("m", 2, 24, 3, 8, 40, 37, 16, ActFn.GELU_NEW, Normalization.LN, false, 1e-5, false,
                new Architecture(PositionalEmbedding.ROTARY, 2, 10000, 0, false, true, ""));
        ModelConfig neoxSequential = neoxParallel.withArchitecture(new Architecture(PositionalEmbedding.ROTARY, 8, 100, 0, false, false, ""));
        ModelConfig llama = new ModelConfig("m", 2, 24, 6, 4, 40, 37, 16, ActFn.SILU, Normalization.RMS, false, 1e-6, true,
                new Architecture(PositionalEmbedding.ROTARY, 4, 1000, 2, true, false, ""));
        return Stream.of(
                new Case("gpt2 untied", "gpt2", gpt2, false, true),
                new Case("neox parallel, rotary_pct 0.25", "gpt_neox", neoxParallel, false, true),
                new Case("neox sequential, rotary_pct 1, tied", "gpt_neox", neoxSequential, true, true),
                new Case("llama GQA 6/2 with attention_bias", "llama", llama, false, true),
                new Case("qwen2 GQA 6/2 tied", "qwen2", llama, true, true),
                new Case("mistral GQA 6/2", "mistral", llama, false, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyHookAgreesWithHuggingFacesDefinitions(Case k) throws Exception {
        HuggingFaceConfig hc = HuggingFaceCheckpoint.describe(new HuggingFaceConfig(k.modelType(), k.cfg(), k.tied(), k.bias(), -1));
        Weights w = HuggingFaceCheckpoint.fit(hc, RandomWeights.generate(hc.config(), 7, 0.4));
        Path dir = tmp.resolve("m");
        HuggingFaceCheckpoint.save(dir, hc, w, "F32");
        ActivationCache cache;
        try (LoadedModel m = ModelDirectory.load(dir)) {
            cache = m.transformer().runWithCache(TOKENS);
        }
        try (SafeTensors st = SafeTensors.open(dir.resolve(ModelDirectory.WEIGHTS))) {
            new Reference(k.modelType(), hc.config(), st, cache).run();
        }
    }

    /** transformers' forward pass in float64, checked against the cache hook by hook. */
    private static final class Reference {
        final String type;
        final ModelConfig c;
        final SafeTensors st;
        final ActivationCache cache;
        final int n, d, h, kv, dh;
        final boolean gpt2, neox;

        Reference(String type, ModelConfig c, SafeTensors st, ActivationCache cache) {
            this.type = type; this.c = c; this.st = st; this.cache = cache;
            n = TOKENS.length; d = c.dModel(); h = c.nHeads(); kv = c.nKeyValueHeads(); dh = c.dHead();
            gpt2 = type.equals("gpt2"); neox = type.equals("gpt_neox");
        }

        float[] t(String name) throws Exception { return st.readWeight(name).data(); }

        float[] opt(String name) throws Exception { return st.contains(name) ? t(name) : null; }

        void run() throws Exception {
            String emb = gpt2 ? "transformer.wte.weight" : neox ? "gpt_neox.embed_in.weight" : "model.embed_tokens.weight";
            float[] we = t(emb);
            double[][] x = new double[n][d];
            for (int p = 0; p < n; p++) for (int i = 0; i < d; i++) x[p][i] = we[TOKENS[p] * d + i];
            if (gpt2) {
                float[] wpe = t("transformer.wpe.weight");
                for (int p = 0; p < n; p++) for (int i = 0; i < d; i++) x[p][i] += wpe[p * d + i];
            }
            for (int l = 0; l < c.nLayers(); l++) x = block(l, x);
            String fin = gpt2 ? "transformer.ln_f." : neox ? "gpt_neox.final_layer_norm." : "model.norm.";
            double[][] f = norm(x, t(fin + "weight"), opt(fin + "bias"));
            String head = gpt2 ? "lm_head.weight" : neox ? "embed_out.weight" : "lm_head.weight";
            float[] wu = st.contains(head) ? t(head) : we; // tied: the embedding
            check("logits", linear(f, wu, c.dVocab(), null), cache.logits().data());
        }

        double[][] block(int l, double[][] x) throws Exception {
            check(HookPoint.residPre(l), x);
            String p = gpt2 ? "transformer.h." + l + "." : neox ? "gpt_neox.layers." + l + "." : "model.layers." + l + ".";
            String ln1 = gpt2 ? "ln_1." : "input_layernorm.", ln2 = gpt2 ? "ln_2." : "post_attention_layernorm.";
            double[][] a = norm(x, t(p + ln1 + "weight"), opt(p + ln1 + "bias"));
            double[][][] q = new double[n][h][dh], k = new double[n][kv][dh], v = new double[n][kv][dh];
            if (gpt2) {
                double[][] y = conv1d(a, t(p + "attn.c_attn.weight"), 3 * d, t(p + "attn.c_attn.bias"));
                for (int s = 0; s < n; s++) for (int i = 0; i < h; i++) for (int e = 0; e < dh; e++) {
                    q[s][i][e] = y[s][i * dh + e]; k[s][i][e] = y[s][d + i * dh + e]; v[s][i][e] = y[s][2 * d + i * dh + e];
                }
            } else if (neox) {
                double[][] y = linear(a, t(p + "attention.query_key_value.weight"), 3 * h * dh, opt(p + "attention.query_key_value.bias"));
                // view(heads, 3·d_head), then q, k, v are the three thirds of each head's slice.
                for (int s = 0; s < n; s++) for (int i = 0; i < h; i++) for (int e = 0; e < dh; e++) {
                    q[s][i][e] = y[s][i * 3 * dh + e]; k[s][i][e] = y[s][i * 3 * dh + dh + e]; v[s][i][e] = y[s][i * 3 * dh + 2 * dh + e];
                }
            } else {
                q = heads(linear(a, t(p + "self_attn.q_proj.weight"), h * dh, opt(p + "self_attn.q_proj.bias")), h);
                k = heads(linear(a, t(p + "self_attn.k_proj.weight"), kv * dh, opt(p + "self_attn.k_proj.bias")), kv);
                v = heads(linear(a, t(p + "self_attn.v_proj.weight"), kv * dh, opt(p + "self_attn.v_proj.bias")), kv);
            }
            check(HookPoint.attn(l, "q"), q);
            check(HookPoint.attn(l, "k"), k);
            check(HookPoint.attn(l, "v"), v);
            if (c.rotary()) {
                q = rotate(q);
                k = rotate(k);
                check(HookPoint.attn(l, "rot_q"), q);
                check(HookPoint.attn(l, "rot_k"), k);
            }
            double[][] z = new double[n][h * dh]; // heads merged, as attn_output.reshape(.., heads·d_head)
            for (int i = 0; i < h; i++) {
                int g = i / (h / kv); // repeat_kv: each key/value head serves h/kv consecutive query heads
                for (int s = 0; s < n; s++) {
                    double[] sc = new double[s + 1];
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int t = 0; t <= s; t++) {
                        for (int e = 0; e < dh; e++) sc[t] += q[s][i][e] * k[t][g][e];
                        sc[t] /= Math.sqrt(dh);
                        max = Math.max(max, sc[t]);
                    }
                    for (int t = 0; t <= s; t++) sum += sc[t] = Math.exp(sc[t] - max);
                    for (int t = 0; t <= s; t++) for (int e = 0; e < dh; e++) z[s][i * dh + e] += sc[t] / sum * v[t][g][e];
                }
            }
            check(HookPoint.attn(l, "z"), z);
            double[][] attnOut = gpt2 ? conv1d(z, t(p + "attn.c_proj.weight"), d, t(p + "attn.c_proj.bias"))
                    : neox ? linear(z, t(p + "attention.dense.weight"), d, opt(p + "attention.dense.bias"))
                    : linear(z, t(p + "self_attn.o_proj.weight"), d, opt(p + "self_attn.o_proj.bias"));
            check(HookPoint.attnOut(l), attnOut);
            boolean parallel = neox && c.architecture().parallelAttnMlp();
            double[][] mid = parallel ? x : add(x, attnOut);
            double[][] b = norm(mid, t(p + ln2 + "weight"), opt(p + ln2 + "bias"));
            double[][] mlpOut;
            if (gpt2 || neox) {
                double[][] pre = gpt2 ? conv1d(b, t(p + "mlp.c_fc.weight"), c.dMlp(), t(p + "mlp.c_fc.bias"))
                        : linear(b, t(p + "mlp.dense_h_to_4h.weight"), c.dMlp(), t(p + "mlp.dense_h_to_4h.bias"));
                check(HookPoint.mlp(l, "pre"), pre);
                double[][] post = map(pre, Reference::geluNew);
                check(HookPoint.mlp(l, "post"), post);
                mlpOut = gpt2 ? conv1d(post, t(p + "mlp.c_proj.weight"), d, t(p + "mlp.c_proj.bias"))
                        : linear(post, t(p + "mlp.dense_4h_to_h.weight"), d, t(p + "mlp.dense_4h_to_h.bias"));
            } else {
                double[][] gate = linear(b, t(p + "mlp.gate_proj.weight"), c.dMlp(), null);
                double[][] up = linear(b, t(p + "mlp.up_proj.weight"), c.dMlp(), null);
                check(HookPoint.mlp(l, "pre"), gate);
                check(HookPoint.mlp(l, "pre_linear"), up);
                double[][] post = map(gate, xx -> xx / (1 + Math.exp(-xx)));
                for (int s = 0; s < n; s++) for (int j = 0; j < c.dMlp(); j++) post[s][j] *= up[s][j];
                check(HookPoint.mlp(l, "post"), post);
                mlpOut = linear(post, t(p + "mlp.down_proj.weight"), d, null);
            }
            check(HookPoint.mlpOut(l), mlpOut);
            double[][] out = parallel ? add(add(x, attnOut), mlpOut) : add(mid, mlpOut);
            check(HookPoint.residPost(l), out);
            return out;
        }

        /** rotate_half rotary on the first rot dims of each head: position s, frequency base^(−2j/rot). */
        double[][][] rotate(double[][][] x) {
            int rot = c.architecture().rotaryDim(), half = rot / 2;
            double[][][] out = new double[x.length][][];
            for (int s = 0; s < x.length; s++) {
                out[s] = new double[x[s].length][];
                for (int i = 0; i < x[s].length; i++) {
                    double[] r = x[s][i].clone();
                    for (int j = 0; j < half; j++) {
                        double ang = s / Math.pow(c.architecture().rotaryBase(), 2.0 * j / rot);
                        r[j] = x[s][i][j] * Math.cos(ang) - x[s][i][j + half] * Math.sin(ang);
                        r[j + half] = x[s][i][j + half] * Math.cos(ang) + x[s][i][j] * Math.sin(ang);
                    }
                    out[s][i] = r;
                }
            }
            return out;
        }

        double[][] norm(double[][] x, float[] w, float[] b) {
            boolean layerNorm = b != null || c.normalizationType() == Normalization.LN;
            double[][] out = new double[x.length][d];
            for (int s = 0; s < x.length; s++) {
                double mean = 0, sq = 0;
                if (layerNorm) { for (double v : x[s]) mean += v; mean /= d; }
                for (double v : x[s]) sq += (v - mean) * (v - mean);
                double scale = Math.sqrt(sq / d + c.eps());
                for (int i = 0; i < d; i++) out[s][i] = (x[s][i] - mean) / scale * w[i] + (b == null ? 0 : b[i]);
            }
            return out;
        }

        /** nn.Linear: y = x·Wᵀ + b with W stored [out, in]. */
        static double[][] linear(double[][] x, float[] w, int out, float[] b) {
            int in = x[0].length;
            double[][] y = new double[x.length][out];
            for (int s = 0; s < x.length; s++) for (int o = 0; o < out; o++) {
                double acc = b == null ? 0 : b[o];
                for (int m = 0; m < in; m++) acc += x[s][m] * w[o * in + m];
                y[s][o] = acc;
            }
            return y;
        }

        /** GPT-2's Conv1D: y = x·W + b with W stored [in, out]. */
        static double[][] conv1d(double[][] x, float[] w, int out, float[] b) {
            int in = x[0].length;
            double[][] y = new double[x.length][out];
            for (int s = 0; s < x.length; s++) for (int o = 0; o < out; o++) {
                double acc = b[o];
                for (int m = 0; m < in; m++) acc += x[s][m] * w[m * out + o];
                y[s][o] = acc;
            }
            return y;
        }

        double[][][] heads(double[][] y, int count) {
            double[][][] out = new double[y.length][count][dh];
            for (int s = 0; s < y.length; s++) for (int i = 0; i < count; i++) System.arraycopy(y[s], i * dh, out[s][i], 0, dh);
            return out;
        }

        static double geluNew(double x) { return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))); }

        static double[][] map(double[][] x, java.util.function.DoubleUnaryOperator f) {
            double[][] y = new double[x.length][];
            for (int s = 0; s < x.length; s++) y[s] = java.util.Arrays.stream(x[s]).map(f).toArray();
            return y;
        }

        static double[][] add(double[][] a, double[][] b) {
            double[][] y = new double[a.length][a[0].length];
            for (int s = 0; s < a.length; s++) for (int i = 0; i < a[0].length; i++) y[s][i] = a[s][i] + b[s][i];
            return y;
        }

        void check(String hook, double[][][] want) {
            check(hook, java.util.Arrays.stream(want).flatMap(java.util.Arrays::stream).toArray(double[][]::new), cache.get(hook).data());
        }

        void check(String hook, double[][] want) { check(hook, want, cache.get(hook).data()); }

        static void check(String hook, double[][] want, float[] got) {
            double[] flat = java.util.Arrays.stream(want).flatMapToDouble(java.util.Arrays::stream).toArray();
            assertEquals(flat.length, got.length, hook + " size");
            double max = 0;
            for (double v : flat) max = Math.max(max, Math.abs(v));
            for (int i = 0; i < flat.length; i++) {
                assertEquals(flat[i], got[i], 1e-4 * (1 + max), hook + " element " + i);
            }
        }
    }

}
