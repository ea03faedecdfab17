package org.circuitscope.io;

import java.util.function.IntUnaryOperator;
import org.circuitscope.tensor.Tensor;

/**
 * Hugging Face {@code nn.Linear} weights, stored {@code [out, in]} (y = x·Wᵀ + b), whose output
 * rows hold attention heads, to and from TransformerLens's per-head right-multiplying tensors
 * ({@code W_Q [head, d_model, d_head]}, {@code b_Q [head, d_head]}). Where a head's rows start
 * is the layout's business: {@code i·d_head} for Llama's q_proj, {@code (3i + which)·d_head}
 * for GPT-NeoX's fused query_key_value.
 */
final class HeadRows {
    private HeadRows() {}

    /** {@code [n, in, dh]}: head i's block is the transpose of rows firstRow(i) … firstRow(i)+dh−1 of {@code linear [rows, in]}. */
    static Tensor heads(Tensor linear, int n, int dh, IntUnaryOperator firstRow) {
        int in = linear.dim(1);
        if (linear.dtype().sixteenBit()) {
            // The same permutation on the 16-bit elements: a kept checkpoint stays 16-bit.
            short[] s = linear.bits(), d = new short[n * in * dh];
            for (int i = 0; i < n; i++) {
                int row0 = firstRow.applyAsInt(i);
                for (int e = 0; e < dh; e++) {
                    int src = (row0 + e) * in;
                    for (int m = 0; m < in; m++) d[(i * in + m) * dh + e] = s[src + m];
                }
            }
            return Tensor.ofBits(d, linear.dtype(), n, in, dh);
        }
        Tensor out = Tensor.zeros(n, in, dh);
        float[] s = linear.data(), d = out.data();
        for (int i = 0; i < n; i++) {
            int row0 = firstRow.applyAsInt(i);
            for (int e = 0; e < dh; e++) {
                int src = (row0 + e) * in;
                for (int m = 0; m < in; m++) d[(i * in + m) * dh + e] = s[src + m];
            }
        }
        return out;
    }

    /** The inverse of {@link #heads}: writes {@code heads [n, in, dh]} into the rows of {@code linear}. */
    static void putHeads(Tensor heads, Tensor linear, IntUnaryOperator firstRow) {
        int n = heads.dim(0), in = heads.dim(1), dh = heads.dim(2);
        float[] s = heads.data(), d = linear.data();
        for (int i = 0; i < n; i++) {
            int row0 = firstRow.applyAsInt(i);
            for (int e = 0; e < dh; e++) {
                int dst = (row0 + e) * in;
                for (int m = 0; m < in; m++) d[dst + m] = s[(i * in + m) * dh + e];
            }
        }
    }

    /** {@code [n, dh]}: head i's bias is entries firstRow(i) … firstRow(i)+dh−1 of {@code bias}. */
    static Tensor headBias(Tensor bias, int n, int dh, IntUnaryOperator firstRow) {
        Tensor out = Tensor.zeros(n, dh);
        for (int i = 0; i < n; i++) System.arraycopy(bias.data(), firstRow.applyAsInt(i), out.data(), i * dh, dh);
        return out;
    }

    /** The inverse of {@link #headBias}. */
    static void putHeadBias(Tensor headBias, Tensor bias, IntUnaryOperator firstRow) {
        int n = headBias.dim(0), dh = headBias.dim(1);
        for (int i = 0; i < n; i++) System.arraycopy(headBias.data(), i * dh, bias.data(), firstRow.applyAsInt(i), dh);
    }

    /** W_O {@code [n, dh, d]} from an output projection {@code [d, n·dh]}: its transpose, whose rows are already head-major. */
    static Tensor outputHeads(Tensor linear, int n, int dh) {
        return transpose(linear).reshape(n, dh, linear.dim(0));
    }

    /** The inverse of {@link #outputHeads}. */
    static Tensor outputLinear(Tensor wO) {
        return transpose(wO.reshape(wO.dim(0) * wO.dim(1), wO.dim(2)));
    }

    /** The transpose of a matrix, in its own storage (16-bit stays 16-bit). */
    static Tensor transpose(Tensor a) {
        int r = a.dim(0), c = a.dim(1);
        if (a.dtype().sixteenBit()) {
            short[] s = a.bits(), d = new short[r * c];
            for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) d[j * r + i] = s[i * c + j];
            return Tensor.ofBits(d, a.dtype(), c, r);
        }
        Tensor t = Tensor.zeros(c, r);
        float[] s = a.data(), d = t.data();
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) d[j * r + i] = s[i * c + j];
        return t;
    }
}
