package org.circuitscope.grad;

import org.circuitscope.model.ActivationCache;
import org.circuitscope.tensor.Kernels;

/** What every stage of the backward pass does alike: read a recorded activation, sum a gradient's rows into a bias. */
final class GradOps {
    private GradOps() {}

    /** The recorded activation's data, or a clear error naming it and how to record it. */
    static float[] read(ActivationCache cache, String name) {
        if (!cache.contains(name)) {
            throw new IllegalArgumentException("the backward pass needs activation '" + name + "', which the cache lacks;"
                    + " record it with runWithCache(tokens) or run(tokens, Backward.cacheOptions(config))");
        }
        return cache.get(name).data();
    }

    /** db[j] += Σ_i dy[i, j] over {@code rows} rows of width {@code n}. */
    static void columnSums(Kernels k, float[] dy, int rows, int n, float[] db) {
        for (int i = 0; i < rows; i++) k.axpy(1f, dy, i * n, db, 0, n);
    }
}
