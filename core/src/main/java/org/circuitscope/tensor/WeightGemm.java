package org.circuitscope.tensor;

import java.util.Arrays;

/**
 * The forward pass's products with a weight: C = A·B with A float32 activations and B a weight
 * tensor in any storage. A weight kept in 16 bits (BF16 or F16, {@link Tensor#ofBits}) is
 * converted to float32 as it is read, so the model never holds a float32 copy of it.
 *
 * <p>Two paths:
 * <ul>
 *   <li>many rows of A: a float32 B goes to {@link Kernels#gemmBatched} as it is; a 16-bit B is converted a block at a time (whole per-head matrices when they
 *       are narrow, else column blocks) into one reused buffer of at most {@link #BLOCK_FLOATS}
 *       floats, and that block goes to the float kernel {@link Kernels#gemmBatched}. The
 *       conversion is one pass over the block, small beside the n·k·width multiply-adds for
 *       n &gt; {@link #FEW_ROWS} rows; the float kernel is reused as it is (its packing and
 *       register tiling are someone else's to tune), so this class stays a thin adapter.</li>
 *   <li>one to {@link #FEW_ROWS} rows (an edit at the end of a prompt): the pass is bound by
 *       reading the weights, and a packing GEMM would spend its time copying B into panels; so
 *       each row of B is read once (columns split in chunks across the pool): a float32 row added
 *       to every row of C as it is, a 16-bit row (16 bits an element) converted into
 *       a small buffer that stays in L1 and added to every row of C (axpy); for one BF16 row,
 *       converted in registers and added at once ({@link Bf16Vectors#axpy}).</li>
 * </ul>
 * Not thread-safe (the block buffer): one per pass; the work itself runs on the {@link WorkerPool}.
 */
public final class WeightGemm {
    /** Up to this many rows of A, stream B's rows instead of converting blocks for the packing kernel. */
    public static final int FEW_ROWS = 8;
    /** Size of the conversion buffer: 4 MB, so a block of B stays in L2/L3 while the kernel packs it. */
    static final int BLOCK_FLOATS = 1 << 20;
    /** Columns of B per streaming job. */
    private static final int CHUNK = 2048;

    private final Kernels k;
    private final int blockFloats;
    private float[] block;

    public WeightGemm(Kernels k) { this(k, BLOCK_FLOATS); }

    /** With another conversion buffer size (tests and measurements). */
    WeightGemm(Kernels k, int blockFloats) {
        this.k = k;
        this.blockFloats = blockFloats;
    }

    /**
     * {@code batch} products C[n, m] = A[n, kk]·B[kk, m], C overwritten: product t reads A at
     * {@code aOff + t·aStride} (leading dimension lda), B's 16-bit elements at
     * {@code bOff + t·bStride} (ldb), and writes C at {@code cOff + t·cStride} (ldc), as
     * {@link Kernels#gemmBatched} without transposes.
     *
     * @param b the weight, float32 or 16-bit
     */
    public void gemmBatched(int batch, int n, int m, int kk, float[] a, int aOff, int lda, int aStride,
                            Tensor b, int bOff, int ldb, int bStride, float[] c, int cOff, int ldc, int cStride) {
        if (batch <= 0 || n <= 0 || m <= 0) return;
        if (kk == 0) {
            for (int t = 0; t < batch; t++) for (int i = 0; i < n; i++) Arrays.fill(c, cOff + t * cStride + i * ldc, cOff + t * cStride + i * ldc + m, 0f);
            return;
        }
        if (n <= FEW_ROWS) stream(batch, n, m, kk, a, aOff, lda, aStride, b, bOff, ldb, bStride, c, cOff, ldc, cStride);
        else if (b.dtype() == DType.F32) k.gemmBatched(batch, false, false, n, m, kk, a, aOff, lda, aStride, b.data(), bOff, ldb, bStride, c, cOff, ldc, cStride, false);
        else blocked(batch, n, m, kk, a, aOff, lda, aStride, b.bits(), b.dtype(), bOff, ldb, bStride, c, cOff, ldc, cStride);
    }

    private void blocked(int batch, int n, int m, int kk, float[] a, int aOff, int lda, int aStride,
                         short[] b, DType dt, int bOff, int ldb, int bStride, float[] c, int cOff, int ldc, int cStride) {
        // Narrow products (per-head projections, d_head columns) convert several heads at once so
        // that one kernel call still has enough work to split across the pool.
        int width = m;
        if ((long) kk * m > blockFloats) width = Math.min(m, Math.max(16, (blockFloats / kk) & ~15));
        int group = width == m ? (int) Math.max(1, Math.min(batch, blockFloats / ((long) kk * m))) : 1;
        int need = group * kk * width;
        if (block == null || block.length < need) block = new float[need];
        float[] buf = block;
        for (int t0 = 0; t0 < batch; t0 += group) {
            int g = Math.min(group, batch - t0);
            for (int c0 = 0; c0 < m; c0 += width) {
                int len = Math.min(width, m - c0), first = t0, col = c0;
                WorkerPool.parallelFor(g * kk, r -> {
                    int bt = r / kk, p = r % kk;
                    dt.toFloat(b, bOff + (first + bt) * bStride + p * ldb + col, buf, r * len, len);
                });
                k.gemmBatched(g, false, false, n, len, kk, a, aOff + t0 * aStride, lda, aStride,
                        buf, 0, len, kk * len, c, cOff + t0 * cStride + c0, ldc, cStride, false);
            }
        }
    }

    private void stream(int batch, int n, int m, int kk, float[] a, int aOff, int lda, int aStride,
                        Tensor weight, int bOff, int ldb, int bStride, float[] c, int cOff, int ldc, int cStride) {
        DType dt = weight.dtype();
        float[] bf = dt == DType.F32 ? weight.data() : null;
        short[] b = dt == DType.F32 ? null : weight.bits();
        int chunks = (m + CHUNK - 1) / CHUNK;
        WorkerPool.parallelFor(batch * chunks, job -> {
            int bt = job / chunks, c0 = (job % chunks) * CHUNK, len = Math.min(CHUNK, m - c0);
            int ao = aOff + bt * aStride, bo = bOff + bt * bStride + c0, co = cOff + bt * cStride + c0;
            for (int i = 0; i < n; i++) Arrays.fill(c, co + i * ldc, co + i * ldc + len, 0f);
            if (bf != null) {
                // Row p of B's chunk stays in L1 while it is added to every row of C.
                for (int p = 0; p < kk; p++) {
                    for (int i = 0; i < n; i++) k.axpy(a[ao + i * lda + p], bf, bo + p * ldb, c, co + i * ldc, len);
                }
                return;
            }
            if (n == 1 && dt == DType.BF16 && DType.SIMD) {
                // One row: convert in registers and add, no trip through a buffer.
                for (int p = 0; p < kk; p++) Bf16Vectors.axpy(a[ao + p], b, bo + p * ldb, c, co, len);
                return;
            }
            float[] row = new float[len];
            for (int p = 0; p < kk; p++) {
                dt.toFloat(b, bo + p * ldb, row, 0, len);
                for (int i = 0; i < n; i++) k.axpy(a[ao + i * lda + p], row, 0, c, co + i * ldc, len);
            }
        });
    }
}
