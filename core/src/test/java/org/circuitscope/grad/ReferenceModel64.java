package org.circuitscope.grad;

import java.util.LinkedHashMap;
import java.util.Map;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.PositionalEmbedding;
import org.circuitscope.model.Weights;

/**
 * A naive float64 forward pass written from the published definitions (TransformerLens's
 * blocks; RMSNorm, Zhang & Sennrich 2019; rotary embeddings as GPT-NeoX and Llama apply them,
 * Su et al. 2021; grouped-query attention, Ainslie et al. 2023; Llama's SwiGLU MLP; GPT-NeoX's
 * parallel attention and MLP), over parameters held as double arrays that a test may perturb
 * in place (finite differences): the oracle for the backward pass. Independent of the kernels,
 * of the float32 transformer and of its rotary tables and weight-name helpers.
 */
final class ReferenceModel64 {
    final ModelConfig c;
    /** Parameters by state-dict name, flat row-major; perturb and restore entries freely. */
    final Map<String, double[]> p = new LinkedHashMap<>();

    ReferenceModel64(Weights w) {
        this.c = w.config();
        w.asMap().forEach((name, t) -> {
            float[] f = t.data();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) d[i] = f[i];
            p.put(name, d);
        });
    }

    /** Logits [T·d_vocab] with the embeddings looked up from the parameters. */
    double[] logits(int[] tokens) { return logits(tokens, null, null); }

    /**
     * Logits [T·d_vocab]; {@code embed} / {@code pos} [T·d_model], when not null, replace the
     * looked-up token / positional embeddings (what hook_embed and hook_pos_embed hold). Rotary
     * models have no positional embedding: {@code pos} is ignored.
     */
    double[] logits(int[] tokens, double[] embed, double[] pos) {
        int T = tokens.length, D = c.dModel(), V = c.dVocab();
        boolean rotary = c.architecture().positionalEmbeddingType() == PositionalEmbedding.ROTARY;
        double[] WE = p.get("embed.W_E"), WP = rotary ? null : p.get("pos_embed.W_pos");
        double[] resid = new double[T * D];
        for (int t = 0; t < T; t++)
            for (int i = 0; i < D; i++)
                resid[t * D + i] = (embed != null ? embed[t * D + i] : WE[tokens[t] * D + i])
                        + (rotary ? 0 : pos != null ? pos[t * D + i] : WP[t * D + i]);
        for (int l = 0; l < c.nLayers(); l++) {
            String b = "blocks." + l + ".";
            double[] attnOut = attention(norm(resid, T, b + "ln1."), T, b);
            if (c.attnOnly()) {
                add(resid, attnOut);
            } else if (c.architecture().parallelAttnMlp()) {
                // GPT-NeoX: both read the block's input; resid_post = resid_pre + attn_out + mlp_out.
                double[] mlpOut = mlp(norm(resid, T, b + "ln2."), T, b);
                add(resid, attnOut);
                add(resid, mlpOut);
            } else {
                add(resid, attnOut);
                add(resid, mlp(norm(resid, T, b + "ln2."), T, b));
            }
        }
        double[] x = norm(resid, T, "ln_final.");
        double[] WU = p.get("unembed.W_U"), bU = p.get("unembed.b_U");
        double[] logits = new double[T * V];
        for (int t = 0; t < T; t++)
            for (int v = 0; v < V; v++) {
                double s = bU[v];
                for (int i = 0; i < D; i++) s += x[t * D + i] * WU[i * V + v];
                logits[t * V + v] = s;
            }
        return logits;
    }

    private static void add(double[] into, double[] x) {
        for (int i = 0; i < x.length; i++) into[i] += x[i];
    }

    private double[] project(double[] x, int T, double[] W, double[] bias, int heads) {
        return org.circuitscope.model.Naive64.project(x, T, c.dModel(), c.dHead(), W, bias, heads);
    }

    /**
     * Rotary, "rotate half": in each head the first rotary_dim dimensions are halves x1, x2 and
     * pair i at position t turns by t·base^(−2i/rotary_dim): x·cos + rotate_half(x)·sin with
     * rotate_half(x) = (−x2, x1).
     */
    private double[] rotate(double[] x, int T, int heads) {
        int dh = c.dHead(), half = c.architecture().rotaryDim() / 2;
        double[] r = x.clone();
        for (int t = 0; t < T; t++)
            for (int h = 0; h < heads; h++)
                for (int i = 0; i < half; i++) {
                    double angle = t * Math.pow(c.architecture().rotaryBase(), -2.0 * i / (2 * half));
                    int o = (t * heads + h) * dh;
                    double x1 = x[o + i], x2 = x[o + i + half];
                    r[o + i] = x1 * Math.cos(angle) - x2 * Math.sin(angle);
                    r[o + i + half] = x2 * Math.cos(angle) + x1 * Math.sin(angle);
                }
        return r;
    }

    /** hook_attn_out [T·d_model] of block prefix {@code b} at normalised input x. */
    private double[] attention(double[] x, int T, String b) {
        int D = c.dModel(), H = c.nHeads(), dh = c.dHead();
        int KV = c.architecture().nKeyValueHeads() == 0 ? H : c.architecture().nKeyValueHeads();
        // TransformerLens's GroupedQueryAttention keeps the shared heads as _W_K, _W_V, _b_K, _b_V.
        String kv = KV < H ? "_" : "";
        double[] q = project(x, T, p.get(b + "attn.W_Q"), p.get(b + "attn.b_Q"), H);
        double[] k = project(x, T, p.get(b + "attn." + kv + "W_K"), p.get(b + "attn." + kv + "b_K"), KV);
        double[] v = project(x, T, p.get(b + "attn." + kv + "W_V"), p.get(b + "attn." + kv + "b_V"), KV);
        if (c.architecture().positionalEmbeddingType() == PositionalEmbedding.ROTARY) {
            q = rotate(q, T, H);
            k = rotate(k, T, KV);
        }
        double[] z = new double[T * H * dh];
        double[] pat = new double[T];
        for (int h = 0; h < H; h++) {
            int g = h / (H / KV); // consecutive query heads share a key/value head
            for (int i = 0; i < T; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double s = 0;
                    for (int e = 0; e < dh; e++) s += q[(i * H + h) * dh + e] * k[(j * KV + g) * dh + e];
                    pat[j] = s / Math.sqrt(dh);
                    max = Math.max(max, pat[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) sum += (pat[j] = Math.exp(pat[j] - max));
                for (int e = 0; e < dh; e++) {
                    double s = 0;
                    for (int j = 0; j <= i; j++) s += pat[j] / sum * v[(j * KV + g) * dh + e];
                    z[(i * H + h) * dh + e] = s;
                }
            }
        }
        double[] WO = p.get(b + "attn.W_O"), bO = p.get(b + "attn.b_O");
        double[] out = new double[T * D];
        for (int i = 0; i < T; i++)
            for (int o = 0; o < D; o++) {
                double s = bO[o];
                for (int h = 0; h < H; h++)
                    for (int e = 0; e < dh; e++) s += z[(i * H + h) * dh + e] * WO[(h * dh + e) * D + o];
                out[i * D + o] = s;
            }
        return out;
    }

    /**
     * hook_mlp_out [T·d_model] at normalised input x: act(x·W_in + b_in)·W_out + b_out, or gated
     * (SwiGLU as TransformerLens's GatedMLP) (act(x·W_gate) ⊙ (x·W_in) + b_in)·W_out + b_out.
     */
    private double[] mlp(double[] x, int T, String b) {
        int D = c.dModel(), M = c.dMlp();
        double[] Win = p.get(b + "mlp.W_in"), bin = p.get(b + "mlp.b_in"), Wout = p.get(b + "mlp.W_out"), bout = p.get(b + "mlp.b_out");
        double[] Wgate = c.architecture().gatedMlp() ? p.get(b + "mlp.W_gate") : null;
        double[] post = new double[M], out = new double[T * D];
        for (int t = 0; t < T; t++) {
            for (int m = 0; m < M; m++) {
                double lin = 0, gate = 0;
                for (int i = 0; i < D; i++) {
                    lin += x[t * D + i] * Win[i * M + m];
                    if (Wgate != null) gate += x[t * D + i] * Wgate[i * M + m];
                }
                post[m] = Wgate == null ? act(lin + bin[m]) : act(gate) * lin + bin[m];
            }
            for (int o = 0; o < D; o++) {
                double s = bout[o];
                for (int m = 0; m < M; m++) s += post[m] * Wout[m * D + o];
                out[t * D + o] = s;
            }
        }
        return out;
    }

    private double act(double x) {
        return switch (c.actFn()) {
            case RELU -> Math.max(0, x);
            case GELU_NEW -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            case GELU -> 0.5 * x * (1 + erf(x / Math.sqrt(2)));
            case SILU -> x / (1 + Math.exp(-x));
        };
    }

    /** erf by its Maclaurin series, or the erfc continued fraction for |x| ≥ 3: independent of the production Erf. */
    static double erf(double x) {
        if (Math.abs(x) > 6) return Math.signum(x);
        if (Math.abs(x) < 3) {
            double sum = 0, term = x;
            for (int n = 0; n < 200 && Math.abs(term) > 1e-18 * Math.abs(sum); n++) {
                sum += term / (2 * n + 1);
                term *= -x * x / (n + 1);
            }
            return 2 / Math.sqrt(Math.PI) * sum;
        }
        double ax = Math.abs(x), f = 0;
        for (int n = 60; n >= 1; n--) f = n / 2.0 / (ax + f);
        return Math.signum(x) * (1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f));
    }

    /**
     * LayerNorm (x − mean)/√(var + eps), RMSNorm x/√(mean(x²) + eps); then ·w (+ b for
     * LayerNorm) unless the folded form (LNPre, RMSPre).
     */
    private double[] norm(double[] x, int T, String prefix) {
        Normalization n = c.normalizationType();
        if (n == Normalization.NONE) return x;
        boolean layerNorm = n == Normalization.LN || n == Normalization.LN_PRE;
        int D = c.dModel();
        double[] y = new double[T * D];
        double[] lw = n == Normalization.LN || n == Normalization.RMS ? p.get(prefix + "w") : null;
        double[] lb = n == Normalization.LN ? p.get(prefix + "b") : null;
        for (int t = 0; t < T; t++) {
            double mean = 0;
            if (layerNorm) {
                for (int i = 0; i < D; i++) mean += x[t * D + i];
                mean /= D;
            }
            double sq = 0;
            for (int i = 0; i < D; i++) sq += (x[t * D + i] - mean) * (x[t * D + i] - mean);
            double scale = Math.sqrt(sq / D + c.eps());
            for (int i = 0; i < D; i++) {
                double v = (x[t * D + i] - mean) / scale;
                y[t * D + i] = lw == null ? v : lb == null ? v * lw[i] : v * lw[i] + lb[i];
            }
        }
        return y;
    }
}
