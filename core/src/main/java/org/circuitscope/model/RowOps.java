package org.circuitscope.model;

import org.circuitscope.tensor.Kernels;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.tensor.WorkerPool;

/** Row-wise steps of the forward pass. */
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

    /** dst[dstOff + j] = src[srcOff + j] + bias[biasOff + j] for j < len: one row of a block of logits columns, with b_U. */
    static void plusBias(float[] src, int srcOff, float[] dst, int dstOff, float[] bias, int biasOff, int len) {
        for (int j = 0; j < len; j++) dst[dstOff + j] = src[srcOff + j] + bias[biasOff + j];
    }
}
