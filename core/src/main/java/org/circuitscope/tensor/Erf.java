package org.circuitscope.tensor;

/** The error function, which java.lang.Math lacks; needed by the exact GELU. */
public final class Erf {
    private Erf() {}

    /**
     * erf(x) to about 1.2e-7 relative error (Numerical Recipes' erfc Chebyshev fit), enough
     * for float32 activations.
     */
    public static double erf(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - r : r - 1;
    }
}
