package org.circuitscope.io;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;
import org.circuitscope.model.LayerWeights;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.NormWeights;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.WeightNames;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;

/**
 * TransformerLens's weight processing, each step returning new weights:
 * <ul>
 * <li>{@code fold_ln}: a LayerNorm's w and b are folded into the weights that read its output
 *   (W' = diag(w)·W, b' = b_in + b·W), whose rows are then centred over d_model (the LNPre
 *   output they read has zero mean); the model becomes LNPre. An RMSNorm has only w, and its
 *   output is not centred: W' = diag(w)·W and nothing else, the model becomes RMSPre
 *   (TransformerLens: {@code fold_layer_norm(fold_biases=False, center_weights=False)}). The
 *   readers are W_Q, W_K, W_V (under grouped-query attention {@code _W_K}, {@code _W_V}, per
 *   key/value head), W_in, W_gate (gated MLPs) and W_U. Logits unchanged.</li>
 * <li>{@code center_writing_weights}: everything that writes to the residual stream (W_E,
 *   W_pos unless rotary, W_O, b_O, W_out, b_out) has its mean over d_model removed; every
 *   reader goes through a LayerNorm that removes that mean anyway. Logits unchanged; needs LN
 *   or LNPre (an RMSNorm reads the mean, so {@link #apply} skips this step for RMS models, as
 *   TransformerLens does).</li>
 * <li>{@code center_unembed}: W_U and b_U have their mean over the vocabulary removed, which
 *   shifts every logit of a position by the same amount. Log-probabilities unchanged.</li>
 * <li>{@code fold_value_biases}: b_V contributes b_V·W_O to every position (attention rows sum
 *   to 1), so it moves into b_O and b_V becomes 0; under grouped-query attention key/value
 *   head g's {@code _b_V[g]} reaches b_O through every query head that reads it. Logits
 *   unchanged.</li>
 * </ul>
 * Parallel blocks (GPT-NeoX) change none of this: each step rewrites weights that read or write
 * the stream, wherever in the block they sit.
 */
public final class WeightProcessing {
    private static final Logger LOG = Logger.getLogger(WeightProcessing.class.getName());

    private WeightProcessing() {}

    public static Weights apply(Weights w, LoadOptions o) {
        if (o.foldLn()) w = foldLayerNorm(w);
        if (o.centerWritingWeights()) {
            if (isRms(w.config())) {
                LOG.warning("center_writing_weights skipped: " + w.config().modelName()
                        + " uses RMSNorm, which reads the residual stream's mean (as TransformerLens, which skips it too)");
            } else {
                w = centerWritingWeights(w);
            }
        }
        if (o.centerUnembed()) w = centerUnembed(w);
        if (o.foldValueBiases()) w = foldValueBiases(w);
        return w;
    }

    private static boolean isRms(ModelConfig c) {
        return c.normalizationType() == Normalization.RMS || c.normalizationType() == Normalization.RMS_PRE;
    }

    /** fold_ln for LN (→ LNPre) and RMS (→ RMSPre); the folded forms and none are returned as they are. */
    public static Weights foldLayerNorm(Weights w) {
        ModelConfig c = w.config();
        Normalization n = c.normalizationType();
        if (!n.hasWeight()) return w; // LNPre, RMSPre or none: nothing to fold.
        boolean ln = n == Normalization.LN;
        if (ln && c.architecture().gatedMlp() && !c.attnOnly()) {
            // x·W_gate has no bias, and b_in is added after act(x·W_gate) ⊙ (x·W_in): ln2.b has nowhere exact to go.
            throw new IllegalArgumentException("fold_ln cannot fold a LayerNorm bias into a gated MLP (" + c.modelName()
                    + "): W_gate has no bias and b_in is added after the gate, so the logits would change");
        }
        int d = c.dModel();
        Map<String, Tensor> r = new LinkedHashMap<>();
        for (int l = 0; l < c.nLayers(); l++) {
            LayerWeights lw = w.layer(l);
            Fold ln1 = new Fold(lw.ln1(), ln);
            String[] qkv = {"Q", "K", "V"};
            for (int x = 0; x < 3; x++) {
                // W_Q [n_heads, d, d_head]; W_K, W_V [n_key_value_heads, d, d_head]: each head's slice in turn.
                Tensor wm = lw.attn().wQkv().get(x).copy(), bm = lw.attn().bQkv().get(x).copy();
                int heads = wm.dim(0), dh = wm.dim(2);
                for (int hh = 0; hh < heads; hh++) ln1.into(wm.data(), hh * d * dh, d, dh, bm.data(), hh * dh);
                String name = x == 0 ? WeightNames.attn(l, "W_Q") : WeightNames.keyValue(c, l, "W_" + qkv[x]);
                r.put(name, wm);
                r.put(x == 0 ? WeightNames.attn(l, "b_Q") : WeightNames.keyValue(c, l, "b_" + qkv[x]), bm);
            }
            if (!c.attnOnly()) {
                Fold ln2 = new Fold(lw.ln2(), ln);
                Tensor win = lw.mlp().wIn().copy(), bin = lw.mlp().bIn().copy();
                ln2.into(win.data(), 0, d, c.dMlp(), bin.data(), 0);
                r.put(WeightNames.mlp(l, "W_in"), win);
                r.put(WeightNames.mlp(l, "b_in"), bin);
                if (lw.mlp().gated()) {
                    Tensor gate = lw.mlp().wGate().copy();
                    ln2.into(gate.data(), 0, d, c.dMlp(), null, 0); // RMS only (checked above): no bias to fold
                    r.put(WeightNames.mlp(l, "W_gate"), gate);
                }
            }
        }
        Tensor wu = w.wU().copy(), bu = w.bU().copy();
        new Fold(w.lnFinal(), ln).into(wu.data(), 0, d, c.dVocab(), bu.data(), 0);
        r.put(WeightNames.W_U, wu);
        r.put(WeightNames.B_U, bu);
        return w.with(c.withNormalization(n.folded()), r);
    }

    /** One normalisation's weight, and for LayerNorm its bias and the centring of what reads it. */
    private record Fold(float[] w, float[] b, boolean centre) {
        Fold(NormWeights nw, boolean layerNorm) {
            this(nw.w().data(), layerNorm ? nw.b().data() : null, layerNorm);
        }

        /** For W [d, n] at off: bias += b·W (LayerNorm); W = diag(w)·W; then (LayerNorm) centre each column over d. */
        void into(float[] wm, int off, int d, int n, float[] bias, int bOff) {
            double[] add = new double[n], mean = new double[n];
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < n; j++) {
                    int k = off + i * n + j;
                    if (b != null) add[j] += (double) b[i] * wm[k];
                    wm[k] *= w[i];
                    mean[j] += wm[k];
                }
            }
            if (b != null) for (int j = 0; j < n; j++) bias[bOff + j] += (float) add[j];
            if (centre) for (int i = 0; i < d; i++) for (int j = 0; j < n; j++) wm[off + i * n + j] -= (float) (mean[j] / d);
        }
    }

    public static Weights centerWritingWeights(Weights w) {
        ModelConfig c = w.config();
        if (!c.normalizationType().centers()) {
            throw new IllegalArgumentException("center_writing_weights needs a model with LayerNorm (LN or LNPre), "
                    + c.modelName() + " has normalization_type " + c.normalizationType().tlName()
                    + ": without centring, the residual stream's mean is read and centring would change the logits");
        }
        Map<String, Tensor> r = new LinkedHashMap<>();
        // What writes to the residual stream: the embeddings, W_O and b_O, W_out and b_out.
        r.put(WeightNames.W_E, centerLastAxis(w.wE()));
        if (!c.rotary()) r.put(WeightNames.W_POS, centerLastAxis(w.wPos()));
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
                for (int hh = 0; hh < h; hh++) {
                    int g = c.keyValueHead(hh); // query head hh's values carry its key/value head's bias
                    for (int e = 0; e < dh; e++) s += (double) bv[g * dh + e] * wo[(hh * dh + e) * d + o];
                }
                bo.data()[o] = (float) s;
            }
            r.put(WeightNames.attn(l, "b_O"), bo);
            r.put(WeightNames.keyValue(c, l, "b_V"), Tensor.zeros(c.nKeyValueHeads(), dh));
        }
        return w.with(c, r);
    }
}
