package org.circuitscope.grad;

import java.util.LinkedHashMap;
import java.util.Map;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.Weights;

/**
 * A naive float64 forward pass written from the TransformerLens definitions, over parameters
 * held as double arrays that a test may perturb in place (finite differences): the oracle for
 * the backward pass. Independent of the kernels and of the float32 transformer.
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
     * looked-up token / positional embeddings (what hook_embed and hook_pos_embed hold).
     */
    double[] logits(int[] tokens, double[] embed, double[] pos) {
        int T = tokens.length, D = c.dModel(), H = c.nHeads(), dh = c.dHead(), V = c.dVocab();
        double[] WE = p.get("embed.W_E"), WP = p.get("pos_embed.W_pos");
        double[] resid = new double[T * D];
        for (int t = 0; t < T; t++)
            for (int i = 0; i < D; i++)
                resid[t * D + i] = (embed != null ? embed[t * D + i] : WE[tokens[t] * D + i])
                        + (pos != null ? pos[t * D + i] : WP[t * D + i]);
        for (int l = 0; l < c.nLayers(); l++) {
            String b = "blocks." + l + ".";
            double[] x = norm(resid, T, b + "ln1.");
            double[][] qkv = new double[3][];
            String[] names = {"Q", "K", "V"};
            for (int m = 0; m < 3; m++) {
                double[] Wm = p.get(b + "attn.W_" + names[m]), bm = p.get(b + "attn.b_" + names[m]);
                double[] r = new double[T * H * dh];
                for (int t = 0; t < T; t++)
                    for (int h = 0; h < H; h++)
                        for (int e = 0; e < dh; e++) {
                            double s = bm[h * dh + e];
                            for (int i = 0; i < D; i++) s += x[t * D + i] * Wm[(h * D + i) * dh + e];
                            r[(t * H + h) * dh + e] = s;
                        }
                qkv[m] = r;
            }
            double[] z = new double[T * H * dh];
            double[] pat = new double[T];
            for (int h = 0; h < H; h++)
                for (int i = 0; i < T; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= i; j++) {
                        double s = 0;
                        for (int e = 0; e < dh; e++) s += qkv[0][(i * H + h) * dh + e] * qkv[1][(j * H + h) * dh + e];
                        pat[j] = s / Math.sqrt(dh);
                        max = Math.max(max, pat[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= i; j++) sum += (pat[j] = Math.exp(pat[j] - max));
                    for (int e = 0; e < dh; e++) {
                        double s = 0;
                        for (int j = 0; j <= i; j++) s += pat[j] / sum * qkv[2][(j * H + h) * dh + e];
                        z[(i * H + h) * dh + e] = s;
                    }
                }
            double[] WO = p.get(b + "attn.W_O"), bO = p.get(b + "attn.b_O");
            for (int i = 0; i < T; i++)
                for (int o = 0; o < D; o++) {
                    double s = bO[o];
                    for (int h = 0; h < H; h++)
                        for (int e = 0; e < dh; e++) s += z[(i * H + h) * dh + e] * WO[(h * dh + e) * D + o];
                    resid[i * D + o] += s;
                }
            if (!c.attnOnly()) {
                double[] x2 = norm(resid, T, b + "ln2.");
                int M = c.dMlp();
                double[] Win = p.get(b + "mlp.W_in"), bin = p.get(b + "mlp.b_in"), Wout = p.get(b + "mlp.W_out"), bout = p.get(b + "mlp.b_out");
                double[] post = new double[M];
                for (int t = 0; t < T; t++) {
                    for (int m = 0; m < M; m++) {
                        double s = bin[m];
                        for (int i = 0; i < D; i++) s += x2[t * D + i] * Win[i * M + m];
                        post[m] = act(s);
                    }
                    for (int o = 0; o < D; o++) {
                        double s = bout[o];
                        for (int m = 0; m < M; m++) s += post[m] * Wout[m * D + o];
                        resid[t * D + o] += s;
                    }
                }
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

    private double[] norm(double[] x, int T, String prefix) {
        if (c.normalizationType() == Normalization.NONE) return x;
        int D = c.dModel();
        double[] y = new double[T * D];
        double[] lw = c.normalizationType() == Normalization.LN ? p.get(prefix + "w") : null;
        double[] lb = lw != null ? p.get(prefix + "b") : null;
        for (int t = 0; t < T; t++) {
            double mean = 0;
            for (int i = 0; i < D; i++) mean += x[t * D + i];
            mean /= D;
            double var = 0;
            for (int i = 0; i < D; i++) var += (x[t * D + i] - mean) * (x[t * D + i] - mean);
            double scale = Math.sqrt(var / D + c.eps());
            for (int i = 0; i < D; i++) {
                double v = (x[t * D + i] - mean) / scale;
                y[t * D + i] = lw == null ? v : v * lw[i] + lb[i];
            }
        }
        return y;
    }
}
