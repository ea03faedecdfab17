package org.circuitscope.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A naive float64 transformer written from the TransformerLens definitions, independent of the
 * kernels: the oracle the real forward pass is compared with. Activations are double arrays in
 * the same shapes and under the same hook names.
 */
final class ReferenceTransformer {
    private final ModelConfig c;
    private final Weights w;

    ReferenceTransformer(Weights w) {
        this.w = w;
        this.c = w.config();
    }

    private double[] W(String name) {
        float[] f = w.data(name);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    Map<String, double[]> run(int[] tokens) {
        Map<String, double[]> out = new LinkedHashMap<>();
        int T = tokens.length, D = c.dModel(), H = c.nHeads(), dh = c.dHead();
        double[] WE = W("embed.W_E"), WP = W("pos_embed.W_pos");
        double[] embed = new double[T * D], pos = new double[T * D], resid = new double[T * D];
        for (int t = 0; t < T; t++) {
            for (int i = 0; i < D; i++) {
                embed[t * D + i] = WE[tokens[t] * D + i];
                pos[t * D + i] = WP[t * D + i];
                resid[t * D + i] = embed[t * D + i] + pos[t * D + i];
            }
        }
        out.put("hook_embed", embed);
        out.put("hook_pos_embed", pos);
        for (int l = 0; l < c.nLayers(); l++) {
            String b = "blocks." + l + ".";
            out.put(b + "hook_resid_pre", resid.clone());
            double[] x = norm(out, resid, T, b + "ln1.", b + "ln1.");
            double[][] qkv = new double[3][];
            String[] names = {"q", "k", "v"};
            for (int m = 0; m < 3; m++) {
                double[] Wm = W(b + "attn.W_" + names[m].toUpperCase()), bm = W(b + "attn.b_" + names[m].toUpperCase());
                double[] r = new double[T * H * dh];
                for (int t = 0; t < T; t++)
                    for (int h = 0; h < H; h++)
                        for (int e = 0; e < dh; e++) {
                            double s = bm[h * dh + e];
                            for (int i = 0; i < D; i++) s += x[t * D + i] * Wm[(h * D + i) * dh + e];
                            r[(t * H + h) * dh + e] = s;
                        }
                qkv[m] = r;
                out.put(b + "attn.hook_" + names[m], r);
            }
            double[] scores = new double[H * T * T], pattern = new double[H * T * T];
            for (int h = 0; h < H; h++)
                for (int i = 0; i < T; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < T; j++) {
                        double s;
                        if (j > i) {
                            s = Double.NEGATIVE_INFINITY;
                        } else {
                            s = 0;
                            for (int e = 0; e < dh; e++) s += qkv[0][(i * H + h) * dh + e] * qkv[1][(j * H + h) * dh + e];
                            s /= Math.sqrt(dh);
                        }
                        scores[(h * T + i) * T + j] = s;
                        max = Math.max(max, s);
                    }
                    double sum = 0;
                    for (int j = 0; j <= i; j++) sum += Math.exp(scores[(h * T + i) * T + j] - max);
                    for (int j = 0; j <= i; j++) pattern[(h * T + i) * T + j] = Math.exp(scores[(h * T + i) * T + j] - max) / sum;
                }
            out.put(b + "attn.hook_attn_scores", scores);
            out.put(b + "attn.hook_pattern", pattern);
            double[] z = new double[T * H * dh];
            for (int i = 0; i < T; i++)
                for (int h = 0; h < H; h++)
                    for (int e = 0; e < dh; e++) {
                        double s = 0;
                        for (int j = 0; j <= i; j++) s += pattern[(h * T + i) * T + j] * qkv[2][(j * H + h) * dh + e];
                        z[(i * H + h) * dh + e] = s;
                    }
            out.put(b + "attn.hook_z", z);
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
            out.put(b + "attn.hook_result", result);
            out.put(b + "hook_attn_out", attnOut);
            double[] next = new double[T * D];
            for (int i = 0; i < T * D; i++) next[i] = resid[i] + attnOut[i];
            if (!c.attnOnly()) {
                out.put(b + "hook_resid_mid", next.clone());
                double[] x2 = norm(out, next, T, b + "ln2.", b + "ln2.");
                int M = c.dMlp();
                double[] Win = W(b + "mlp.W_in"), bin = W(b + "mlp.b_in"), Wout = W(b + "mlp.W_out"), bout = W(b + "mlp.b_out");
                double[] pre = new double[T * M], post = new double[T * M], mlpOut = new double[T * D];
                for (int t = 0; t < T; t++)
                    for (int m = 0; m < M; m++) {
                        double s = bin[m];
                        for (int i = 0; i < D; i++) s += x2[t * D + i] * Win[i * M + m];
                        pre[t * M + m] = s;
                        post[t * M + m] = act(s);
                    }
                for (int t = 0; t < T; t++)
                    for (int o = 0; o < D; o++) {
                        double s = bout[o];
                        for (int m = 0; m < M; m++) s += post[t * M + m] * Wout[m * D + o];
                        mlpOut[t * D + o] = s;
                    }
                out.put(b + "mlp.hook_pre", pre);
                out.put(b + "mlp.hook_post", post);
                out.put(b + "hook_mlp_out", mlpOut);
                for (int i = 0; i < T * D; i++) next[i] += mlpOut[i];
            }
            out.put(b + "hook_resid_post", next.clone());
            resid = next;
        }
        double[] x = norm(out, resid, T, "ln_final.", "ln_final.");
        double[] WU = W("unembed.W_U"), bU = W("unembed.b_U");
        int V = c.dVocab();
        double[] logits = new double[T * V];
        for (int t = 0; t < T; t++)
            for (int v = 0; v < V; v++) {
                double s = bU[v];
                for (int i = 0; i < D; i++) s += x[t * D + i] * WU[i * V + v];
                logits[t * V + v] = s;
            }
        out.put("logits", logits);
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

    private double[] norm(Map<String, double[]> out, double[] x, int T, String hookPrefix, String wPrefix) {
        if (c.normalizationType() == Normalization.NONE) return x;
        int D = c.dModel();
        double[] y = new double[T * D], normalized = new double[T * D], scale = new double[T];
        double[] lw = c.normalizationType() == Normalization.LN ? W(wPrefix + "w") : null;
        double[] lb = lw != null ? W(wPrefix + "b") : null;
        for (int t = 0; t < T; t++) {
            double mean = 0;
            for (int i = 0; i < D; i++) mean += x[t * D + i];
            mean /= D;
            double var = 0;
            for (int i = 0; i < D; i++) var += (x[t * D + i] - mean) * (x[t * D + i] - mean);
            scale[t] = Math.sqrt(var / D + c.eps());
            for (int i = 0; i < D; i++) {
                double v = (x[t * D + i] - mean) / scale[t];
                normalized[t * D + i] = v;
                y[t * D + i] = lw == null ? v : v * lw[i] + lb[i];
            }
        }
        out.put(hookPrefix + "hook_scale", scale);
        // TransformerLens 3.x: hook_normalized is the input over its scale, before w and b.
        out.put(hookPrefix + "hook_normalized", normalized);
        return y;
    }
}
