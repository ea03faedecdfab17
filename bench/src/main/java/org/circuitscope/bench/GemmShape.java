package org.circuitscope.bench;

import java.util.Random;
import org.circuitscope.tensor.Kernels;

/**
 * A product's shape for the matrix benchmarks, C[m, n] = A[m, k]·B[k, n], from JMH's
 * {@code "mxkxn"} parameter (JMH splits {@code -p} values at commas), and what their setups share.
 */
record GemmShape(int m, int k, int n) {
    static GemmShape parse(String mxkxn) {
        String[] parts = mxkxn.split("x");
        if (parts.length != 3) throw new IllegalArgumentException("shape " + mxkxn + ": want m x k x n, e.g. 1024x768x768");
        return new GemmShape(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
    }

    /** GFLOP of one product: 2·m·n·k multiply-adds counted as two operations each. */
    double gflop() { return 2.0 * m * n * k / 1e9; }

    /** A [m, k] of standard normal entries from {@code rnd}, and a zeroed C [m, n]: what every product benchmark starts from. */
    float[] randomA(Random rnd) { return gaussian(rnd, m * k); }

    float[] newC() { return new float[m * n]; }

    static float[] gaussian(Random rnd, int size) {
        float[] v = new float[size];
        for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
        return v;
    }

    /** Runs small products until the default kernels have left their scalar start (WarmingKernels), for at most a minute. */
    static void leaveScalarStart(Kernels kernels) {
        float[] x = new float[64 * 64], y = new float[64 * 64];
        long end = System.nanoTime() + 60_000_000_000L;
        while (kernels.name().contains("until compiled") && System.nanoTime() < end)
            kernels.gemm(false, false, 64, 64, 64, x, 0, 64, x, 0, 64, y, 0, 64, false);
    }
}
