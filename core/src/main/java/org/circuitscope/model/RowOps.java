package org.circuitscope.model;

import org.circuitscope.tensor.Kernels;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.tensor.WorkerPool;

/** Row-wise steps shared by the full and the incremental forward pass. */
final class RowOps {
    private RowOps() {}

    /** out[i, :] += bias for each of {@code rows} rows. */
    static void addRowBias(Kernels k, float[] out, int rows, float[] bias) {
        int n = bias.length;
        WorkerPool.parallelFor(rows, i -> k.axpy(1f, bias, 0, out, i * n, n));
    }

    /** A new tensor a + b (the residual stream's additions: inputs stay as they were recorded). */
    static Tensor add(Kernels k, Tensor a, Tensor b) {
        Tensor out = a.copy();
        float[] od = out.data(), bd = b.data();
        int d = a.dim(-1), rows = a.size() / d;
        WorkerPool.parallelFor(rows, i -> k.axpy(1f, bd, i * d, od, i * d, d));
        return out;
    }
}
