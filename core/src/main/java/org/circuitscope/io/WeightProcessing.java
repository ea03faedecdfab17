package org.circuitscope.io;

import java.util.LinkedHashMap;
import java.util.Map;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;

/**
 * TransformerLens's weight processing, each step returning new weights:
 * <ul>
 * <li>{@code fold_ln}: a LayerNorm's w and b are folded into the weights that read its output
 *   (W' = diag(w)·W, b' = b_in + b·W), whose rows are then centred over d_model (the LNPre
 *   output they read has zero mean); the model becomes LNPre. Logits unchanged.</li>
 * <li>{@code center_writing_weights}: everything that writes to the residual stream (W_E,
 *   W_pos, W_O, b_O, W_out, b_out) has its mean over d_model removed; every reader goes
 *   through a LayerNorm that removes that mean anyway. Logits unchanged; needs LN or LNPre.</li>
 * <li>{@code center_unembed}: W_U and b_U have their mean over the vocabulary removed, which
 *   shifts every logit of a position by the same amount. Log-probabilities unchanged.</li>
 * <li>{@code fold_value_biases}: b_V contributes b_V·W_O to every position (attention rows sum
 *   to 1), so it moves into b_O and b_V becomes 0. Logits unchanged.</li>
 * </ul>
 */
public final class WeightProcessing {
    private WeightProcessing() {}

    public static Weights apply(Weights w, LoadOptions o) {
        if (o.foldLn()) w = foldLayerNorm(w);
        if (o.centerWritingWeights()) w = centerWritingWeights(w);
        if (o.centerUnembed()) w = centerUnembed(w);
        if (o.foldValueBiases()) w = foldValueBiases(w);
        return w;
    }

    public static Weights foldLayerNorm(Weights w) {
        ModelConfig c = w.config();
        if (c.normalizationType() != Normalization.LN) return w; // LNPre or none: nothing to fold.
        int d = c.dModel(), h = c.nHeads(), dh = c.dHead();
        Map<String, Tensor> r = new LinkedHashMap<>();
        for (int l = 0; l < c.nLayers(); l++) {
            String p = "blocks." + l + ".";
            float[] lw = w.data(p + "ln1.w"), lb = w.data(p + "ln1.b");
            for (String x : new String[] {"Q", "K", "V"}) {
                Tensor wm = w.get(p + "attn.W_" + x).copy(), bm = w.get(p + "attn.b_" + x).copy();
                for (int hh = 0; hh < h; hh++) foldInto(wm.data(), hh * d * dh, d, dh, bm.data(), hh * dh, lw, lb);
                r.put(p + "attn.W_" + x, wm);
                r.put(p + "attn.b_" + x, bm);
            }
            if (!c.attnOnly()) {
                Tensor win = w.get(p + "mlp.W_in").copy(), bin = w.get(p + "mlp.b_in").copy();
                foldInto(win.data(), 0, d, c.dMlp(), bin.data(), 0, w.data(p + "ln2.w"), w.data(p + "ln2.b"));
                r.put(p + "mlp.W_in", win);
                r.put(p + "mlp.b_in", bin);
            }
        }
        Tensor wu = w.get("unembed.W_U").copy(), bu = w.get("unembed.b_U").copy();
        foldInto(wu.data(), 0, d, c.dVocab(), bu.data(), 0, w.data("ln_final.w"), w.data("ln_final.b"));
        r.put("unembed.W_U", wu);
        r.put("unembed.b_U", bu);
        return w.with(c.withNormalization(Normalization.LN_PRE), r);
    }

    /** For W [d, n] at off: b += lb·W; W = diag(lw)·W; then centre each column over d. */
    private static void foldInto(float[] wm, int off, int d, int n, float[] b, int bOff, float[] lw, float[] lb) {
        double[] bias = new double[n], mean = new double[n];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < n; j++) {
                int k = off + i * n + j;
                bias[j] += (double) lb[i] * wm[k];
                wm[k] *= lw[i];
                mean[j] += wm[k];
            }
        }
        for (int j = 0; j < n; j++) b[bOff + j] += (float) bias[j];
        for (int i = 0; i < d; i++) for (int j = 0; j < n; j++) wm[off + i * n + j] -= (float) (mean[j] / d);
    }

    public static Weights centerWritingWeights(Weights w) {
        ModelConfig c = w.config();
        if (c.normalizationType() == Normalization.NONE) {
            throw new IllegalArgumentException("center_writing_weights needs a model with LayerNorm (LN or LNPre): "
                    + "without one, the residual stream's mean is read and centring would change the logits");
        }
        Map<String, Tensor> r = new LinkedHashMap<>();
        for (String name : w.asMap().keySet()) {
            boolean writes = name.equals("embed.W_E") || name.equals("pos_embed.W_pos") || name.endsWith("attn.W_O")
                    || name.endsWith("attn.b_O") || name.endsWith("mlp.W_out") || name.endsWith("mlp.b_out");
            if (writes) r.put(name, centerLastAxis(w.get(name)));
        }
        return w.with(c, r);
    }

    private static Tensor centerLastAxis(Tensor t) {
        Tensor out = t.copy();
        float[] d = out.data();
        int n = t.dim(-1);
        for (int row = 0; row < d.length / n; row++) {
            double mean = 0;
            for (int j = 0; j < n; j++) mean += d[row * n + j];
            mean /= n;
            for (int j = 0; j < n; j++) d[row * n + j] -= (float) mean;
        }
        return out;
    }

    public static Weights centerUnembed(Weights w) {
        return w.with(w.config(), Map.of("unembed.W_U", centerLastAxis(w.get("unembed.W_U")),
                "unembed.b_U", centerLastAxis(w.get("unembed.b_U"))));
    }

    public static Weights foldValueBiases(Weights w) {
        ModelConfig c = w.config();
        int d = c.dModel(), h = c.nHeads(), dh = c.dHead();
        Map<String, Tensor> r = new LinkedHashMap<>();
        for (int l = 0; l < c.nLayers(); l++) {
            String p = "blocks." + l + ".attn.";
            float[] bv = w.data(p + "b_V"), wo = w.data(p + "W_O");
            Tensor bo = w.get(p + "b_O").copy();
            for (int o = 0; o < d; o++) {
                double s = bo.data()[o];
                for (int hh = 0; hh < h; hh++) for (int e = 0; e < dh; e++) s += (double) bv[hh * dh + e] * wo[(hh * dh + e) * d + o];
                bo.data()[o] = (float) s;
            }
            r.put(p + "b_O", bo);
            r.put(p + "b_V", Tensor.zeros(h, dh));
        }
        return w.with(c, r);
    }
}
