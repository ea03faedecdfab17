package org.circuitscope.model;

/** Float64 loops the test references share (the forward tests' and the gradient tests'), written from the definitions. */
public final class Naive64 {
    private Naive64() {}

    /** x [T, D] · W [heads, D, dh] + b [heads, dh] → [T, heads, dh]. */
    public static double[] project(double[] x, int T, int D, int dh, double[] W, double[] bias, int heads) {
        double[] r = new double[T * heads * dh];
        for (int t = 0; t < T; t++)
            for (int h = 0; h < heads; h++)
                for (int e = 0; e < dh; e++) {
                    double s = bias[h * dh + e];
                    for (int i = 0; i < D; i++) s += x[t * D + i] * W[(h * D + i) * dh + e];
                    r[(t * heads + h) * dh + e] = s;
                }
        return r;
    }
}
