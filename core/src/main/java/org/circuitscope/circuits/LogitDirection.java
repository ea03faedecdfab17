package org.circuitscope.circuits;

import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;

/**
 * The residual-stream direction that reads a logit (or a logit difference) at one position,
 * with the final LayerNorm scale frozen at its value in the forward pass:
 * <pre>
 *   logit[t] − logit[c] = r · u + lnBias + unembedBias
 *   u = P (w_f ⊙ (W_U[:, t] − W_U[:, c])) / s_f[pos]        (P = I − 11ᵀ/d: LayerNorm's centring)
 *   lnBias = b_f · (W_U[:, t] − W_U[:, c]),  unembedBias = b_U[t] − b_U[c]
 * </pre>
 * for the final residual r ({@code blocks.L.hook_resid_post}), s_f = {@code ln_final.hook_scale}
 * and w_f, b_f = {@code ln_final.w, ln_final.b}. P is symmetric, so centring the direction is the
 * same as centring every component (TransformerLens's {@code apply_ln_to_stack}); folding w_f
 * into the direction is what {@code fold_ln} does to W_U. Without normalization P = I, s_f = 1;
 * for LNPre w_f = 1, b_f = 0.
 *
 * @param u           the direction [d_model], float64
 * @param lnBias      ln_final.b's part (0 unless LN)
 * @param unembedBias b_U's part
 */
public record LogitDirection(double[] u, double lnBias, double unembedBias) {

    /** {@code contrast} −1 for a plain logit. */
    public static LogitDirection of(Weights w, ActivationCache cache, int pos, int target, int contrast) {
        boolean scaled = w.config().normalizationType() != Normalization.NONE;
        return of(w, scaled ? cache.get(HookPoint.LN_FINAL_SCALE).data()[pos] : 1.0, target, contrast);
    }

    /** As {@link #of(Weights, ActivationCache, int, int, int)}, given the final LayerNorm scale s_f at the position (ignored without normalization). */
    public static LogitDirection of(Weights w, double finalScale, int target, int contrast) {
        ModelConfig c = w.config();
        int d = c.dModel(), v = c.dVocab();
        checkToken("target", target, v);
        if (contrast != -1) checkToken("contrast", contrast, v);
        // Element by element: a W_U kept in 16 bits is not converted whole for two of its columns.
        Tensor wu = w.wU();
        float[] bu = w.bU().data();
        double[] col = new double[d];
        for (int i = 0; i < d; i++) col[i] = wu.at(i * v + target) - (contrast < 0 ? 0.0 : wu.at(i * v + contrast));
        double unembedBias = bu[target] - (contrast < 0 ? 0.0 : bu[contrast]);
        Normalization n = c.normalizationType();
        if (n == Normalization.NONE) return new LogitDirection(col, 0, unembedBias);
        double lnBias = 0;
        double[] u = col.clone();
        if (n.hasWeight()) {
            float[] lw = w.lnFinal().w().data();
            for (int i = 0; i < d; i++) u[i] *= lw[i];
        }
        if (n == Normalization.LN) {
            float[] lb = w.lnFinal().b().data();
            for (int i = 0; i < d; i++) lnBias += lb[i] * col[i];
        }
        if (n.centers()) centre(u);
        for (int i = 0; i < d; i++) u[i] /= finalScale;
        return new LogitDirection(u, lnBias, unembedBias);
    }

    /** Subtracts the mean in place (LayerNorm's centring P). */
    static void centre(double[] x) {
        double m = 0;
        for (double e : x) m += e;
        m /= x.length;
        for (int i = 0; i < x.length; i++) x[i] -= m;
    }

    /** x[off .. off+u.length) · u in float64. */
    public double dot(float[] x, int off) {
        double s = 0;
        for (int i = 0; i < u.length; i++) s += x[off + i] * u[i];
        return s;
    }

    static void checkToken(String what, int id, int vocab) {
        if (id < 0 || id >= vocab) throw new IllegalArgumentException(what + " token " + id + " is outside the vocabulary [0, " + vocab + ")");
    }

    static void checkPosition(int pos, int tokens) {
        if (pos < 0 || pos >= tokens) {
            throw new IllegalArgumentException("position " + pos + " is outside the prompt (positions 0–" + (tokens - 1) + ")");
        }
    }
}
