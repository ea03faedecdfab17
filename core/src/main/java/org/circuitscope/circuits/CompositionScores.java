package org.circuitscope.circuits;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Kernels;
import org.circuitscope.tensor.Tensor;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Composition scores between a head h1 of an earlier layer and a head h2 of a later layer, as
 * TransformerLens's {@code all_composition_scores}: score = ‖L·R‖_F / (‖L‖_F·‖R‖_F) with
 * <ul>
 * <li>Q-composition: L = W_OV^{h1}, R = W_QK^{h2} (h1 writes what h2's queries read);</li>
 * <li>K-composition: L = W_OV^{h1}, R = (W_QK^{h2})ᵀ (h1 writes what h2's keys read);</li>
 * <li>V-composition: L = W_OV^{h1}, R = W_OV^{h2} (h1 writes what h2 moves).</li>
 * </ul>
 * In code notation W_OV = W_V·W_O and W_QK = W_Q·W_Kᵀ (row vectors); the paper writes the same
 * scores in column-vector notation, e.g. Q: ‖W_QK^{h2 T} W_OV^{h1}‖_F / (‖W_QK^{h2 T}‖_F ‖W_OV^{h1}‖_F).
 * Pairs with layer1 ≥ layer2 are 0.
 *
 * <p>Other families: under grouped-query attention a query head's W_K and W_V are its key/value
 * head's, so heads of one group share K- and V-composition scores with any writer (TransformerLens
 * computes on the repeated W_K, W_V, the same numbers). Rotary models: Q and K composition use
 * W_QK without the rotation, as TransformerLens ({@link HeadCircuits#rotaryNote}). Only heads
 * compose here, so gated MLPs (W_gate, W_in) play no part.
 *
 * <p>All pairs at once without d_model × d_model products: with L = V₁·O₁ and R = A₂·B₂ (A₂ = W_Q,
 * W_K or W_V of h2; B₂ = W_Kᵀ, W_Qᵀ or W_O), ‖L·R‖² = trace(G_L·M·G_R·Mᵀ) where M = O₁·A₂
 * (d_head × d_head), G_L = V₁ᵀV₁ and G_R = B₂B₂ᵀ; M for all head pairs of two layers is one
 * (n_heads·d_head) × d_model × (n_heads·d_head) product.
 *
 * <p>Baseline: random matrices of the same shapes also compose a little. {@link #baseline}
 * estimates E[score] by Monte Carlo over L = X₁Y₁ and R = X₂Y₂ with i.i.d. standard Gaussian
 * factors (X [d_model, d_head], Y [d_head, d_model]), seeded; the score is scale-free, so the
 * variance does not matter, and Q, K and V share it (QKᵀ of Gaussian factors is distributed as
 * QK). For reference the ratio of expectations is exact: E‖LR‖²/(E‖L‖²·E‖R‖²) = 1/d_model, so
 * the baseline is close to 1/√d_model. The paper's corrected score is score − baseline.
 */
public final class CompositionScores {
    private CompositionScores() {}

    /** Composition modes. */
    public enum Mode { Q, K, V }

    /** Raw scores indexed [layer1][head1][layer2][head2]. */
    public record Result(double[][][][] q, double[][][][] k, double[][][][] v) {
        public double[][][][] of(Mode m) {
            return switch (m) { case Q -> q; case K -> k; case V -> v; };
        }

        /** The n highest raw scores over all modes and pairs, highest first. */
        public List<Composition> strongest(int n) {
            List<Composition> all = new ArrayList<>();
            for (Mode m : Mode.values()) {
                double[][][][] s = of(m);
                for (int l1 = 0; l1 < s.length; l1++)
                    for (int h1 = 0; h1 < s[l1].length; h1++)
                        for (int l2 = l1 + 1; l2 < s[l1][h1].length; l2++)
                            for (int h2 = 0; h2 < s[l1][h1][l2].length; h2++) all.add(new Composition(m, l1, h1, l2, h2, s[l1][h1][l2][h2]));
            }
            all.sort(Comparator.comparingDouble(Composition::score).reversed());
            return all.subList(0, Math.min(n, all.size()));
        }
    }

    /** One pair's score. */
    public record Composition(Mode mode, int layer1, int head1, int layer2, int head2, double score) {}

    /** ‖L·R‖_F / (‖L‖_F·‖R‖_F) for any two factored matrices that chain (0 if either is zero). */
    public static double score(FactoredMatrix left, FactoredMatrix right) {
        double d = left.norm() * right.norm();
        return d == 0 ? 0 : left.times(right).norm() / d;
    }

    /** Q, K and V composition scores of every head pair. */
    public static Result all(Weights w) {
        ModelConfig c = w.config();
        int nl = c.nLayers(), nh = c.nHeads(), dh = c.dHead();
        // Per head: G_L = W_Vᵀ W_V and the Gram of each right factor B₂, with the norms.
        DMatrixRMaj[][] gv = new DMatrixRMaj[nl][nh], gk = new DMatrixRMaj[nl][nh], gq = new DMatrixRMaj[nl][nh], go = new DMatrixRMaj[nl][nh];
        double[][] normOv = new double[nl][nh], normQk = new double[nl][nh];
        for (int l = 0; l < nl; l++) {
            for (int h = 0; h < nh; h++) {
                gv[l][h] = inner(HeadCircuits.wv(w, l, h));
                gk[l][h] = inner(HeadCircuits.wk(w, l, h));
                gq[l][h] = inner(HeadCircuits.wq(w, l, h));
                DMatrixRMaj o = HeadCircuits.wo(w, l, h);
                go[l][h] = new DMatrixRMaj(dh, dh);
                CommonOps_DDRM.multOuter(o, go[l][h]);
                normOv[l][h] = Math.sqrt(Math.max(0, dotSymmetric(gv[l][h], go[l][h])));
                normQk[l][h] = Math.sqrt(Math.max(0, dotSymmetric(gq[l][h], gk[l][h])));
            }
        }
        double[][][][] q = new double[nl][nh][nl][nh], k = new double[nl][nh][nl][nh], v = new double[nl][nh][nl][nh];
        for (int l1 = 0; l1 < nl; l1++) {
            // W_O of every head of l1 stacked: [n_heads·d_head, d_model] is exactly the tensor's layout.
            DMatrixRMaj o1 = FactoredMatrix.matrix(w.layer(l1).attn().wO().data(), 0, nh * dh, c.dModel());
            for (int l2 = l1 + 1; l2 < nl; l2++) {
                DMatrixRMaj mq = FactoredMatrix.mult(o1, stacked(c, w.layer(l2).attn().wQ(), false));
                DMatrixRMaj mk = FactoredMatrix.mult(o1, stacked(c, w.layer(l2).attn().wK(), true));
                DMatrixRMaj mv = FactoredMatrix.mult(o1, stacked(c, w.layer(l2).attn().wV(), true));
                if ((long) c.dModel() * dh * dh * nh < FactoredMatrix.SIMD_PRODUCT) {
                    for (int h1 = 0; h1 < nh; h1++) {
                        for (int h2 = 0; h2 < nh; h2++) {
                            q[l1][h1][l2][h2] = ratio(gv[l1][h1], block(mq, h1, h2, dh), gk[l2][h2], normOv[l1][h1] * normQk[l2][h2]);
                            k[l1][h1][l2][h2] = ratio(gv[l1][h1], block(mk, h1, h2, dh), gq[l2][h2], normOv[l1][h1] * normQk[l2][h2]);
                            v[l1][h1][l2][h2] = ratio(gv[l1][h1], block(mv, h1, h2, dh), go[l2][h2], normOv[l1][h1] * normOv[l2][h2]);
                        }
                    }
                } else {
                    ratios(gv[l1], mq, gk[l2], normOv[l1], normQk[l2], q[l1], l2, dh);
                    ratios(gv[l1], mk, gq[l2], normOv[l1], normQk[l2], k[l1], l2, dh);
                    ratios(gv[l1], mv, go[l2], normOv[l1], normOv[l2], v[l1], l2, dh);
                }
            }
        }
        return new Result(q, k, v);
    }

    /**
     * Monte Carlo estimate of the expected composition score of random matrices with the factored
     * shapes of W_OV and W_QK (d_model × d_head × d_model), over {@code samples} seeded draws.
     */
    public static double baseline(int dModel, int dHead, int samples, long seed) {
        if (samples <= 0) throw new IllegalArgumentException("baseline needs at least one sample, got " + samples);
        SplittableRandom rnd = new SplittableRandom(seed);
        double sum = 0;
        for (int s = 0; s < samples; s++) {
            FactoredMatrix left = new FactoredMatrix(gaussian(rnd, dModel, dHead), gaussian(rnd, dHead, dModel));
            FactoredMatrix right = new FactoredMatrix(gaussian(rnd, dModel, dHead), gaussian(rnd, dHead, dModel));
            sum += score(left, right);
        }
        return sum / samples;
    }

    /** The baseline for a model's shapes with this project's default draw (64 samples, seed 0). */
    public static double baseline(ModelConfig c) { return baseline(c.dModel(), c.dHead(), 64, 0); }

    private static DMatrixRMaj gaussian(SplittableRandom rnd, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = rnd.nextGaussian();
        return m;
    }

    /** √trace(G_L·M·G_R·Mᵀ) / norms = Σ (G_L·M) ∘ (M·G_R) under the root, as G_R is symmetric. */
    private static double ratio(DMatrixRMaj gl, DMatrixRMaj m, DMatrixRMaj gr, double norms) {
        if (norms == 0) return 0;
        DMatrixRMaj x = FactoredMatrix.mult(gl, m), y = FactoredMatrix.mult(m, gr);
        double s = 0;
        for (int i = 0; i < x.data.length; i++) s += x.data[i] * y.data[i];
        return Math.sqrt(Math.max(0, s)) / norms;
    }

    /**
     * {@link #ratio} for every head pair of two layers at once, in float32 on the SIMD kernels:
     * X = blockdiag(G_L)·M and Y = M·blockdiag(G_R) are 2·n_heads products of d_head × d_head by
     * d_head × n_heads·d_head, and pair (h1, h2)'s trace is the sum of X∘Y over its block.
     * {@code out[h1][l2][h2]} receives the scores.
     */
    private static void ratios(DMatrixRMaj[] gl, DMatrixRMaj m, DMatrixRMaj[] gr, double[] normL, double[] normR,
                               double[][][] out, int l2, int dh) {
        int nh = gl.length, w = nh * dh;
        float[] mf = new float[w * w], x = new float[w * w], y = new float[w * w], g = new float[dh * dh];
        for (int i = 0; i < mf.length; i++) mf[i] = (float) m.data[i];
        Kernels kern = Kernels.get();
        for (int h = 0; h < nh; h++) {
            // Rows h of X: G_L[h]·M[rows h]; columns h of Y: M[:, cols h]·G_R[h].
            toFloat(gl[h], g);
            kern.gemm(false, false, dh, w, dh, g, 0, dh, mf, h * dh * w, w, x, h * dh * w, w, false);
            toFloat(gr[h], g);
            kern.gemm(false, false, w, dh, dh, mf, h * dh, w, g, 0, dh, y, h * dh, w, false);
        }
        for (int h1 = 0; h1 < nh; h1++) {
            for (int h2 = 0; h2 < nh; h2++) {
                double norms = normL[h1] * normR[h2], s = 0;
                for (int i = 0; i < dh; i++) {
                    int row = (h1 * dh + i) * w + h2 * dh;
                    for (int j = 0; j < dh; j++) s += (double) x[row + j] * y[row + j];
                }
                out[h1][l2][h2] = norms == 0 ? 0 : Math.sqrt(Math.max(0, s)) / norms;
            }
        }
    }

    private static void toFloat(DMatrixRMaj m, float[] out) {
        for (int i = 0; i < m.data.length; i++) out[i] = (float) m.data[i];
    }

    private static DMatrixRMaj block(DMatrixRMaj m, int h1, int h2, int dh) {
        return CommonOps_DDRM.extract(m, h1 * dh, (h1 + 1) * dh, h2 * dh, (h2 + 1) * dh);
    }

    /**
     * W_X[l] [n_heads, d_model, d_head] laid out as [d_model, n_heads·d_head]; for W_K and W_V
     * ({@code keyValue}) query head h's block is its key/value head's (the repeat of _W_K, _W_V).
     */
    private static DMatrixRMaj stacked(ModelConfig c, Tensor projection, boolean keyValue) {
        int d = c.dModel(), nh = c.nHeads(), dh = c.dHead();
        float[] x = projection.data();
        DMatrixRMaj m = new DMatrixRMaj(d, nh * dh);
        for (int h = 0; h < nh; h++) {
            int src = keyValue ? c.keyValueHead(h) : h;
            for (int i = 0; i < d; i++)
                for (int e = 0; e < dh; e++) m.data[i * nh * dh + h * dh + e] = x[(src * d + i) * dh + e];
        }
        return m;
    }

    private static DMatrixRMaj inner(DMatrixRMaj x) {
        DMatrixRMaj g = new DMatrixRMaj(x.numCols, x.numCols);
        CommonOps_DDRM.multInner(x, g);
        return g;
    }

    private static double dotSymmetric(DMatrixRMaj x, DMatrixRMaj y) {
        double s = 0;
        for (int i = 0; i < x.data.length; i++) s += x.data[i] * y.data[i];
        return s;
    }
}
