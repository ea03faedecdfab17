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
    static final int MR = 6;
    /** Vectors of C per tile row: MR × NV accumulators + NV B loads + 1 broadcast fit 32 zmm. */
    private static final int NV = 2;
    static final int NR = NV * L;
    /** Depth of one packed block: a KC × NR panel of B (32 KiB at 512 bit) stays in L1. */
    private static final int KC = 256;
    /** Largest row block: its MC × KC packed A (~190 KiB) stays in L2 across all panels. */
    private static final int MC_MAX = 32 * MR;
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
     * The register tile: C[rows × cols] (+)= Apanel · Bpanel over kc. Twelve accumulators are
     * written out by hand because C2 keeps named locals in registers but not array elements.
     */
    private static void kernel(int kc, float[] ap, int ao, float[] bp, int bo,
                               float[] c, int co, int ldc, int rows, int cols, boolean add, float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z,
                c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector av = FloatVector.broadcast(S, ap[ao]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, ap[ao + 4]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, ap[ao + 5]);
            c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
            ao += MR;
            bo += NR;
        }
        if (rows == MR && cols == NR) {
            store(c, co, c00, c01, add);
            store(c, co + ldc, c10, c11, add);
            store(c, co + 2 * ldc, c20, c21, add);
            store(c, co + 3 * ldc, c30, c31, add);
            store(c, co + 4 * ldc, c40, c41, add);
            store(c, co + 5 * ldc, c50, c51, add);
        } else {
            // Edge tile: spill to a scratch tile and copy the valid part. Masked vector stores
            // would do, but they make C2 give up inlining this method's vector calls.
            float[] t = tile;
            c00.intoArray(t, 0); c01.intoArray(t, L);
            c10.intoArray(t, NR); c11.intoArray(t, NR + L);
            c20.intoArray(t, 2 * NR); c21.intoArray(t, 2 * NR + L);
            c30.intoArray(t, 3 * NR); c31.intoArray(t, 3 * NR + L);
            c40.intoArray(t, 4 * NR); c41.intoArray(t, 4 * NR + L);
            c50.intoArray(t, 5 * NR); c51.intoArray(t, 5 * NR + L);
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < cols; j++) {
                    int ci = co + r * ldc + j;
                    c[ci] = add ? c[ci] + t[r * NR + j] : t[r * NR + j];
                }
        }
    }

    private static void store(float[] c, int off, FloatVector v0, FloatVector v1, boolean add) {
        if (add) {
            v0 = v0.add(FloatVector.fromArray(S, c, off));
            v1 = v1.add(FloatVector.fromArray(S, c, off + L));
        }
        v0.intoArray(c, off);
        v1.intoArray(c, off + L);
    }

    private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }

    private static int roundUp(int a, int b) { return ceilDiv(a, b) * b; }
}
