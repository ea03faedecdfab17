package org.circuitscope.circuits;

import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Kernels;
import org.circuitscope.tensor.WorkerPool;
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

    /**
     * Vocabulary rows per block when forming the d_model × d_model products: float32 sums over
     * this many rows, float64 across blocks; long enough for the gemm's packing to pay, short
     * enough that a call begun on the scalar kernels of a fresh JVM (see {@code Kernels}) ends
     * within a second or so and the rest run on the SIMD ones.
     */
    private static final int CHUNK = 2048;

    /** OV copying scores [layer][head]. */
    public static double[][] ov(Weights w) { return scores(ovEigenvalues(w)); }

    /** QK copying scores [layer][head]. */
    public static double[][] qk(Weights w) { return scores(qkEigenvalues(w)); }

    /** Eigenvalues [layer][head][d_head] as {re, im} of each head's full OV circuit (its nonzero ones, from the d_head core). */
    public static double[][][][] ovEigenvalues(Weights w) { return ovEigenvalues(w, WorkProgress.NONE); }

    /** {@link #ovEigenvalues(Weights)}, reporting the vocabulary blocks of G_UE and then the layers. */
    public static double[][][][] ovEigenvalues(Weights w, WorkProgress progress) { return ovEigenvalues(w, vocabProduct(w, true, progress), progress); }

    private static double[][][][] ovEigenvalues(Weights w, DMatrixRMaj g, WorkProgress progress) {
        if (large(w.config())) return cores(w, g, true, progress);
        return perHead(w, (l, h) -> new FactoredMatrix(HeadCircuits.wv(w, l, h), FactoredMatrix.mult(HeadCircuits.wo(w, l, h), g)));
    }

    /** Both circuits' eigenvalues [layer][head][d_head] as {re, im}, as {@link #ovEigenvalues} and {@link #qkEigenvalues} give them. */
    public record Eigenvalues(double[][][][] ov, double[][][][] qk) {}

    /**
     * {@link #ovEigenvalues} and {@link #qkEigenvalues} together: with tied embeddings (W_U = W_Eᵀ,
     * as in GPT-2's own checkpoints) G_UE is G_EE, and the one vocabulary product serves both.
     */
    public static Eigenvalues ovAndQkEigenvalues(Weights w, WorkProgress ovProgress, WorkProgress qkProgress) {
        ModelConfig c = w.config();
        if (!tied(w.wE().data(), w.wU().data(), c.dVocab(), c.dModel())) {
            return new Eigenvalues(ovEigenvalues(w, ovProgress), qkEigenvalues(w, qkProgress));
        }
        DMatrixRMaj g = vocabProduct(w, false, ovProgress);
        return new Eigenvalues(ovEigenvalues(w, g, ovProgress), qkEigenvalues(w, g, qkProgress));
    }

    /** Eigenvalues of each head's full QK circuit, likewise. */
    public static double[][][][] qkEigenvalues(Weights w) { return qkEigenvalues(w, WorkProgress.NONE); }

    /** {@link #qkEigenvalues(Weights)}, reporting the vocabulary blocks of G_EE and then the layers. */
    public static double[][][][] qkEigenvalues(Weights w, WorkProgress progress) { return qkEigenvalues(w, vocabProduct(w, false, progress), progress); }

    private static double[][][][] qkEigenvalues(Weights w, DMatrixRMaj g, WorkProgress progress) {
        if (large(w.config())) return cores(w, g, false, progress);
        return perHead(w, (l, h) -> new FactoredMatrix(HeadCircuits.wq(w, l, h),
                FactoredMatrix.mult(CommonOps_DDRM.transpose(HeadCircuits.wk(w, l, h), null), g)));
    }

    /** Whether a head's d_head × d_model × d_model product is large enough for the float32 path (as {@link FactoredMatrix#mult}). */
    private static boolean large(ModelConfig c) { return (long) c.dHead() * c.dModel() * c.dModel() >= FactoredMatrix.SIMD_PRODUCT; }

    /**
     * Every head's eigenvalues from its d_head × d_head core on the SIMD kernels: OV's
     * (W_O·G_UE)·W_V, with W_O·G_UE one [n_heads·d_head, d_model] product per layer; QK's
     * (W_Kᵀ·G_EE)·W_Q, with W_Kᵀ·G_EE one product per key/value head. The eigenvalues of each
     * core are found in float64.
     */
    private static double[][][][] cores(Weights w, DMatrixRMaj g, boolean ov, WorkProgress progress) {
        ModelConfig c = w.config();
        int d = c.dModel(), dh = c.dHead(), nh = c.nHeads(), nkv = c.nKeyValueHeads();
        Kernels kern = Kernels.get();
        float[] gf = new float[d * d];
        for (int i = 0; i < gf.length; i++) gf[i] = (float) g.data[i];
        float[] x = new float[(ov ? nh : nkv) * dh * d];
        double[][][][] out = new double[c.nLayers()][nh][][];
        for (int l = 0; l < c.nLayers(); l++) {
            var a = w.layer(l).attn();
            if (ov) {
                kern.gemm(false, false, nh * dh, d, d, a.wO().data(), 0, d, gf, 0, d, x, 0, d, false);
            } else {
                kern.gemmBatched(nkv, true, false, dh, d, d, a.wK().data(), 0, dh, d * dh, gf, 0, d, 0, x, 0, d, dh * d, false);
            }
            // The heads' cores and eigendecompositions on every core of the pool (EJML's are
            // single-threaded); each head's arithmetic is the same whichever thread does it.
            double[][][] layer = out[l];
            WorkerPool.parallelFor(nh, h -> {
                int kv = c.keyValueHead(h);
                float[] right = ov ? a.wV().data() : a.wQ().data(), core = new float[dh * dh];
                kern.gemm(false, false, dh, dh, d, x, (ov ? h : kv) * dh * d, d, right, (ov ? kv : h) * d * dh, dh, core, 0, dh, false);
                double[] m = new double[dh * dh];
                for (int i = 0; i < m.length; i++) m[i] = core[i];
                layer[h] = FactoredMatrix.eigenvalues(new DMatrixRMaj(dh, dh, true, m));
            });
            progress.advance(blocks(c) + l + 1, blocks(c) + c.nLayers());
        }
        return out;
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
    static DMatrixRMaj unembedTimesEmbed(Weights w) { return vocabProduct(w, true, WorkProgress.NONE); }

    /** G_EE = W_Eᵀ·W_E, d_model × d_model. */
    static DMatrixRMaj embedGram(Weights w) { return vocabProduct(w, false, WorkProgress.NONE); }

    /** Units of progress of a vocabulary product: its blocks of {@link #CHUNK} rows. */
    private static int blocks(ModelConfig c) { return (c.dVocab() + CHUNK - 1) / CHUNK; }

    private static DMatrixRMaj vocabProduct(Weights w, boolean unembedLeft, WorkProgress progress) {
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
        // Tied embeddings (GPT-2's own checkpoints: W_U = W_Eᵀ) make G_UE the Gram G_EE.
        boolean gram = !unembedLeft || tied(we, wu, v, d);
        float[] part = new float[d * d];
        Kernels kern = Kernels.get();
        int panel = (d + PANELS - 1) / PANELS;
        for (int t0 = 0; t0 < v; t0 += CHUNK) {
            int n = Math.min(CHUNK, v - t0);
            // One chunk's product in float32 on the SIMD kernels; the chunks add up in float64.
            if (!gram) {
                // W_U[:, t0..t0+n] is read in place (leading dimension d_vocab): no transposed copy.
                kern.gemm(false, false, d, d, n, wu, t0, v, we, t0 * d, d, part, 0, d, false);
            } else {
                // W_Eᵀ·W_E is symmetric: each panel of rows only up to its diagonal block (5/8 of
                // the products with four panels), the rest mirrored below.
                for (int r0 = 0; r0 < d; r0 += panel) {
                    int rows = Math.min(panel, d - r0);
                    kern.gemm(true, false, rows, r0 + rows, n, we, t0 * d + r0, d, we, t0 * d, d, part, r0 * d, d, false);
                }
            }
            if (gram) {
                for (int i = 0; i < d; i++) {
                    int lastCol = Math.min(d, (i / panel + 1) * panel);
                    for (int j = 0; j < lastCol; j++) g.data[i * d + j] += part[i * d + j];
                }
            } else {
                for (int i = 0; i < part.length; i++) g.data[i] += part[i];
            }
            progress.advance(t0 / CHUNK + 1, blocks(c) + (large(c) ? c.nLayers() : 0));
        }
        if (gram) {
            // The upper triangle from the lower (entries within a diagonal block were computed twice; keep the lower one).
            for (int i = 0; i < d; i++) for (int j = i + 1; j < d; j++) g.data[i * d + j] = g.data[j * d + i];
        }
        return g;
    }

    /** Row panels of a vocabulary Gram: panel p holds rows [p·d/4, (p+1)·d/4) up to its diagonal block. */
    private static final int PANELS = 4;

    /** Whether W_U [d, v] is exactly W_Eᵀ (W_E [v, d]): stops at the first difference, so untied models pay almost nothing. */
    static boolean tied(float[] we, float[] wu, int v, int d) {
        for (int t = 0; t < v; t++) {
            for (int i = 0; i < d; i++) if (Float.floatToRawIntBits(wu[i * v + t]) != Float.floatToRawIntBits(we[t * d + i])) return false;
        }
        return true;
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
