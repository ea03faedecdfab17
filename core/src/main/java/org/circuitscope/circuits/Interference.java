package org.circuitscope.circuits;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Weights;

/**
 * Interference between MLP neurons through the residual stream: a model with more features than
 * dimensions must let their directions overlap. For each MLP layer, the cosines between every
 * pair of neurons' write directions (rows of W_out, [d_mlp, d_model]) and between every pair of
 * read directions (columns of W_in, [d_model, d_mlp]), against random directions: for u, v
 * independent and uniform on the sphere of R^d, cos(u, v) has mean 0 and variance exactly 1/d
 * (E[cos²] = Σᵢ E[uᵢ²vᵢ²] = d·(1/d)²). {@code d·variance} is then 1 for random directions,
 * below 1 for directions spread more evenly than chance (less interference), above for
 * clustered ones; {@code |cos| > 3/√d} is the tail. The same statistics on as many seeded
 * Gaussian directions give the sample's own baseline.
 */
public final class Interference {
    private Interference() {}

    /**
     * Distribution of pairwise cosines.
     *
     * @param tail fraction of pairs with |cos| &gt; 3/√dims
     */
    public record Stats(int directions, int dims, long pairs, double mean, double variance, double dimsTimesVariance, double maxAbs,
                        double tail) {}

    /** One MLP layer: its write and read directions, and random directions of the same count. */
    public record Layer(int layer, Stats write, Stats read, Stats random) {}

    /** Every MLP layer of the model; {@code seed} draws the random baseline. */
    public static List<Layer> compute(Weights w, long seed) {
        ModelConfig c = w.config();
        if (c.attnOnly()) throw new IllegalArgumentException(c.modelName() + " is attention-only: it has no MLP neurons to compare");
        int d = c.dModel(), m = c.dMlp();
        List<Layer> out = new ArrayList<>();
        for (int l = 0; l < c.nLayers(); l++) {
            float[] wOut = w.layer(l).mlp().wOut().data(), wIn = w.layer(l).mlp().wIn().data();
            double[][] write = new double[m][d], read = new double[m][d];
            for (int n = 0; n < m; n++) for (int i = 0; i < d; i++) { write[n][i] = wOut[n * d + i]; read[n][i] = wIn[i * m + n]; }
            out.add(new Layer(l, stats(write), stats(read), stats(gaussian(m, d, seed + l))));
        }
        return List.copyOf(out);
    }

    /** Cosines of every pair of the given directions (rows); zero rows are left out. */
    public static Stats stats(double[][] dirs) {
        int d = dirs.length == 0 ? 0 : dirs[0].length;
        List<double[]> unit = new ArrayList<>();
        for (double[] v : dirs) {
            double s = 0;
            for (double x : v) s += x * x;
            if (s == 0) continue;
            double inv = 1 / Math.sqrt(s);
            double[] u = new double[d];
            for (int i = 0; i < d; i++) u[i] = v[i] * inv;
            unit.add(u);
        }
        int n = unit.size();
        if (n < 2) throw new IllegalArgumentException("need at least two nonzero directions to compare, got " + n);
        double tailAt = 3 / Math.sqrt(d), sum = 0, sumSq = 0, maxAbs = 0;
        long pairs = 0, tail = 0;
        for (int a = 0; a < n; a++) {
            double[] ua = unit.get(a);
            for (int b = a + 1; b < n; b++) {
                double[] ub = unit.get(b);
                double cos = 0;
                for (int i = 0; i < d; i++) cos += ua[i] * ub[i];
                sum += cos;
                sumSq += cos * cos;
                maxAbs = Math.max(maxAbs, Math.abs(cos));
                if (Math.abs(cos) > tailAt) tail++;
                pairs++;
            }
        }
        double mean = sum / pairs, variance = sumSq / pairs - mean * mean;
        return new Stats(n, d, pairs, mean, variance, d * variance, maxAbs, (double) tail / pairs);
    }

    /** n standard Gaussian vectors in R^d (their directions are uniform on the sphere). */
    public static double[][] gaussian(int n, int d, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) for (int i = 0; i < d; i++) row[i] = rng.nextGaussian();
        return x;
    }
}
