package org.circuitscope.circuits;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The privileged-basis test of the framework paper: is a basis direction of an activation
 * special, or would any rotation of it do? Per basis direction i, the excess kurtosis of the
 * activation over the text's positions,
 * <pre>
 *   κ_i = E[(x_i − μ_i)⁴] / E[(x_i − μ_i)²]² − 3      (0 for a Gaussian)
 * </pre>
 * and the same after a fixed random rotation R (seeded, Haar): for rows x·R each rotated
 * direction mixes all basis directions, so by the central limit theorem its kurtosis tends
 * towards the Gaussian's. A basis that matters (MLP neurons after the nonlinearity, outlier
 * dimensions of the residual stream) shows kurtosis far above its rotated counterpart; a basis
 * that does not (the residual stream of a model without privileged directions) shows the same
 * figures before and after. An outlier dimension is one whose kurtosis exceeds every rotated
 * direction's: more heavy-tailed than any direction a rotation of the basis produced.
 * Float64 moments; constant directions (zero variance) have no kurtosis and are counted apart.
 */
public final class PrivilegedBasis {
    private PrivilegedBasis() {}

    /** One basis direction whose kurtosis exceeds the rotated basis's maximum. */
    public record Outlier(int index, double kurtosis) {}

    /**
     * One activation's test.
     *
     * @param kurtosis        excess kurtosis per basis direction (NaN where constant)
     * @param constant        basis directions with zero variance over the samples
     * @param outliers        directions above {@code rotatedMax}, highest first
     */
    public record Result(int samples, int dims, double[] kurtosis, double mean, double max, double rotatedMean, double rotatedMax,
                         int constant, List<Outlier> outliers) {}

    /** The test on rows x [n, d] (row-major), rotating with {@link RandomRotation#of}(d, seed). */
    public static Result test(double[] x, int n, int d, long seed) {
        if (n < 2) throw new IllegalArgumentException("the privileged-basis test needs at least 2 samples, got " + n);
        double[] k = kurtosis(x, n, d), kr = kurtosis(RandomRotation.apply(x, n, d, RandomRotation.of(d, seed)), n, d);
        double rotatedMax = max(kr);
        List<Outlier> outliers = new ArrayList<>();
        for (int i = 0; i < d; i++) if (k[i] > rotatedMax) outliers.add(new Outlier(i, k[i]));
        outliers.sort(Comparator.comparingDouble(Outlier::kurtosis).reversed());
        int constant = 0;
        for (double v : k) if (Double.isNaN(v)) constant++;
        return new Result(n, d, k, mean(k), max(k), mean(kr), rotatedMax, constant, List.copyOf(outliers));
    }

    /** Excess kurtosis of each column of x [n, d] about its mean; NaN for a constant column. */
    public static double[] kurtosis(double[] x, int n, int d) {
        if (x.length != n * d) throw new IllegalArgumentException(x.length + " values are not " + n + " rows of " + d);
        double[] mu = new double[d], m2 = new double[d], m4 = new double[d];
        for (int p = 0; p < n; p++) for (int i = 0; i < d; i++) mu[i] += x[p * d + i];
        for (int i = 0; i < d; i++) mu[i] /= n;
        for (int p = 0; p < n; p++) {
            for (int i = 0; i < d; i++) {
                double e = x[p * d + i] - mu[i], e2 = e * e;
                m2[i] += e2;
                m4[i] += e2 * e2;
            }
        }
        double[] k = new double[d];
        for (int i = 0; i < d; i++) {
            double v = m2[i] / n;
            // Relative to the values' size: a constant column's variance is rounding noise of its mean.
            k[i] = v <= 1e-20 * (1 + mu[i] * mu[i]) ? Double.NaN : (m4[i] / n) / (v * v) - 3;
        }
        return k;
    }

    private static double mean(double[] x) {
        double s = 0;
        int n = 0;
        for (double v : x) if (!Double.isNaN(v)) { s += v; n++; }
        return n == 0 ? Double.NaN : s / n;
    }

    private static double max(double[] x) {
        double m = Double.NaN;
        for (double v : x) if (!Double.isNaN(v) && !(v <= m)) m = v;
        return m;
    }

}
