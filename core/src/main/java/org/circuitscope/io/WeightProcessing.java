package org.circuitscope.io;

import java.util.LinkedHashMap;
import java.util.Map;
import org.circuitscope.model.LayerWeights;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.WeightNames;
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
            LayerWeights lw = w.layer(l);
            float[] n1w = lw.ln1().w().data(), n1b = lw.ln1().b().data();
            String[] qkv = {"Q", "K", "V"};
            for (int x = 0; x < 3; x++) {
                Tensor wm = lw.attn().wQkv().get(x).copy(), bm = lw.attn().bQkv().get(x).copy();
                for (int hh = 0; hh < h; hh++) foldInto(wm.data(), hh * d * dh, d, dh, bm.data(), hh * dh, n1w, n1b);
                r.put(WeightNames.attn(l, "W_" + qkv[x]), wm);
                r.put(WeightNames.attn(l, "b_" + qkv[x]), bm);
            }
            if (!c.attnOnly()) {
                Tensor win = lw.mlp().wIn().copy(), bin = lw.mlp().bIn().copy();
                foldInto(win.data(), 0, d, c.dMlp(), bin.data(), 0, lw.ln2().w().data(), lw.ln2().b().data());
                r.put(WeightNames.mlp(l, "W_in"), win);
                r.put(WeightNames.mlp(l, "b_in"), bin);
            }
        }
        Tensor wu = w.wU().copy(), bu = w.bU().copy();
        foldInto(wu.data(), 0, d, c.dVocab(), bu.data(), 0, w.lnFinal().w().data(), w.lnFinal().b().data());
        r.put(WeightNames.W_U, wu);
        r.put(WeightNames.B_U, bu);
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
        // What writes to the residual stream: the embeddings, W_O and b_O, W_out and b_out.
        r.put(WeightNames.W_E, centerLastAxis(w.wE()));
        r.put(WeightNames.W_POS, centerLastAxis(w.wPos()));
        for (int l = 0; l < c.nLayers(); l++) {
            LayerWeights lw = w.layer(l);
            r.put(WeightNames.attn(l, "W_O"), centerLastAxis(lw.attn().wO()));
            r.put(WeightNames.attn(l, "b_O"), centerLastAxis(lw.attn().bO()));
            if (!c.attnOnly()) {
                r.put(WeightNames.mlp(l, "W_out"), centerLastAxis(lw.mlp().wOut()));
                r.put(WeightNames.mlp(l, "b_out"), centerLastAxis(lw.mlp().bOut()));
            }
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
        return w.with(w.config(), Map.of(WeightNames.W_U, centerLastAxis(w.wU()),
                WeightNames.B_U, centerLastAxis(w.bU())));
    }

    public static Weights foldValueBiases(Weights w) {
        ModelConfig c = w.config();
        int d = c.dModel(), h = c.nHeads(), dh = c.dHead();
        Map<String, Tensor> r = new LinkedHashMap<>();
        for (int l = 0; l < c.nLayers(); l++) {
            LayerWeights.Attention at = w.layer(l).attn();
            float[] bv = at.bV().data(), wo = at.wO().data();
            Tensor bo = at.bO().copy();
            for (int o = 0; o < d; o++) {
                double s = bo.data()[o];
                for (int hh = 0; hh < h; hh++) for (int e = 0; e < dh; e++) s += (double) bv[hh * dh + e] * wo[(hh * dh + e) * d + o];
                bo.data()[o] = (float) s;
            }
            r.put(WeightNames.attn(l, "b_O"), bo);
            r.put(WeightNames.attn(l, "b_V"), Tensor.zeros(h, dh));
        }
        return w.with(c, r);
    }
}
