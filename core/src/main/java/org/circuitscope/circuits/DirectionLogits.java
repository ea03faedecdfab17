package org.circuitscope.circuits;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.Weights;

/**
 * What a vector written at a hook point does to the logits through the direct (unembed) path:
 * an SAE feature's decoder row read as "which tokens does this feature promote" (the logit
 * weights Neuronpedia shows as W_dec·W_U, here with the final LayerNorm as DLA applies it).
 * <pre>
 *   r = v                                  at hook_resid_pre/mid/post, hook_attn_out, hook_mlp_out, hook_embed, hook_pos_embed
 *   r = v W_out^l                          at blocks.l.mlp.hook_post   (v ∈ R^{d_mlp})
 *   r = Σ_h v_h W_O^{l,h}                  at blocks.l.attn.hook_z     (v ∈ R^{head·d_head})
 *   logits = W_Uᵀ P (w_f ⊙ r) / s_f        before ln_final (P: LayerNorm's centring, s_f its frozen scale)
 *   logits = W_Uᵀ v                        at ln_final.hook_normalized
 * </pre>
 * Biases are left out: they do not depend on the vector. {@link LogitDirection} is the same map
 * read the other way (one token's direction in the residual stream). Other hook points (q, k, v,
 * patterns, hook_pre) reach the logits only through a nonlinearity: there is no direct path.
 */
public final class DirectionLogits {
    private static final Pattern BLOCK = Pattern.compile("blocks\\.(\\d+)\\.(hook_resid_pre|hook_resid_mid|hook_resid_post|hook_attn_out|hook_mlp_out|mlp\\.hook_post|attn\\.hook_z)");

    private DirectionLogits() {}

    /** Whether a vector at {@code hookName} has a direct path to the logits. */
    public static boolean hasDirectPath(ModelConfig c, String hookName) {
        if (hookName.equals("hook_embed") || hookName.equals("hook_pos_embed") || hookName.equals("ln_final.hook_normalized")) return true;
        Matcher m = BLOCK.matcher(hookName);
        if (!m.matches()) return false;
        int l = Integer.parseInt(m.group(1));
        if (l >= c.nLayers()) return false;
        return !(m.group(2).startsWith("mlp") && c.attnOnly());
    }

    /**
     * The residual-stream vector {@code v} at {@code hookName} adds (float64); null where there is
     * no direct path ({@link #hasDirectPath}).
     */
    public static double[] residual(Weights w, String hookName, float[] v) {
        ModelConfig c = w.config();
        int d = c.dModel();
        if (!hasDirectPath(c, hookName) || hookName.equals("ln_final.hook_normalized")) return null;
        Matcher m = BLOCK.matcher(hookName);
        double[] r = new double[d];
        if (m.matches() && m.group(2).equals("mlp.hook_post")) {
            float[] wOut = w.layer(Integer.parseInt(m.group(1))).mlp().wOut().data(); // [d_mlp, d_model]
            check(v, c.dMlp(), hookName);
            for (int i = 0; i < v.length; i++) {
                if (v[i] == 0) continue;
                for (int j = 0; j < d; j++) r[j] += (double) v[i] * wOut[i * d + j];
            }
            return r;
        }
        if (m.matches() && m.group(2).equals("attn.hook_z")) {
            float[] wO = w.layer(Integer.parseInt(m.group(1))).attn().wO().data(); // [head, d_head, d_model] = [head·d_head, d_model]
            check(v, c.nHeads() * c.dHead(), hookName);
            for (int i = 0; i < v.length; i++) {
                if (v[i] == 0) continue;
                for (int j = 0; j < d; j++) r[j] += (double) v[i] * wO[i * d + j];
            }
            return r;
        }
        check(v, d, hookName);
        for (int j = 0; j < d; j++) r[j] = v[j];
        return r;
    }

    /**
     * The change of every logit per unit of {@code v} at {@code hookName}, with the final
     * normalisation's scale frozen at {@code finalScale} (ignored without normalization and after
     * it); null where there is no direct path.
     */
    public static double[] logits(Weights w, String hookName, float[] v, double finalScale) {
        ModelConfig c = w.config();
        int d = c.dModel(), vocab = c.dVocab();
        double[] u;
        if (hookName.equals("ln_final.hook_normalized")) {
            check(v, d, hookName);
            u = new double[d];
            for (int j = 0; j < d; j++) u[j] = v[j];
        } else {
            u = residual(w, hookName, v);
            if (u == null) return null;
            Normalization n = c.normalizationType();
            if (n.hasWeight()) {
                float[] lw = w.lnFinal().w().data();
                for (int j = 0; j < d; j++) u[j] *= lw[j];
            }
            if (n.centers()) LogitDirection.centre(u);
            if (n.scales()) for (int j = 0; j < d; j++) u[j] /= finalScale;
        }
        float[] wu = w.wU().data(); // [d_model, d_vocab]
        double[] out = new double[vocab];
        for (int j = 0; j < d; j++) {
            double uj = u[j];
            if (uj == 0) continue;
            int row = j * vocab;
            for (int t = 0; t < vocab; t++) out[t] += uj * wu[row + t];
        }
        return out;
    }

    private static void check(float[] v, int width, String hookName) {
        if (v.length != width) throw new IllegalArgumentException("a vector at " + hookName + " has " + width + " entries, not " + v.length);
    }
}
