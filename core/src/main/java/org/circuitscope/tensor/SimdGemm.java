package org.circuitscope.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Blocked single-precision matrix product on the Vector API, in the Goto/BLIS shape: B is
 * packed into {@code KC × NR} panels that stay in L1, A into {@code MR × KC} micro-panels
 * streamed from L2, and an {@code MR × NR} tile of C lives in registers across the k loop.
 *
 * <p>Work is split into tasks (product, row block, column block) so that one large product,
 * a narrow one (n = 64 per head) and a batch of small ones all keep every core busy. Each
 * task packs what it reads itself: the repeated packing costs a few percent but needs no
 * shared buffers or barriers.
 */
final class SimdGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of C per register tile; the broadcast of A is reused across the NV vectors of B. */
    static final int MR = 12;
    /** Vectors of C per tile row: MR × NV accumulators + NV B loads + 1 broadcast fit 32 zmm. */
    private static final int NV = 2;
    static final int NR = NV * L;
    /** Depth of one packed block: a KC × NR panel of B (32 KiB at 512 bit) stays in L1. */
    private static final int KC = 256;
    /** Largest row block: its MC × KC packed A (192 KiB) stays in L2 across all panels. */
    private static final int MC_MAX = 16 * MR;
    /** Largest column block: KC × NC_MAX of packed B, also L2 resident. */
    private static final int NC_MAX = 8 * NR;
    /** Below this many multiply-adds a product runs on the calling thread (fork costs more). */
    private static final long INLINE_FMAS = 1L << 18;

    private static final ThreadLocal<float[][]> WORKSPACE =
            ThreadLocal.withInitial(() -> new float[][] {new float[MC_MAX * KC], new float[KC * NC_MAX], new float[MR * NR]});

    private SimdGemm() {}

    static void gemm(int batch, boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda, int aStride,
                     float[] b, int bOff, int ldb, int bStride,
                     float[] c, int cOff, int ldc, int cStride, boolean accumulate) {
        if (batch <= 0 || m <= 0 || n <= 0) return;
        if (k <= 0) {
            if (!accumulate) {
                for (int t = 0; t < batch; t++)
                    for (int i = 0; i < m; i++) {
                        int row = cOff + t * cStride + i * ldc;
                        java.util.Arrays.fill(c, row, row + n, 0f);
                    }
            }
            return;
        }
        // Shrink the blocks until there are enough tasks to balance the cores, but not below
        // sizes where packing would dominate.
        int mc = Math.min(MC_MAX, roundUp(m, MR));
        int nc = Math.min(NC_MAX, roundUp(n, NR));
        int want = 4 * WorkerPool.threads();
        while ((long) batch * ceilDiv(m, mc) * ceilDiv(n, nc) < want) {
            if (mc >= nc && mc > 4 * MR) mc = roundUp(mc / 2, MR);
            else if (nc > 2 * NR) nc = roundUp(nc / 2, NR);
            else if (mc > 4 * MR) mc = roundUp(mc / 2, MR);
            else break;
        }
        final int mcF = mc, ncF = nc;
        final int rowBlocks = ceilDiv(m, mc), colBlocks = ceilDiv(n, nc);
        int tasks = batch * rowBlocks * colBlocks;
        java.util.function.IntConsumer body = task -> {
            int t = task / (rowBlocks * colBlocks);
            int rem = task % (rowBlocks * colBlocks);
            int i0 = (rem / colBlocks) * mcF, j0 = (rem % colBlocks) * ncF;
            block(transA, transB, i0, Math.min(mcF, m - i0), j0, Math.min(ncF, n - j0), k,
                    a, aOff + t * aStride, lda, b, bOff + t * bStride, ldb,
                    c, cOff + t * cStride, ldc, accumulate);
        };
        if ((long) batch * m * n * k < INLINE_FMAS) {
            for (int task = 0; task < tasks; task++) body.accept(task);
        } else {
            WorkerPool.parallelFor(tasks, body);
        }
    }

    /** C[i0.., j0..] (mb × nb) for the whole depth k, in KC slices. */
    private static void block(boolean transA, boolean transB, int i0, int mb, int j0, int nb, int k,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc, boolean accumulate) {
        float[][] ws = WORKSPACE.get();
        float[] ap = ws[0], bp = ws[1];
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            boolean add = accumulate || p0 > 0;
            packB(transB, b, bOff, ldb, p0, kc, j0, nb, bp);
            packA(transA, a, aOff, lda, i0, mb, p0, kc, ap);
            for (int jr = 0; jr < nb; jr += NR) {
                int cols = Math.min(NR, nb - jr);
                int bo = (jr / NR) * kc * NR;
                for (int ir = 0; ir < mb; ir += MR) {
                    int rows = Math.min(MR, mb - ir);
                    kernel(kc, ap, (ir / MR) * kc * MR, bp, bo,
                            c, cOff + (i0 + ir) * ldc + j0 + jr, ldc, rows, cols, add, ws[2]);
                }
            }
        }
    }

    /** A[i0.., p0..] into micro-panels: panel q holds rows i0+q·MR.. as ap[q·kc·MR + p·MR + r]; missing rows are 0. */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int mb,
                              int p0, int kc, float[] ap) {
        for (int ir = 0; ir < mb; ir += MR) {
            int base = (ir / MR) * kc * MR;
            int rows = Math.min(MR, mb - ir);
            if (transA) {
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (p0 + p) * lda + i0 + ir, dst = base + p * MR;
                    for (int r = 0; r < rows; r++) ap[dst + r] = a[src + r];
                    for (int r = rows; r < MR; r++) ap[dst + r] = 0f;
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    int src = aOff + (i0 + ir + r) * lda + p0;
                    for (int p = 0; p < kc; p++) ap[base + p * MR + r] = a[src + p];
                }
                for (int r = rows; r < MR; r++)
                    for (int p = 0; p < kc; p++) ap[base + p * MR + r] = 0f;
            }
        }
    }

    /** B[p0.., j0..] into panels: panel q holds columns j0+q·NR.. as bp[q·kc·NR + p·NR + j]; missing columns are 0. */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc,
                              int j0, int nb, float[] bp) {
        for (int jr = 0; jr < nb; jr += NR) {
            int base = (jr / NR) * kc * NR;
            int cols = Math.min(NR, nb - jr);
            if (transB) {
                for (int j = 0; j < cols; j++) {
                    int src = bOff + (j0 + jr + j) * ldb + p0;
                    for (int p = 0; p < kc; p++) bp[base + p * NR + j] = b[src + p];
                }
                for (int j = cols; j < NR; j++)
                    for (int p = 0; p < kc; p++) bp[base + p * NR + j] = 0f;
            } else if (cols == NR) {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (p0 + p) * ldb + j0 + jr, dst = base + p * NR;
                    for (int v = 0; v < NR; v += L) FloatVector.fromArray(S, b, src + v).intoArray(bp, dst + v);
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (p0 + p) * ldb + j0 + jr, dst = base + p * NR;
                    for (int j = 0; j < cols; j++) bp[dst + j] = b[src + j];
                    for (int j = cols; j < NR; j++) bp[dst + j] = 0f;
                }
            }
        }
    }

    /**
     * The register tile: C[rows × cols] (+)= Apanel · Bpanel over kc. The 24 accumulators are
     * written out by hand because C2 keeps named locals in registers but not array elements.
     */
    private static void kernel(int kc, float[] ap, int ao, float[] bp, int bo,
                               float[] c, int co, int ldc, int rows, int cols, boolean add, float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c0_0 = z, c0_1 = z;
        FloatVector c1_0 = z, c1_1 = z;
        FloatVector c2_0 = z, c2_1 = z;
        FloatVector c3_0 = z, c3_1 = z;
        FloatVector c4_0 = z, c4_1 = z;
        FloatVector c5_0 = z, c5_1 = z;
        FloatVector c6_0 = z, c6_1 = z;
        FloatVector c7_0 = z, c7_1 = z;
        FloatVector c8_0 = z, c8_1 = z;
        FloatVector c9_0 = z, c9_1 = z;
        FloatVector c10_0 = z, c10_1 = z;
        FloatVector c11_0 = z, c11_1 = z;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + 1 * L);
            FloatVector a0 = FloatVector.broadcast(S, ap[ao]);
            c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1);
            FloatVector a1 = FloatVector.broadcast(S, ap[ao + 1]);
            c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1);
            FloatVector a2 = FloatVector.broadcast(S, ap[ao + 2]);
            c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1);
            FloatVector a3 = FloatVector.broadcast(S, ap[ao + 3]);
            c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1);
            FloatVector a4 = FloatVector.broadcast(S, ap[ao + 4]);
            c4_0 = a4.fma(b0, c4_0); c4_1 = a4.fma(b1, c4_1);
            FloatVector a5 = FloatVector.broadcast(S, ap[ao + 5]);
            c5_0 = a5.fma(b0, c5_0); c5_1 = a5.fma(b1, c5_1);
            FloatVector a6 = FloatVector.broadcast(S, ap[ao + 6]);
            c6_0 = a6.fma(b0, c6_0); c6_1 = a6.fma(b1, c6_1);
            FloatVector a7 = FloatVector.broadcast(S, ap[ao + 7]);
            c7_0 = a7.fma(b0, c7_0); c7_1 = a7.fma(b1, c7_1);
            FloatVector a8 = FloatVector.broadcast(S, ap[ao + 8]);
            c8_0 = a8.fma(b0, c8_0); c8_1 = a8.fma(b1, c8_1);
            FloatVector a9 = FloatVector.broadcast(S, ap[ao + 9]);
            c9_0 = a9.fma(b0, c9_0); c9_1 = a9.fma(b1, c9_1);
            FloatVector a10 = FloatVector.broadcast(S, ap[ao + 10]);
            c10_0 = a10.fma(b0, c10_0); c10_1 = a10.fma(b1, c10_1);
            FloatVector a11 = FloatVector.broadcast(S, ap[ao + 11]);
            c11_0 = a11.fma(b0, c11_0); c11_1 = a11.fma(b1, c11_1);
            ao += MR;
            bo += NR;
        }
        if (rows == MR && cols == NR) {
            if (add) {
                c0_0 = c0_0.add(FloatVector.fromArray(S, c, co + 0 * ldc + 0 * L));
                c0_1 = c0_1.add(FloatVector.fromArray(S, c, co + 0 * ldc + 1 * L));
                c1_0 = c1_0.add(FloatVector.fromArray(S, c, co + 1 * ldc + 0 * L));
                c1_1 = c1_1.add(FloatVector.fromArray(S, c, co + 1 * ldc + 1 * L));
                c2_0 = c2_0.add(FloatVector.fromArray(S, c, co + 2 * ldc + 0 * L));
                c2_1 = c2_1.add(FloatVector.fromArray(S, c, co + 2 * ldc + 1 * L));
                c3_0 = c3_0.add(FloatVector.fromArray(S, c, co + 3 * ldc + 0 * L));
                c3_1 = c3_1.add(FloatVector.fromArray(S, c, co + 3 * ldc + 1 * L));
                c4_0 = c4_0.add(FloatVector.fromArray(S, c, co + 4 * ldc + 0 * L));
                c4_1 = c4_1.add(FloatVector.fromArray(S, c, co + 4 * ldc + 1 * L));
                c5_0 = c5_0.add(FloatVector.fromArray(S, c, co + 5 * ldc + 0 * L));
                c5_1 = c5_1.add(FloatVector.fromArray(S, c, co + 5 * ldc + 1 * L));
                c6_0 = c6_0.add(FloatVector.fromArray(S, c, co + 6 * ldc + 0 * L));
                c6_1 = c6_1.add(FloatVector.fromArray(S, c, co + 6 * ldc + 1 * L));
                c7_0 = c7_0.add(FloatVector.fromArray(S, c, co + 7 * ldc + 0 * L));
                c7_1 = c7_1.add(FloatVector.fromArray(S, c, co + 7 * ldc + 1 * L));
                c8_0 = c8_0.add(FloatVector.fromArray(S, c, co + 8 * ldc + 0 * L));
                c8_1 = c8_1.add(FloatVector.fromArray(S, c, co + 8 * ldc + 1 * L));
                c9_0 = c9_0.add(FloatVector.fromArray(S, c, co + 9 * ldc + 0 * L));
                c9_1 = c9_1.add(FloatVector.fromArray(S, c, co + 9 * ldc + 1 * L));
                c10_0 = c10_0.add(FloatVector.fromArray(S, c, co + 10 * ldc + 0 * L));
                c10_1 = c10_1.add(FloatVector.fromArray(S, c, co + 10 * ldc + 1 * L));
                c11_0 = c11_0.add(FloatVector.fromArray(S, c, co + 11 * ldc + 0 * L));
                c11_1 = c11_1.add(FloatVector.fromArray(S, c, co + 11 * ldc + 1 * L));
            }
            c0_0.intoArray(c, co + 0 * ldc + 0 * L); c0_1.intoArray(c, co + 0 * ldc + 1 * L);
            c1_0.intoArray(c, co + 1 * ldc + 0 * L); c1_1.intoArray(c, co + 1 * ldc + 1 * L);
            c2_0.intoArray(c, co + 2 * ldc + 0 * L); c2_1.intoArray(c, co + 2 * ldc + 1 * L);
            c3_0.intoArray(c, co + 3 * ldc + 0 * L); c3_1.intoArray(c, co + 3 * ldc + 1 * L);
            c4_0.intoArray(c, co + 4 * ldc + 0 * L); c4_1.intoArray(c, co + 4 * ldc + 1 * L);
            c5_0.intoArray(c, co + 5 * ldc + 0 * L); c5_1.intoArray(c, co + 5 * ldc + 1 * L);
            c6_0.intoArray(c, co + 6 * ldc + 0 * L); c6_1.intoArray(c, co + 6 * ldc + 1 * L);
            c7_0.intoArray(c, co + 7 * ldc + 0 * L); c7_1.intoArray(c, co + 7 * ldc + 1 * L);
            c8_0.intoArray(c, co + 8 * ldc + 0 * L); c8_1.intoArray(c, co + 8 * ldc + 1 * L);
            c9_0.intoArray(c, co + 9 * ldc + 0 * L); c9_1.intoArray(c, co + 9 * ldc + 1 * L);
            c10_0.intoArray(c, co + 10 * ldc + 0 * L); c10_1.intoArray(c, co + 10 * ldc + 1 * L);
            c11_0.intoArray(c, co + 11 * ldc + 0 * L); c11_1.intoArray(c, co + 11 * ldc + 1 * L);
        } else {
            // Edge tile: spill to a scratch tile and copy the valid part. Masked vector stores
            // would do, but they make C2 give up inlining this method's vector calls.
            float[] t = tile;
            c0_0.intoArray(t, 0 * NR + 0 * L); c0_1.intoArray(t, 0 * NR + 1 * L);
            c1_0.intoArray(t, 1 * NR + 0 * L); c1_1.intoArray(t, 1 * NR + 1 * L);
            c2_0.intoArray(t, 2 * NR + 0 * L); c2_1.intoArray(t, 2 * NR + 1 * L);
            c3_0.intoArray(t, 3 * NR + 0 * L); c3_1.intoArray(t, 3 * NR + 1 * L);
            c4_0.intoArray(t, 4 * NR + 0 * L); c4_1.intoArray(t, 4 * NR + 1 * L);
            c5_0.intoArray(t, 5 * NR + 0 * L); c5_1.intoArray(t, 5 * NR + 1 * L);
            c6_0.intoArray(t, 6 * NR + 0 * L); c6_1.intoArray(t, 6 * NR + 1 * L);
            c7_0.intoArray(t, 7 * NR + 0 * L); c7_1.intoArray(t, 7 * NR + 1 * L);
            c8_0.intoArray(t, 8 * NR + 0 * L); c8_1.intoArray(t, 8 * NR + 1 * L);
            c9_0.intoArray(t, 9 * NR + 0 * L); c9_1.intoArray(t, 9 * NR + 1 * L);
            c10_0.intoArray(t, 10 * NR + 0 * L); c10_1.intoArray(t, 10 * NR + 1 * L);
            c11_0.intoArray(t, 11 * NR + 0 * L); c11_1.intoArray(t, 11 * NR + 1 * L);
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < cols; j++) {
                    int ci = co + r * ldc + j;
                    c[ci] = add ? c[ci] + t[r * NR + j] : t[r * NR + j];
                }
        }
    }

    private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }

    private static int roundUp(int a, int b) { return ceilDiv(a, b) * b; }
}
