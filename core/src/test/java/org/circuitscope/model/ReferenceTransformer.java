package org.circuitscope.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A naive float64 transformer written from the published definitions, independent of the
 * production pass (no Forward, Rotary, kernels, WeightNames or HookPoint): the oracle the real
 * forward pass is compared with. Activations are double arrays under TransformerLens's hook
 * names, each with TransformerLens's shape (batch dimension dropped).
 *
 * <p>What it follows, per family:
 * <ul>
 * <li>GPT-2: learned positions added to the embedding, LayerNorm, sequential blocks.</li>
 * <li>GPT-NeoX (Pythia): rotary on the first rotary_dim dimensions of each head, parallel
 *     attention and MLP (both read resid_pre; resid_post = resid_pre + attn_out + mlp_out).</li>
 * <li>Llama-style: RMSNorm (no centring, no bias), SwiGLU as TransformerLens's GatedMLP
 *     (post = act(x·W_gate) ⊙ (x·W_in) + b_in), grouped-query attention (query head h reads
 *     key/value head h / (n_heads / n_kv), as repeat_interleave orders them).</li>
 * <li>Rotary as Hugging Face writes it: inv_freq_i = 1 / base^(2i / rotary_dim), the angle of
 *     dimension j is pos · inv_freq_(j mod rotary_dim/2) (freqs concatenated with themselves),
 *     x·cos + rotate_half(x)·sin with rotate_half(x1, x2) = (−x2, x1).</li>
 * <li>Norms as TransformerLens 3.x: scale = sqrt(mean(x²) + eps) of the (centred, for LN) row;
 *     hook_normalized = x / scale before the weight and bias.</li>
 * </ul>
 */
final class ReferenceTransformer {
    /** One hook's values, row-major in {@code shape}. */
    record Activation(double[] data, int[] shape) {}

    private final ModelConfig c;
    private final Weights w;
    private final int dModel, nHeads, nKv, dHead;

    ReferenceTransformer(Weights w) {
        this.w = w;
        this.c = w.config();
        this.dModel = c.dModel();
        this.nHeads = c.nHeads();
        this.nKv = c.architecture().nKeyValueHeads();
        this.dHead = c.dHead();
    }

    private double[] W(String name) {
        float[] f = w.data(name);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /** Every hook's values, in forward order. */
    Map<String, double[]> run(int[] tokens) {
        Map<String, double[]> out = new LinkedHashMap<>();
        trace(tokens).forEach((name, a) -> out.put(name, a.data()));
        return out;
    }

    /** Every hook's values and TransformerLens shape, in forward order. */
    Map<String, Activation> trace(int[] tokens) {
        Map<String, Activation> out = new LinkedHashMap<>();
        int T = tokens.length, D = dModel;
        boolean rotary = c.architecture().positionalEmbeddingType() == PositionalEmbedding.ROTARY;
        double[] WE = W("embed.W_E");
        double[] embed = new double[T * D];
        for (int t = 0; t < T; t++) for (int i = 0; i < D; i++) embed[t * D + i] = WE[tokens[t] * D + i];
        put(out, "hook_embed", embed, T, D);
        double[] resid = embed.clone();
        if (!rotary) {
            // Learned positions join the stream; rotary ones turn queries and keys instead.
            double[] WP = W("pos_embed.W_pos"), pos = new double[T * D];
            for (int t = 0; t < T; t++) for (int i = 0; i < D; i++) pos[t * D + i] = WP[t * D + i];
            put(out, "hook_pos_embed", pos, T, D);
            resid = add(resid, pos);
        }
        for (int l = 0; l < c.nLayers(); l++) {
            String b = "blocks." + l + ".";
            put(out, b + "hook_resid_pre", resid.clone(), T, D);
            double[] attnOut = attention(out, b, norm(out, resid, T, b + "ln1."), T, rotary);
            put(out, b + "hook_attn_out", attnOut, T, D);
            double[] next = add(resid, attnOut);
            if (!c.attnOnly()) {
                boolean parallel = c.architecture().parallelAttnMlp();
                if (!parallel) put(out, b + "hook_resid_mid", next.clone(), T, D);
                // GPT-NeoX: the MLP reads resid_pre, not resid_pre + attn_out.
                double[] mlpOut = mlp(out, b, norm(out, parallel ? resid : next, T, b + "ln2."), T);
                put(out, b + "hook_mlp_out", mlpOut, T, D);
                next = add(next, mlpOut);
            }
            put(out, b + "hook_resid_post", next.clone(), T, D);
            resid = next;
        }
        double[] x = norm(out, resid, T, "ln_final.");
        int V = c.dVocab();
        put(out, "logits", affine(x, T, D, W("unembed.W_U"), V, W("unembed.b_U")), T, V);
        return out;
    }

    private static void put(Map<String, Activation> out, String name, double[] data, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        if (n != data.length) throw new IllegalStateException(name + ": " + data.length + " values for its shape");
        out.put(name, new Activation(data, shape));
    }

    private static double[] add(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i] + b[i];
        return r;
    }

    /** x [T, in] · W [in, width] + b (b null for none). */
    private static double[] affine(double[] x, int T, int in, double[] W, int width, double[] b) {
        double[] r = new double[T * width];
        for (int t = 0; t < T; t++)
            for (int o = 0; o < width; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) s += x[t * in + i] * W[i * width + o];
                r[t * width + o] = s;
            }
        return r;
    }

    private double[] project(double[] x, int T, double[] W, double[] bias, int heads) {
        return org.circuitscope.model.Naive64.project(x, T, dModel, dHead, W, bias, heads);
    }

    private double[] attention(Map<String, Activation> out, String b, double[] x, int T, boolean rotary) {
        int H = nHeads, KV = nKv, dh = dHead, D = dModel;
        // Grouped-query checkpoints keep only the key/value heads, under TransformerLens's _W_K, _W_V, _b_K, _b_V.
        String kv = KV < H ? "_" : "";
        double[] q = project(x, T, W(b + "attn.W_Q"), W(b + "attn.b_Q"), H);
        double[] k = project(x, T, W(b + "attn." + kv + "W_K"), W(b + "attn." + kv + "b_K"), KV);
        double[] v = project(x, T, W(b + "attn." + kv + "W_V"), W(b + "attn." + kv + "b_V"), KV);
        put(out, b + "attn.hook_q", q, T, H, dh);
        put(out, b + "attn.hook_k", k, T, KV, dh);
        put(out, b + "attn.hook_v", v, T, KV, dh);
        if (rotary) {
            q = rotate(q, T, H);
            k = rotate(k, T, KV);
            put(out, b + "attn.hook_rot_q", q, T, H, dh);
            put(out, b + "attn.hook_rot_k", k, T, KV, dh);
        }
        int perKv = H / KV;
        double[] scores = new double[H * T * T], pattern = new double[H * T * T];
        for (int h = 0; h < H; h++) {
            int g = h / perKv;
            for (int i = 0; i < T; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < T; j++) {
                    double s = Double.NEGATIVE_INFINITY;
                    if (j <= i) {
                        s = 0;
                        for (int e = 0; e < dh; e++) s += q[(i * H + h) * dh + e] * k[(j * KV + g) * dh + e];
                        s /= Math.sqrt(dh);
                    }
                    scores[(h * T + i) * T + j] = s;
                    max = Math.max(max, s);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) sum += Math.exp(scores[(h * T + i) * T + j] - max);
                for (int j = 0; j <= i; j++) pattern[(h * T + i) * T + j] = Math.exp(scores[(h * T + i) * T + j] - max) / sum;
            }
        }
        put(out, b + "attn.hook_attn_scores", scores, H, T, T);
        put(out, b + "attn.hook_pattern", pattern, H, T, T);
        double[] z = new double[T * H * dh];
        for (int i = 0; i < T; i++)
            for (int h = 0; h < H; h++)
                for (int e = 0; e < dh; e++) {
                    double s = 0;
                    for (int j = 0; j <= i; j++) s += pattern[(h * T + i) * T + j] * v[(j * KV + h / perKv) * dh + e];
                    z[(i * H + h) * dh + e] = s;
                }
        put(out, b + "attn.hook_z", z, T, H, dh);
        double[] WO = W(b + "attn.W_O"), bO = W(b + "attn.b_O");
        double[] result = new double[T * H * D], attnOut = new double[T * D];
        for (int i = 0; i < T; i++) {
            for (int h = 0; h < H; h++)
                for (int o = 0; o < D; o++) {
                    double s = 0;
                    for (int e = 0; e < dh; e++) s += z[(i * H + h) * dh + e] * WO[(h * dh + e) * D + o];
                    result[(i * H + h) * D + o] = s;
                    attnOut[i * D + o] += s;
                }
            for (int o = 0; o < D; o++) attnOut[i * D + o] += bO[o];
        }
        put(out, b + "attn.hook_result", result, T, H, D);
        return attnOut;
    }

    /**
     * Hugging Face's apply_rotary_pos_emb on x [T, heads, d_head] at positions 0..T−1: the first
     * rotary_dim dimensions become x·cos + rotate_half(x)·sin, the rest pass.
     */
    private double[] rotate(double[] x, int T, int heads) {
        int rd = c.architecture().rotaryDim(), half = rd / 2, dh = dHead;
        double base = c.architecture().rotaryBase();
        double[] invFreq = new double[half];
        for (int i = 0; i < half; i++) invFreq[i] = 1.0 / Math.pow(base, (2.0 * i) / rd);
        double[] r = x.clone();
        for (int t = 0; t < T; t++)
            for (int h = 0; h < heads; h++) {
                int o = (t * heads + h) * dh;
                for (int j = 0; j < rd; j++) {
                    double angle = t * invFreq[j % half];
                    double rotatedHalf = j < half ? -x[o + j + half] : x[o + j - half];
                    r[o + j] = x[o + j] * Math.cos(angle) + rotatedHalf * Math.sin(angle);
                }
            }
        return r;
    }

    private double[] mlp(Map<String, Activation> out, String b, double[] x, int T) {
        int D = dModel, M = c.dMlp();
        double[] bIn = W(b + "mlp.b_in");
        double[] post = new double[T * M];
        if (c.architecture().gatedMlp()) {
            // TransformerLens GatedMLP: the gate carries the activation, b_in is added after the product.
            double[] pre = affine(x, T, D, W(b + "mlp.W_gate"), M, null);
            double[] linear = affine(x, T, D, W(b + "mlp.W_in"), M, null);
            for (int i = 0; i < T * M; i++) post[i] = act(pre[i]) * linear[i] + bIn[i % M];
            put(out, b + "mlp.hook_pre", pre, T, M);
            put(out, b + "mlp.hook_pre_linear", linear, T, M);
        } else {
            double[] pre = affine(x, T, D, W(b + "mlp.W_in"), M, bIn);
            for (int i = 0; i < T * M; i++) post[i] = act(pre[i]);
            put(out, b + "mlp.hook_pre", pre, T, M);
        }
        put(out, b + "mlp.hook_post", post, T, M);
        return affine(post, T, M, W(b + "mlp.W_out"), D, W(b + "mlp.b_out"));
    }

    private double act(double x) {
        return switch (c.actFn()) {
            case RELU -> Math.max(0, x);
            case GELU_NEW -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            case GELU -> 0.5 * x * (1 + erf(x / Math.sqrt(2)));
            case SILU -> x / (1 + Math.exp(-x));
        };
    }

    /** erf by its Taylor series / continued fraction: independent of the production Erf. */
    static double erf(double x) {
        if (Math.abs(x) > 6) return Math.signum(x);
        if (Math.abs(x) < 3) {
            double sum = 0, term = x;
            for (int n = 0; n < 200; n++) {
                sum += term / (2 * n + 1);
                term *= -x * x / (n + 1);
            }
            return 2 / Math.sqrt(Math.PI) * sum;
        }
        // erfc continued fraction for larger |x|.
        double ax = Math.abs(x), f = 0;
        for (int n = 60; n >= 1; n--) f = n / 2.0 / (ax + f);
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
        return Math.signum(x) * (1 - erfc);
    }

    /**
     * LayerNorm (LN: centred, ·w + b; LNPre: centred only) or RMSNorm (RMS: ·w; RMSPre: none)
     * of each row, recording hook_scale [T, 1] and hook_normalized (x / scale, before w and b).
     */
    private double[] norm(Map<String, Activation> out, double[] x, int T, String prefix) {
        Normalization type = c.normalizationType();
        if (type == Normalization.NONE) return x;
        boolean center = type == Normalization.LN || type == Normalization.LN_PRE;
        int D = dModel;
        double[] lw = type == Normalization.LN || type == Normalization.RMS ? W(prefix + "w") : null;
        double[] lb = type == Normalization.LN ? W(prefix + "b") : null;
        double[] y = new double[T * D], normalized = new double[T * D], scale = new double[T];
        for (int t = 0; t < T; t++) {
            double mean = 0;
            if (center) {
                for (int i = 0; i < D; i++) mean += x[t * D + i];
                mean /= D;
            }
            double sq = 0;
            for (int i = 0; i < D; i++) sq += (x[t * D + i] - mean) * (x[t * D + i] - mean);
            scale[t] = Math.sqrt(sq / D + c.eps());
            for (int i = 0; i < D; i++) {
                double v = (x[t * D + i] - mean) / scale[t];
                normalized[t * D + i] = v;
                y[t * D + i] = lw == null ? v : v * lw[i] + (lb == null ? 0 : lb[i]);
            }
        }
        put(out, prefix + "hook_scale", scale, T, 1);
        put(out, prefix + "hook_normalized", normalized, T, D);
        return y;
    }
}
