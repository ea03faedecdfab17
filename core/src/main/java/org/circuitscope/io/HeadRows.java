package org.circuitscope.io;

import java.util.function.IntUnaryOperator;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.tensor.WorkerPool;

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
            for (int i = 0; i < n; i++) transpose(s, firstRow.applyAsInt(i) * in, dh, in, in, d, i * in * dh, dh);
            return Tensor.ofBits(d, linear.dtype(), n, in, dh);
        }
        Tensor out = Tensor.zeros(n, in, dh);
        float[] s = linear.data(), d = out.data();
        for (int i = 0; i < n; i++) transpose(s, firstRow.applyAsInt(i) * in, dh, in, in, d, i * in * dh, dh);
        return out;
    }

    /** The inverse of {@link #heads}: writes {@code heads [n, in, dh]} into the rows of {@code linear}. */
    static void putHeads(Tensor heads, Tensor linear, IntUnaryOperator firstRow) {
        int n = heads.dim(0), in = heads.dim(1), dh = heads.dim(2);
        float[] s = heads.data(), d = linear.data();
        for (int i = 0; i < n; i++) transpose(s, i * in * dh, in, dh, dh, d, firstRow.applyAsInt(i) * in, in);
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

    /**
     * An output projection {@code [d, n·dh]} from W_O {@code [n, dh, d]}: its transpose (a
     * checkpoint's is read transposed, {@link LayoutReader#requireTransposed}, its rows already head-major).
     */
    static Tensor outputLinear(Tensor wO) {
        return transpose(wO.reshape(wO.dim(0) * wO.dim(1), wO.dim(2)));
    }

    /** The transpose of a matrix, in its own storage (16-bit stays 16-bit). */
    static Tensor transpose(Tensor a) {
        int r = a.dim(0), c = a.dim(1);
        if (a.dtype().sixteenBit()) {
            short[] d = new short[r * c];
            transpose(a.bits(), 0, r, c, c, d, 0, r);
            return Tensor.ofBits(d, a.dtype(), c, r);
        }
        Tensor t = Tensor.zeros(c, r);
        transpose(a.data(), 0, r, c, c, t.data(), 0, r);
        return t;
    }

    /**
     * Square tiles of the transposes below: a tile's rows of the source and of the destination
     * stay in L1 while it is copied. Element by element along a row, every write of a large
     * matrix's transpose went to another cache line (TinyLlama's load spent 13 of its 15.7 s here).
     */
    private static final int TILE = 32;

    /** Matrices of at least this many elements are transposed by bands of tiles across the worker pool. */
    private static final long PARALLEL_ELEMENTS = 1 << 20;

    /** d[dOff + j·ldd + i] = s[sOff + i·lds + j] for i &lt; rows, j &lt; cols, tile by tile. */
    static void transpose(short[] s, int sOff, int rows, int cols, int lds, short[] d, int dOff, int ldd) {
        tiles(rows, cols, (i0, i1, j0, j1) -> {
            for (int i = i0; i < i1; i++) for (int j = j0; j < j1; j++) d[dOff + j * ldd + i] = s[sOff + i * lds + j];
        });
    }

    /** As {@link #transpose(short[], int, int, int, int, short[], int, int)} for floats. */
    static void transpose(float[] s, int sOff, int rows, int cols, int lds, float[] d, int dOff, int ldd) {
        tiles(rows, cols, (i0, i1, j0, j1) -> {
            for (int i = i0; i < i1; i++) for (int j = j0; j < j1; j++) d[dOff + j * ldd + i] = s[sOff + i * lds + j];
        });
    }

    /** Transposes the tile of source rows [i0, i1) and columns [j0, j1). */
    private interface Tile {
        void copy(int i0, int i1, int j0, int j1);
    }

    /** Every tile of a rows × cols source, by bands of TILE rows: across the pool for a large matrix (no two bands write one element). */
    private static void tiles(int rows, int cols, Tile tile) {
        int bands = (rows + TILE - 1) / TILE;
        java.util.function.IntConsumer band = b -> {
            int i0 = b * TILE, i1 = Math.min(rows, i0 + TILE);
            for (int j0 = 0; j0 < cols; j0 += TILE) tile.copy(i0, i1, j0, Math.min(cols, j0 + TILE));
        };
        if ((long) rows * cols >= PARALLEL_ELEMENTS) WorkerPool.parallelFor(bands, band);
        else for (int b = 0; b < bands; b++) band.accept(b);
    }
}
