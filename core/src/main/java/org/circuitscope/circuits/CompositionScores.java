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
    public static Result all(Weights w) { return all(w, WorkProgress.NONE); }

    /**
     * Q, K and V composition scores of every head pair, reporting each earlier layer done. Large
     * models go through {@link CompositionProducts} (float32 on the SIMD kernels); small ones stay
     * in float64 here, as the reference the fast path is tested against.
     */
    public static Result all(Weights w, WorkProgress progress) {
        ModelConfig c = w.config();
        if ((long) c.dModel() * c.dHead() * c.dHead() * c.nHeads() >= FactoredMatrix.SIMD_PRODUCT) return CompositionProducts.all(w, progress);
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
                for (int h1 = 0; h1 < nh; h1++) {
                    for (int h2 = 0; h2 < nh; h2++) {
                        q[l1][h1][l2][h2] = ratio(gv[l1][h1], block(mq, h1, h2, dh), gk[l2][h2], normOv[l1][h1] * normQk[l2][h2]);
                        k[l1][h1][l2][h2] = ratio(gv[l1][h1], block(mk, h1, h2, dh), gq[l2][h2], normOv[l1][h1] * normQk[l2][h2]);
                        v[l1][h1][l2][h2] = ratio(gv[l1][h1], block(mv, h1, h2, dh), go[l2][h2], normOv[l1][h1] * normOv[l2][h2]);
                    }
                }
            }
            if (l1 + 1 < nl) progress.advance(l1 + 1, nl - 1);
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
        if ((long) dModel * dHead * dHead >= FactoredMatrix.SIMD_PRODUCT) {
            // Same draws in the same order, scored through float32 Grams on the SIMD kernels.
            for (int s = 0; s < samples; s++) {
                float[] x1 = gaussian(rnd, dModel * dHead), y1 = gaussian(rnd, dHead * dModel);
                float[] x2 = gaussian(rnd, dModel * dHead), y2 = gaussian(rnd, dHead * dModel);
                sum += gramScore(x1, y1, x2, y2, dModel, dHead);
            }
            return sum / samples;
        }
        for (int s = 0; s < samples; s++) {
            FactoredMatrix left = new FactoredMatrix(gaussian(rnd, dModel, dHead), gaussian(rnd, dHead, dModel));
            FactoredMatrix right = new FactoredMatrix(gaussian(rnd, dModel, dHead), gaussian(rnd, dHead, dModel));
            sum += score(left, right);
        }
        return sum / samples;
    }

    /** The baseline for a model's shapes with this project's default draw (64 samples, seed 0). */
    public static double baseline(ModelConfig c) { return baseline(c.dModel(), c.dHead(), 64, 0); }

    private static float[] gaussian(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }

    /**
     * {@link #score} of X₁Y₁ and X₂Y₂ (X [d, k], Y [k, d]) as ‖X₁Y₁X₂Y₂‖² = trace(G_X₁·M·G_Y₂·Mᵀ)
     * with M = Y₁X₂, over ‖X₁Y₁‖² = ⟨G_X₁, G_Y₁⟩ and ‖X₂Y₂‖² = ⟨G_X₂, G_Y₂⟩ (G_X = XᵀX, G_Y = YYᵀ).
     */
    private static double gramScore(float[] x1, float[] y1, float[] x2, float[] y2, int d, int k) {
        Kernels kern = Kernels.get();
        float[] gx1 = new float[k * k], gy1 = new float[k * k], gx2 = new float[k * k], gy2 = new float[k * k], m = new float[k * k];
        kern.gemm(true, false, k, k, d, x1, 0, k, x1, 0, k, gx1, 0, k, false);
        kern.gemm(false, true, k, k, d, y1, 0, d, y1, 0, d, gy1, 0, k, false);
        kern.gemm(true, false, k, k, d, x2, 0, k, x2, 0, k, gx2, 0, k, false);
        kern.gemm(false, true, k, k, d, y2, 0, d, y2, 0, d, gy2, 0, k, false);
        kern.gemm(false, false, k, k, d, y1, 0, d, x2, 0, k, m, 0, k, false);
        double norms = Math.sqrt(Math.max(0, dot(gx1, gy1)) * Math.max(0, dot(gx2, gy2)));
        if (norms == 0) return 0;
        // trace(A·Bᵀ) = ⟨A, B⟩ with A = G_X₁·M and B = M·G_Y₂ (G_Y₂ symmetric).
        double[] a = new double[k * k], b = new double[k * k];
        for (int i = 0; i < k; i++) {
            for (int p = 0; p < k; p++) {
                double g = gx1[i * k + p], mm = m[i * k + p];
                for (int j = 0; j < k; j++) {
                    a[i * k + j] += g * m[p * k + j];
                    b[i * k + j] += mm * gy2[p * k + j];
                }
            }
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return Math.sqrt(Math.max(0, s)) / norms;
    }

    private static double dot(float[] x, float[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) s += (double) x[i] * y[i];
        return s;
    }

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
