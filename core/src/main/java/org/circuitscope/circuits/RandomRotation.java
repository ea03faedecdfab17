package org.circuitscope.circuits;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;

/**
 * A seeded uniformly random (Haar) rotation of R^d: Q from the QR decomposition of a standard
 * Gaussian matrix, its columns' signs fixed by R's diagonal (Mezzadri 2007), so the same seed
 * gives the same rotation everywhere.
 */
public final class RandomRotation {
    private RandomRotation() {}

    /** An orthogonal d × d matrix. */
    public static DMatrixRMaj of(int d, long seed) {
        if (d < 1) throw new IllegalArgumentException("a rotation needs at least one dimension, got " + d);
        SplittableRandom rng = new SplittableRandom(seed);
        DMatrixRMaj g = new DMatrixRMaj(d, d);
        for (int i = 0; i < g.data.length; i++) g.data[i] = rng.nextGaussian();
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(d, d);
        if (!qr.decompose(g)) throw new IllegalStateException("QR of a random " + d + "×" + d + " matrix failed");
        DMatrixRMaj q = qr.getQ(null, false), r = qr.getR(null, false);
        for (int j = 0; j < d; j++) {
            if (r.get(j, j) < 0) for (int i = 0; i < d; i++) q.set(i, j, -q.get(i, j));
        }
        return q;
    }

    /** Rows x [n, d] (row-major) times the rotation: each row expressed in the rotated basis. */
    public static double[] apply(double[] x, int n, int d, DMatrixRMaj rotation) {
        if (rotation.numRows != d || x.length != n * d) throw new IllegalArgumentException("rows of " + d + " need a " + d + "×" + d + " rotation");
        double[] out = new double[n * d];
        for (int p = 0; p < n; p++) {
            for (int i = 0; i < d; i++) {
                double xi = x[p * d + i];
                if (xi == 0) continue;
                int ro = i * d, oo = p * d;
                for (int j = 0; j < d; j++) out[oo + j] += xi * rotation.data[ro + j];
            }
        }
        return out;
    }

}
