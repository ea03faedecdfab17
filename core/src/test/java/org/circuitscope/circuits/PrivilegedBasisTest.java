package org.circuitscope.circuits;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PrivilegedBasisTest {
    static final int N = 100_000, D = 8;

    /**
     * The sample kurtosis of n Gaussian values has standard deviation √(24/n) ≈ 0.0155 at
     * n = 10⁵, so 0.05 is over three of them (each figure misses with probability ≈ 0.0014; the
     * test checks twelve: four directions in the basis and in two rotations).
     */
    @Test
    void gaussianSamplesHaveKurtosisThreeInTheBasisAndInAnyRotation() {
        int d = 4;
        double[] x = gaussian(N, d, 1);
        for (double k : PrivilegedBasis.kurtosis(x, N, d)) assertEquals(0, k, 0.05, "excess kurtosis of a Gaussian basis direction");
        for (long seed = 0; seed < 2; seed++) {
            double[] r = RandomRotation.apply(x, N, d, RandomRotation.of(d, seed));
            for (double k : PrivilegedBasis.kurtosis(r, N, d)) assertEquals(0, k, 0.05, "rotation " + seed);
        }
        PrivilegedBasis.Result t = PrivilegedBasis.test(x, N, d, 7);
        assertEquals(0, t.mean(), 0.05);
        assertEquals(0, t.rotatedMean(), 0.05);
    }

    @Test
    void kurtosisMatchesAFloat64ComputationOnAHeavyTailedColumn() {
        SplittableRandom rng = new SplittableRandom(3);
        int n = 1000;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = Math.pow(rng.nextDouble(), 3) * 5 - 1;
        double mean = 0, m2 = 0, m4 = 0;
        for (double v : x) mean += v / n;
        for (double v : x) { m2 += Math.pow(v - mean, 2) / n; m4 += Math.pow(v - mean, 4) / n; }
        assertEquals(m4 / (m2 * m2) - 3, PrivilegedBasis.kurtosis(x, n, 1)[0], 1e-9);
    }

    /** A Laplace direction (excess kurtosis 3) among Gaussians stands out; rotated, it is spread over all directions. */
    @Test
    void aHeavyTailedBasisDirectionIsFlaggedAsAnOutlierAndRotationHidesIt() {
        double[] x = gaussian(N, D, 2);
        SplittableRandom rng = new SplittableRandom(9);
        for (int p = 0; p < N; p++) {
            double u = rng.nextDouble() - 0.5;
            x[p * D + 5] = -Math.signum(u) * Math.log(1 - 2 * Math.abs(u));
        }
        PrivilegedBasis.Result t = PrivilegedBasis.test(x, N, D, 4);
        assertEquals(3, t.kurtosis()[5], 0.3, "Laplace excess kurtosis");
        assertEquals(1, t.outliers().size(), "only the Laplace direction: " + t.outliers());
        assertEquals(5, t.outliers().get(0).index());
        // Rotated direction j keeps r⁴ of the excess kurtosis (r its weight on dim 5); E Σ_j r⁴ = 3/(d+2), so the mean is ≈ 3·0.3/8.
        assertTrue(t.rotatedMean() < 1, "rotated directions mix it with Gaussians: " + t.rotatedMean());
    }

    @Test
    void constantDirectionsAreCountedApart() {
        double[] x = gaussian(100, 3, 5);
        for (int p = 0; p < 100; p++) x[p * 3 + 1] = 2.5;
        PrivilegedBasis.Result t = PrivilegedBasis.test(x, 100, 3, 1);
        assertEquals(1, t.constant());
        assertTrue(Double.isNaN(t.kurtosis()[1]));
        assertFalse(Double.isNaN(t.mean()));
    }

    static double[] gaussian(int n, int d, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] x = new double[n * d];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextGaussian();
        return x;
    }
}
