package org.circuitscope.tensor;

import java.util.Arrays;

/**
 * The forward pass's products with a weight: C = A·B with A float32 activations and B a weight
 * tensor in any storage. A weight kept in 16 bits (BF16 or F16, {@link Tensor#ofBits}) is
 * converted to float32 as it is read, so the model never holds a float32 copy of it.
 *
 * <p>Two paths:
 * <ul>
 *   <li>many rows of A: {@link Kernels#gemmBatched} for a float32 B, {@link Kernels#gemmBatched16}
 *       for a 16-bit one, whose packing converts B while it copies it into panels (the pass over
 *       B that packing makes anyway), so keeping the weights 16-bit costs no extra pass.</li>
 *   <li>one to {@link #FEW_ROWS} rows (an edit at the end of a prompt): the pass is bound by
 *       reading the weights, and a packing GEMM would spend its time copying B into panels; so
 *       each row of B is read once (columns split in chunks across the pool): a float32 row added
 *       to every row of C as it is, a 16-bit row (16 bits an element) converted into
 *       a small buffer that stays in L1 and added to every row of C (axpy); for one BF16 row,
 *       converted in registers and added at once ({@link Bf16Vectors#axpy}).</li>
 * </ul>
 * Holds no state beyond its kernels; the work runs on the {@link WorkerPool}.
 */
public final class WeightGemm {
    /** Up to this many rows of A, stream B's rows instead of packing it. */
    public static final int FEW_ROWS = 8;
    /** Columns of B per streaming job. */
    private static final int CHUNK = 2048;

    private final Kernels k;

    public WeightGemm(Kernels k) { this.k = k; }

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
        else k.gemmBatched16(batch, n, m, kk, a, aOff, lda, aStride, b.bits(), b.dtype(), bOff, ldb, bStride, c, cOff, ldc, cStride, false);
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
            if (dt == DType.BF16 && DType.SIMD) {
                // Converted in registers, no trip through a buffer; four rows of B into two rows of C at a time, so C
                // is loaded and stored once per four rows of B, each vector of B converted once per two rows of C.
                int p = 0;
                for (; p + 4 <= kk; p += 4) {
                    int i = 0;
                    // Two rows of C at a time: each converted vector of B serves both.
                    for (; i + 2 <= n; i += 2) {
                        int ar = ao + i * lda + p, ar2 = ar + lda;
                        Bf16Vectors.axpy4x2(a[ar], a[ar + 1], a[ar + 2], a[ar + 3], a[ar2], a[ar2 + 1], a[ar2 + 2], a[ar2 + 3],
                                b, bo + p * ldb, ldb, c, co + i * ldc, co + (i + 1) * ldc, len);
                    }
                    if (i < n) {
                        int ar = ao + i * lda + p;
                        Bf16Vectors.axpy4(a[ar], a[ar + 1], a[ar + 2], a[ar + 3], b, bo + p * ldb, ldb, c, co + i * ldc, len);
                    }
                }
                for (; p < kk; p++) for (int i = 0; i < n; i++) Bf16Vectors.axpy(a[ao + i * lda + p], b, bo + p * ldb, c, co + i * ldc, len);
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
