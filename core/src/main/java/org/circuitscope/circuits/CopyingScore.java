package org.circuitscope.circuits;

import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Kernels;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The paper's copying score of a circuit: Σλ / Σ|λ| over its eigenvalues λ, +1 for a circuit
 * that only copies (positive eigenvalues), −1 for one that only suppresses.
 * <ul>
 * <li>OV: eigenvalues of the full OV circuit W_E·W_V·W_O·W_U (paper: W_U W_O W_V W_E), vocab ×
 *   vocab; positive when attending to a token raises that token's logit.</li>
 * <li>QK: eigenvalues of the full QK circuit W_E·W_Q·W_Kᵀ·W_Eᵀ (paper: W_Eᵀ W_Qᵀ W_K W_E);
 *   positive when a token attends to copies of itself.</li>
 * </ul>
 * Neither vocab × vocab matrix is formed: the nonzero eigenvalues of X·Y equal those of Y·X, so
 * the OV circuit's are those of W_V·(W_O·G_UE) with G_UE = W_U·W_E, and the QK circuit's those
 * of W_Q·(W_Kᵀ·G_EE) with G_EE = W_Eᵀ·W_E; both d_model × d_model matrices are formed once
 * per model, and each head's eigenvalues come from the d_head × d_head core BA of the
 * {@link FactoredMatrix} (W_O·G_UE·W_V, W_Kᵀ·G_EE·W_Q).
 */
public final class CopyingScore {
    private CopyingScore() {}

    /** Vocabulary rows per block when forming the d_model × d_model products (bounds the float64 copies). */
    private static final int CHUNK = 2048;

    /** OV copying scores [layer][head]. */
    public static double[][] ov(Weights w) { return scores(ovEigenvalues(w)); }

    /** QK copying scores [layer][head]. */
    public static double[][] qk(Weights w) { return scores(qkEigenvalues(w)); }

    /** Eigenvalues [layer][head][d_head] as {re, im} of each head's full OV circuit (its nonzero ones, from the d_head core). */
    public static double[][][][] ovEigenvalues(Weights w) {
        DMatrixRMaj g = unembedTimesEmbed(w);
        return perHead(w, (l, h) -> new FactoredMatrix(HeadCircuits.wv(w, l, h), FactoredMatrix.mult(HeadCircuits.wo(w, l, h), g)));
    }

    /** Eigenvalues of each head's full QK circuit, likewise. */
    public static double[][][][] qkEigenvalues(Weights w) {
        DMatrixRMaj g = embedGram(w);
        return perHead(w, (l, h) -> new FactoredMatrix(HeadCircuits.wq(w, l, h),
                FactoredMatrix.mult(CommonOps_DDRM.transpose(HeadCircuits.wk(w, l, h), null), g)));
    }

    private interface Circuit { FactoredMatrix of(int layer, int head); }

    private static double[][][][] perHead(Weights w, Circuit circuit) {
        ModelConfig c = w.config();
        double[][][][] out = new double[c.nLayers()][c.nHeads()][][];
        for (int l = 0; l < c.nLayers(); l++) {
            for (int h = 0; h < c.nHeads(); h++) out[l][h] = circuit.of(l, h).eigenvalues();
        }
        return out;
    }

    /** {@link #score} of every head's eigenvalues. */
    public static double[][] scores(double[][][][] eigenvalues) {
        double[][] out = new double[eigenvalues.length][];
        for (int l = 0; l < out.length; l++) {
            out[l] = new double[eigenvalues[l].length];
            for (int h = 0; h < out[l].length; h++) out[l][h] = score(eigenvalues[l][h]);
        }
        return out;
    }

    /** G_UE = W_U·W_E, d_model × d_model, summed over the vocabulary in blocks. */
    static DMatrixRMaj unembedTimesEmbed(Weights w) { return vocabProduct(w, true); }

    /** G_EE = W_Eᵀ·W_E, d_model × d_model. */
    static DMatrixRMaj embedGram(Weights w) { return vocabProduct(w, false); }

    private static DMatrixRMaj vocabProduct(Weights w, boolean unembedLeft) {
        ModelConfig c = w.config();
        int d = c.dModel(), v = c.dVocab();
        float[] we = w.wE().data(), wu = w.wU().data();
        DMatrixRMaj g = new DMatrixRMaj(d, d);
        if ((long) v * d * d < FactoredMatrix.SIMD_PRODUCT) {
            // Small models: float64 throughout (their products take no time).
            DMatrixRMaj e = FactoredMatrix.matrix(we, 0, v, d), left = e;
            if (unembedLeft) left = CommonOps_DDRM.transpose(FactoredMatrix.matrix(wu, 0, d, v), null);
            CommonOps_DDRM.multTransA(left, e, g);
            return g;
        }
        float[] left = new float[CHUNK * d], part = new float[d * d];
        for (int t0 = 0; t0 < v; t0 += CHUNK) {
            int n = Math.min(CHUNK, v - t0);
            if (unembedLeft) {
                // W_U's columns t0..t0+n, transposed to [n, d_model] rows.
                for (int i = 0; i < d; i++) for (int t = 0; t < n; t++) left[t * d + i] = wu[i * v + t0 + t];
            }
            // One chunk's leftᵀ·W_E in float32 on the SIMD kernels; the chunks add up in float64.
            Kernels.get().gemm(true, false, d, d, n, unembedLeft ? left : we, unembedLeft ? 0 : t0 * d, d, we, t0 * d, d, part, 0, d, false);
            for (int i = 0; i < part.length; i++) g.data[i] += part[i];
        }
        return g;
    }

    /** Eigenvalues of a square row-major matrix, as {re, im} pairs. */
    public static double[][] eigenvalues(double[] square) {
        int n = (int) Math.round(Math.sqrt(square.length));
        if (n * n != square.length) throw new IllegalArgumentException(square.length + " values do not make a square matrix");
        return FactoredMatrix.eigenvalues(new DMatrixRMaj(n, n, true, square));
    }

    /** Σλ / Σ|λ| (Σλ is real: complex eigenvalues of a real matrix come in conjugate pairs); 0 for a zero circuit. */
    public static double score(double[][] eigenvalues) {
        double sum = 0, abs = 0;
        for (double[] z : eigenvalues) {
            sum += z[0];
            abs += Math.hypot(z[0], z[1]);
        }
        return abs == 0 ? 0 : sum / abs;
    }
}
