package org.circuitscope.circuits;

import org.circuitscope.model.LayerWeights;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Kernels;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * {@link CompositionScores#all} for large models, in float32 on the SIMD kernels with float64
 * sums. With L = V₁·O₁ and R = A₂·B₂ (see {@link CompositionScores}), ‖L·R‖² = trace(G_L·M·G_R·Mᵀ)
 * with M = O₁·A₂; writing G_L = S_Lᵀ·S_L and G_R = S_R·S_Rᵀ with S = G^{1/2} (the symmetric root of
 * a d_head × d_head Gram), it is ‖S_L·O₁·A₂·S_R‖_F²: fold S_L into each head's W_O rows and S_R
 * into each later head's W_Q/W_K/W_V columns once, and every pair's score is the sum of squares
 * of one d_head × d_head block of a single product per earlier layer,
 * [n_heads·d_head, d_model] × [d_model, 3·n_heads·d_head·(later layers)]. No per-pair d_head³
 * work is left, and a sum of squares has no cancellation to lose float32 precision to.
 */
final class CompositionProducts {
    private CompositionProducts() {}

    private static final int Q = 0, K = 1, V = 2, MODES = 3;

    static CompositionScores.Result all(Weights w, WorkProgress progress) {
        ModelConfig c = w.config();
        int nl = c.nLayers(), nh = c.nHeads(), nkv = c.nKeyValueHeads(), dh = c.dHead(), d = c.dModel(), hd = nh * dh;
        Kernels kern = Kernels.get();
        int ld = nl * MODES * hd;
        // Â: every layer's S_R-folded W_Q | W_K | W_V columns side by side, [d_model, n_layers·3·n_heads·d_head].
        float[] right = new float[d * ld];
        float[][] left = new float[nl][];
        double[][] normOv = new double[nl][nh], normQk = new double[nl][nh];
        for (int l = 0; l < nl; l++) {
            LayerWeights.Attention a = w.layer(l).attn();
            float[] wq = a.wQ().data(), wk = a.wK().data(), wv = a.wV().data(), wo = a.wO().data();
            float[] gq = gramsOfColumns(kern, wq, nh, d, dh), gk = gramsOfColumns(kern, wk, nkv, d, dh);
            float[] gv = gramsOfColumns(kern, wv, nkv, d, dh), go = new float[nh * dh * dh];
            kern.gemmBatched(nh, false, true, dh, dh, d, wo, 0, d, dh * d, wo, 0, d, dh * d, go, 0, dh, dh * dh, false);
            float[][] rq = roots(gq, nh, dh), rk = roots(gk, nkv, dh), rv = roots(gv, nkv, dh), ro = roots(go, nh, dh);
            left[l] = new float[hd * d];
            for (int h = 0; h < nh; h++) {
                int kv = c.keyValueHead(h);
                normOv[l][h] = Math.sqrt(Math.max(0, dot(gv, kv * dh * dh, go, h * dh * dh, dh * dh)));
                normQk[l][h] = Math.sqrt(Math.max(0, dot(gq, h * dh * dh, gk, kv * dh * dh, dh * dh)));
                // Ô rows of head h: S_V·W_O[h] (the left factor's Gram is W_Vᵀ W_V).
                kern.gemm(false, false, dh, d, dh, rv[kv], 0, dh, wo, h * dh * d, d, left[l], h * dh * d, d, false);
                // Â columns: Q reads W_Q[h]·S(W_Kᵀ W_K), K reads W_K·S(W_Qᵀ W_Q), V reads W_V·S(W_O W_Oᵀ).
                int col = l * MODES * hd + h * dh;
                kern.gemm(false, false, d, dh, dh, wq, h * d * dh, dh, rk[kv], 0, dh, right, col + Q * hd, ld, false);
                kern.gemm(false, false, d, dh, dh, wk, kv * d * dh, dh, rq[h], 0, dh, right, col + K * hd, ld, false);
                kern.gemm(false, false, d, dh, dh, wv, kv * d * dh, dh, ro[h], 0, dh, right, col + V * hd, ld, false);
            }
        }
        double[][][][] q = new double[nl][nh][nl][nh], k = new double[nl][nh][nl][nh], v = new double[nl][nh][nl][nh];
        double[][][][][] out = {q, k, v};
        float[] prod = new float[Math.max(1, hd * (nl - 1) * MODES * hd)];
        for (int l1 = 0; l1 + 1 < nl; l1++) {
            int n = (nl - 1 - l1) * MODES * hd;
            kern.gemm(false, false, hd, n, d, left[l1], 0, d, right, (l1 + 1) * MODES * hd, ld, prod, 0, n, false);
            for (int l2 = l1 + 1; l2 < nl; l2++) {
                for (int m = 0; m < MODES; m++) {
                    int col0 = ((l2 - l1 - 1) * MODES + m) * hd;
                    for (int h1 = 0; h1 < nh; h1++) {
                        for (int h2 = 0; h2 < nh; h2++) {
                            double norms = normOv[l1][h1] * (m == V ? normOv[l2][h2] : normQk[l2][h2]);
                            out[m][l1][h1][l2][h2] = norms == 0 ? 0 : Math.sqrt(sumOfSquares(prod, h1 * dh, col0 + h2 * dh, n, dh)) / norms;
                        }
                    }
                }
            }
            progress.advance(l1 + 1, nl - 1);
        }
        return new CompositionScores.Result(q, k, v);
    }

    /** Xᵀ·X of each [d, dh] slice of x [heads, d, dh]: [heads, dh, dh]. */
    private static float[] gramsOfColumns(Kernels kern, float[] x, int heads, int d, int dh) {
        float[] g = new float[heads * dh * dh];
        kern.gemmBatched(heads, true, false, dh, dh, d, x, 0, dh, d * dh, x, 0, dh, d * dh, g, 0, dh, dh * dh, false);
        return g;
    }

    /**
     * The symmetric square root Q·Λ^{1/2}·Qᵀ of each positive semi-definite Gram (negative
     * eigenvalues from rounding count as 0), from float64 eigendecompositions.
     */
    private static float[][] roots(float[] grams, int count, int dh) {
        float[][] out = new float[count][dh * dh];
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(dh, true, true);
        for (int i = 0; i < count; i++) {
            DMatrixRMaj g = new DMatrixRMaj(dh, dh);
            for (int r = 0; r < dh; r++) {
                // Symmetrised: float32 products can differ in the last bit across the diagonal.
                for (int s = 0; s < dh; s++) g.data[r * dh + s] = 0.5 * ((double) grams[i * dh * dh + r * dh + s] + grams[i * dh * dh + s * dh + r]);
            }
            if (!eig.decompose(g)) throw new IllegalStateException("eigendecomposition of a " + dh + "×" + dh + " Gram matrix did not converge");
            double[] root = new double[dh * dh];
            for (int e = 0; e < dh; e++) {
                double lambda = Math.sqrt(Math.max(0, eig.getEigenvalue(e).real));
                DMatrixRMaj vec = eig.getEigenVector(e);
                if (vec == null || lambda == 0) continue;
                for (int r = 0; r < dh; r++) for (int s = 0; s < dh; s++) root[r * dh + s] += lambda * vec.data[r] * vec.data[s];
            }
            for (int j = 0; j < root.length; j++) out[i][j] = (float) root[j];
        }
        return out;
    }

    private static double dot(float[] x, int xOff, float[] y, int yOff, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += (double) x[xOff + i] * y[yOff + i];
        return s;
    }

    private static double sumOfSquares(float[] m, int row0, int col0, int ld, int dh) {
        double s = 0;
        for (int i = 0; i < dh; i++) {
            int at = (row0 + i) * ld + col0;
            for (int j = 0; j < dh; j++) s += (double) m[at + j] * m[at + j];
        }
        return s;
    }
}
