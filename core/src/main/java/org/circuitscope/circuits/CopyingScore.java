package org.circuitscope.circuits;

import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Weights;
import org.ejml.data.Complex_F64;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The paper's copying score of a head: Σλ / Σ|λ| over the eigenvalues λ of its OV circuit
 * W_E·W_V·W_O·W_U (vocab × vocab), positive when the head mostly copies the token it attends
 * to. The nonzero eigenvalues of a product A·B equal those of B·A, so they come from the
 * d_head × d_head core W_O·(W_U·W_E)·W_V; the vocab × vocab matrix is never formed.
 */
public final class CopyingScore {
    private CopyingScore() {}

    /** OV copying scores [layer][head]. */
    public static double[][] ov(Weights w) {
        ModelConfig c = w.config();
        double[] ue = unembedTimesEmbed(w);
        double[][] out = new double[c.nLayers()][c.nHeads()];
        for (int l = 0; l < c.nLayers(); l++) {
            for (int h = 0; h < c.nHeads(); h++) out[l][h] = score(eigenvalues(core(w, l, h, ue)));
        }
        return out;
    }

    /** W_U·W_E, d_model × d_model, in float64. */
    static double[] unembedTimesEmbed(Weights w) {
        ModelConfig c = w.config();
        int d = c.dModel(), v = c.dVocab();
        float[] wu = w.data("unembed.W_U"), we = w.data("embed.W_E");
        double[] out = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int t = 0; t < v; t++) {
                double a = wu[i * v + t];
                for (int j = 0; j < d; j++) out[i * d + j] += a * we[t * d + j];
            }
        }
        return out;
    }

    /** W_O[h]·(W_U·W_E)·W_V[h], d_head × d_head. */
    static double[] core(Weights w, int l, int h, double[] ue) {
        ModelConfig c = w.config();
        int d = c.dModel(), dh = c.dHead();
        float[] wo = w.data("blocks." + l + ".attn.W_O"), wv = w.data("blocks." + l + ".attn.W_V");
        double[] left = new double[dh * d];
        for (int e = 0; e < dh; e++)
            for (int i = 0; i < d; i++) {
                double a = wo[(h * dh + e) * d + i];
                for (int j = 0; j < d; j++) left[e * d + j] += a * ue[i * d + j];
            }
        double[] m = new double[dh * dh];
        for (int e = 0; e < dh; e++)
            for (int j = 0; j < d; j++) {
                double a = left[e * d + j];
                for (int f = 0; f < dh; f++) m[e * dh + f] += a * wv[(h * d + j) * dh + f];
            }
        return m;
    }

    /** Eigenvalues of a square row-major matrix, as {re, im} pairs. */
    public static double[][] eigenvalues(double[] square) {
        int n = (int) Math.round(Math.sqrt(square.length));
        DMatrixRMaj m = new DMatrixRMaj(n, n, true, square);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, false);
        if (!eig.decompose(m)) throw new IllegalStateException("eigen decomposition did not converge");
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            Complex_F64 z = eig.getEigenvalue(i);
            out[i] = new double[] {z.real, z.imaginary};
        }
        return out;
    }

    /** Σλ / Σ|λ| (Σλ is real: complex eigenvalues of a real matrix come in conjugate pairs). */
    public static double score(double[][] eigenvalues) {
        double sum = 0, abs = 0;
        for (double[] z : eigenvalues) {
            sum += z[0];
            abs += Math.hypot(z[0], z[1]);
        }
        return abs == 0 ? 0 : sum / abs;
    }
}
