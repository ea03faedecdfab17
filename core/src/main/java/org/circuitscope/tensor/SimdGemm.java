package org.circuitscope.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Blocked single-precision matrix product on the Vector API, in the Goto/BLIS shape: an
 * {@code MR × NR} tile of C lives in registers across the depth loop, fed by a packed
 * {@code KC × NR} panel of B (L1) and a packed {@code MR × KC} micro-panel of A (L2).
 *
 * <p>The tile is sized to the register file: with 512-bit vectors (32 registers on AVX-512)
 * 12 rows × 2 vectors (24 accumulators + 2 B vectors + a broadcast), with narrower ones
 * (AVX2's 16 registers) 6 rows × 2 vectors (12 + 2 + 1), as the BLIS kernels for those
 * machines. 24 accumulators on 16 registers would spill every iteration.
 *
 * <p>Work is split into tasks (product, row range, column range) on the {@link WorkerPool},
 * rows and columns in the proportion that copies the least: a task packs the B block of its
 * columns once and reuses it for all its rows, and packs A once per column range.
 * A is packed row by row (a plain copy) rather than interleaved, so packing it costs little
 * even when the columns are few (GQA's 256-wide key and value projections).
 * The packing buffers are per thread and reused across calls.
 *
 * <p>B may be a 16-bit weight (BF16 or F16, not transposed, {@link #gemm16}): packing writes
 * float panels anyway, so it converts as it copies, and everything after the packing is the
 * float path's (the same panels, tiles and FMA order, so the same result bit for bit as the
 * float product of the converted B) at no extra pass over the weights.
 */
final class SimdGemm {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    /** BF16 lanes for one vector of S: packing widens them in registers ({@link Bf16Vectors#load}). */
    private static final VectorSpecies<Short> S16 = Bf16Vectors.halfWidth(S);
    private static final VectorSpecies<Integer> S32 = VectorSpecies.of(int.class, S.vectorShape());
    static final int L = S.length();
    /** 32 vector registers to use: the 12-row tile. Otherwise the 6-row one. */
    static final boolean WIDE = S.vectorBitSize() >= 512;
    /** Rows of C per register tile; one broadcast of A is reused across the two vectors of B. */
    static final int MR = WIDE ? 12 : 6;
    /** Columns of C per register tile: two vectors. */
    static final int NR = 2 * L;
    /** Depth of one packed block: a KC × NR panel of B (32 KiB at 512 bit) stays in L1. */
    private static final int KC = 256;
    /**
     * Row stride of packed A: the kernel reads MR rows at fixed distances from one index (one
     * base register, constant displacements). One cache line more than KC keeps those rows out
     * of the same L1 sets.
     */
    static final int AST = KC + 16;
    /** Rows of packed A at a time (a multiple of both tile heights): MC × AST floats, about 200 KiB, stay in L2. */
    private static final int MC = 192;
    /** Widest column range of one task. */
    private static final int NC_MAX = 4096;
    /** Columns of one packed slice of B within a task: KC × NC floats (1 MiB, L2). */
    private static final int NC = 1024;
    /** Below this many multiply-adds a product runs on the calling thread (fork costs more). */
    private static final long INLINE_FMAS = 1L << 18;
    /**
     * Products with at most this many rows (one-token passes, a few positions) and B not
     * transposed skip packing: they read B once, straight from the weights ({@link #fewRows}).
     */
    static final int FEW_ROWS = 4;

    /** One thread's packing buffers; B's grows to the widest column range seen. */
    private static final class Workspace {
        final float[] ap = new float[MC * AST];
        final float[] tile = new float[MR * NR];
        float[] bp = new float[KC * NR];

        float[] bp(int size) {
            if (bp.length < size) bp = new float[size];
            return bp;
        }
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private SimdGemm() {}

    static void gemm(int batch, boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda, int aStride,
                     float[] b, int bOff, int ldb, int bStride,
                     float[] c, int cOff, int ldc, int cStride, boolean accumulate) {
        gemm(batch, transA, transB, m, n, k, a, aOff, lda, aStride, b, null, DType.F32, bOff, ldb, bStride,
                c, cOff, ldc, cStride, accumulate);
    }

    /**
     * {@link #gemm} with B 16-bit ({@code bType} BF16 or F16), not transposed: element (p, j)
     * of product t at {@code b[bOff + t·bStride + p·ldb + j]}. Always packed, also for a few
     * rows (whose unpacked path reads float B).
     */
    static void gemm16(int batch, boolean transA, int m, int n, int k,
                       float[] a, int aOff, int lda, int aStride,
                       short[] b, DType bType, int bOff, int ldb, int bStride,
                       float[] c, int cOff, int ldc, int cStride, boolean accumulate) {
        if (!bType.sixteenBit()) throw new IllegalArgumentException("gemm16 takes BF16 or F16 B, not " + bType);
        gemm(batch, transA, false, m, n, k, a, aOff, lda, aStride, null, b, bType, bOff, ldb, bStride,
                c, cOff, ldc, cStride, accumulate);
    }

    /** B is {@code b} (float32), or {@code bits} of type {@code bType} when b is null. */
    private static void gemm(int batch, boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, int aStride,
                             float[] b, short[] bits, DType bType, int bOff, int ldb, int bStride,
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
        boolean parallel = (long) batch * m * n * k >= INLINE_FMAS && WorkerPool.forks();
        if (m <= FEW_ROWS && !transB && b != null) {
            fewRows(parallel, batch, transA, m, n, k, a, aOff, lda, aStride, b, bOff, ldb, bStride, c, cOff, ldc, cStride, accumulate);
            return;
        }
        // Two tasks per thread, so that a thread slowed by other work on the machine is partly
        // made up for by the other; on one thread, one task per product (no repacking).
        long want = parallel ? 2L * WorkerPool.threads() : 1;
        int colTasks = ceilDiv(n, NC_MAX), rowTasks = 1;
        // Wide products (unembeddings) split into as many column tasks on every thread: 13 tasks on
        // two threads left one thread a task behind the other (7 % of the 50,257-column product).
        if (parallel && batch == 1 && colTasks >= want) colTasks = (int) Math.min(ceilDiv(n, NR), roundUp(colTasks, WorkerPool.threads()));
        if ((long) batch * colTasks < want) {
            // Split one product into rowTasks × colTasks: each task packs k × (its columns) of B
            // and (its rows) × k of A, so the copies made are k·(rowTasks·n + colTasks·m): take
            // the split with the fewest. Splitting rows only (as before) packed all of B once per
            // task and lost 5-15% on two threads at the 1,024-row shapes.
            long per = ceilDiv(want, batch), fewest = Long.MAX_VALUE;
            for (int cs = colTasks; cs <= per; cs++) {
                int rs = (int) ceilDiv(per, cs);
                if (cs > ceilDiv(n, NR) || rs > ceilDiv(m, MR)) continue;
                long copies = (long) rs * n + (long) cs * m;
                if (copies < fewest) { fewest = copies; colTasks = cs; rowTasks = rs; }
            }
        }
        final int rows = roundUp(ceilDiv(m, rowTasks), MR), cols = roundUp(ceilDiv(n, colTasks), NR);
        final int rowBlocks = ceilDiv(m, rows), colBlocks = ceilDiv(n, cols);
        int tasks = batch * rowBlocks * colBlocks;
        java.util.function.IntConsumer body = task -> {
            int t = task / (rowBlocks * colBlocks);
            int rem = task % (rowBlocks * colBlocks);
            int i0 = (rem / colBlocks) * rows, j0 = (rem % colBlocks) * cols;
            block(transA, transB, i0, Math.min(rows, m - i0), j0, Math.min(cols, n - j0), k,
                    a, aOff + t * aStride, lda, b, bits, bType, bOff + t * bStride, ldb,
                    c, cOff + t * cStride, ldc, accumulate);
        };
        if (parallel) {
            WorkerPool.parallelFor(tasks, body);
        } else {
            for (int task = 0; task < tasks; task++) body.accept(task);
        }
    }

    /** C[i0.., j0..] (mb × nb) for the whole depth k, in KC slices; B's slice is packed once for all mb rows. */
    private static void block(boolean transA, boolean transB, int i0, int mb, int j0, int nb, int k,
                              float[] a, int aOff, int lda, float[] b, short[] bits, DType bType, int bOff, int ldb,
                              float[] c, int cOff, int ldc, boolean accumulate) {
        // In column blocks of NC, so that the packed slice of B (KC × NC) that every block of rows
        // reads is in L2 rather than L3 (1-5% at the 1,024-row shapes on one thread).
        for (int jc = 0; jc < nb; jc += NC)
            columns(transA, transB, i0, mb, j0 + jc, Math.min(NC, nb - jc), k, a, aOff, lda, b, bits, bType, bOff, ldb, c, cOff, ldc, accumulate);
    }

    private static void columns(boolean transA, boolean transB, int i0, int mb, int j0, int nb, int k,
                              float[] a, int aOff, int lda, float[] b, short[] bits, DType bType, int bOff, int ldb,
                              float[] c, int cOff, int ldc, boolean accumulate) {
        Workspace ws = WORKSPACE.get();
        float[] ap = ws.ap, bp = ws.bp(Math.min(KC, k) * roundUp(nb, NR));
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            boolean add = accumulate || p0 > 0;
            if (b != null) packB(transB, b, bOff, ldb, p0, kc, j0, nb, bp);
            else packB16(bits, bType, bOff, ldb, p0, kc, j0, nb, bp);
            for (int ic = 0; ic < mb; ic += MC) {
                int mc = Math.min(MC, mb - ic);
                packA(transA, a, aOff, lda, i0 + ic, mc, p0, kc, ap);
                for (int jr = 0; jr < nb; jr += NR) {
                    int cols = Math.min(NR, nb - jr);
                    int bo = (jr / NR) * kc * NR;
                    for (int ir = 0; ir < mc; ir += MR) {
                        int rows = Math.min(MR, mc - ir);
                        int co = cOff + (i0 + ic + ir) * ldc + j0 + jr;
                        if (WIDE) RegisterTiles.tile12x2(kc, ap, (ir / MR) * MR * AST, bp, bo, c, co, ldc, rows, cols, add, ws.tile);
                        else RegisterTiles.tile6x2(kc, ap, (ir / MR) * MR * AST, bp, bo, c, co, ldc, rows, cols, add, ws.tile);
                    }
                }
            }
        }
    }

    /**
     * A[i0.., p0..] into micro-panels: panel q holds row i0+q·MR+r at ap[q·MR·AST + r·AST + p].
     * Rows past mb are left as they are: row r of C depends only on row r of A, and the
     * kernel writes back only the rows that exist.
     */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int mb,
                              int p0, int kc, float[] ap) {
        for (int ir = 0; ir < mb; ir += MR) {
            int base = (ir / MR) * MR * AST;
            int rows = Math.min(MR, mb - ir);
            if (transA) {
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (p0 + p) * lda + i0 + ir;
                    for (int r = 0; r < rows; r++) ap[base + r * AST + p] = a[src + r];
                }
            } else {
                for (int r = 0; r < rows; r++)
                    System.arraycopy(a, aOff + (i0 + ir + r) * lda + p0, ap, base + r * AST, kc);
            }
        }
    }

    /**
     * B[p0.., j0..] into panels: panel q holds columns j0+q·NR.. as bp[q·kc·NR + p·NR + j].
     * Columns past nb are left as they are, for the same reason as A's missing rows.
     */
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
            } else if (cols == NR) {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (p0 + p) * ldb + j0 + jr, dst = base + p * NR;
                    FloatVector.fromArray(S, b, src).intoArray(bp, dst);
                    FloatVector.fromArray(S, b, src + L).intoArray(bp, dst + L);
                }
            } else {
                for (int p = 0; p < kc; p++)
                    System.arraycopy(b, bOff + (p0 + p) * ldb + j0 + jr, bp, base + p * NR, cols);
            }
        }
    }

    /**
     * {@link #packB} of a non-transposed 16-bit B, converting on the way: the same panels, so
     * the kernel cannot tell. BF16 widens in registers (two vectors a panel row); F16 has no
     * Vector API conversion in this JDK, and {@link DType#toFloat}'s plain loop is one C2
     * vectorises (VCVTPH2PS); BF16's last, narrower panel goes through it too.
     */
    private static void packB16(short[] b, DType bType, int bOff, int ldb, int p0, int kc,
                                int j0, int nb, float[] bp) {
        boolean bf16 = bType == DType.BF16;
        for (int jr = 0; jr < nb; jr += NR) {
            int base = (jr / NR) * kc * NR;
            int cols = Math.min(NR, nb - jr);
            for (int p = 0; p < kc; p++) {
                int src = bOff + (p0 + p) * ldb + j0 + jr, dst = base + p * NR;
                if (bf16 && cols == NR) {
                    Bf16Vectors.load(S16, S32, b, src).intoArray(bp, dst);
                    Bf16Vectors.load(S16, S32, b, src + L).intoArray(bp, dst + L);
                } else {
                    bType.toFloat(b, src, bp, dst, cols);
                }
            }
        }
    }

    /**
     * C = op(A)·B for m ≤ {@link #FEW_ROWS}, in column strips of four vectors: one pass over B
     * (memory-bound, so reading the weights once is what counts), where the register tile would
     * pack B first (read, write, read again) and compute MR rows for the few that exist. A
     * strip's slice of B (k × 4 vectors) stays in L2 for the other rows.
     */
    private static void fewRows(boolean parallel, int batch, boolean transA, int m, int n, int k,
                                float[] a, int aOff, int lda, int aStride, float[] b, int bOff, int ldb, int bStride,
                                float[] c, int cOff, int ldc, int cStride, boolean accumulate) {
        int strip = 4 * L;
        int colTasks = parallel ? (int) Math.min(ceilDiv(n, strip), ceilDiv(3L * WorkerPool.threads(), batch)) : 1;
        final int cols = roundUp(ceilDiv(n, colTasks), strip), colBlocks = ceilDiv(n, cols);
        // Element (i, p) of op(A) is at aOff + i·aRow + p·aCol.
        final int aRow = transA ? 1 : lda, aCol = transA ? lda : 1;
        java.util.function.IntConsumer body = task -> {
            int t = task / colBlocks, j0 = (task % colBlocks) * cols, end = Math.min(n, j0 + cols);
            int at = aOff + t * aStride, bt = bOff + t * bStride, ct = cOff + t * cStride;
            int j = j0;
            for (; j + strip <= end; j += strip)
                for (int i = 0; i < m; i++) strip4(k, a, at + i * aRow, aCol, b, bt + j, ldb, c, ct + i * ldc + j, accumulate);
            for (; j + L <= end; j += L)
                for (int i = 0; i < m; i++) strip1(k, a, at + i * aRow, aCol, b, bt + j, ldb, c, ct + i * ldc + j, accumulate);
            for (; j < end; j++)
                for (int i = 0; i < m; i++) {
                    // Math.fma: the same rounding as a vector lane's chain (see RegisterTiles).
                    int ci = ct + i * ldc + j;
                    float s = accumulate ? c[ci] : 0f;
                    for (int p = 0; p < k; p++) s = Math.fma(a[at + i * aRow + p * aCol], b[bt + p * ldb + j], s);
                    c[ci] = s;
                }
        };
        int tasks = batch * colBlocks;
        if (parallel) WorkerPool.parallelFor(tasks, body);
        else for (int task = 0; task < tasks; task++) body.accept(task);
    }

    /**
     * One row of C, four vectors wide: c[ci..] (+)= Σ_p a[ai + p·aStep] · b[bi + p·ldb ..], one
     * fused multiply-add chain per element from C (or 0) over p in order, as the register tiles.
     */
    private static void strip4(int k, float[] a, int ai, int aStep, float[] b, int bi, int ldb,
                               float[] c, int ci, boolean accumulate) {
        FloatVector c0, c1, c2, c3;
        if (accumulate) {
            c0 = FloatVector.fromArray(S, c, ci);
            c1 = FloatVector.fromArray(S, c, ci + L);
            c2 = FloatVector.fromArray(S, c, ci + 2 * L);
            c3 = FloatVector.fromArray(S, c, ci + 3 * L);
        } else {
            c0 = FloatVector.zero(S); c1 = c0; c2 = c0; c3 = c0;
        }
        for (int p = 0; p < k; p++, ai += aStep, bi += ldb) {
            FloatVector av = FloatVector.broadcast(S, a[ai]);
            c0 = FloatVector.fromArray(S, b, bi).fma(av, c0);
            c1 = FloatVector.fromArray(S, b, bi + L).fma(av, c1);
            c2 = FloatVector.fromArray(S, b, bi + 2 * L).fma(av, c2);
            c3 = FloatVector.fromArray(S, b, bi + 3 * L).fma(av, c3);
        }
        c0.intoArray(c, ci);
        c1.intoArray(c, ci + L);
        c2.intoArray(c, ci + 2 * L);
        c3.intoArray(c, ci + 3 * L);
    }

    /** {@link #strip4} one vector wide, for the columns left over. */
    private static void strip1(int k, float[] a, int ai, int aStep, float[] b, int bi, int ldb,
                               float[] c, int ci, boolean accumulate) {
        FloatVector c0 = accumulate ? FloatVector.fromArray(S, c, ci) : FloatVector.zero(S);
        for (int p = 0; p < k; p++, ai += aStep, bi += ldb)
            c0 = FloatVector.fromArray(S, b, bi).fma(FloatVector.broadcast(S, a[ai]), c0);
        c0.intoArray(c, ci);
    }

    private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }

    private static long ceilDiv(long a, long b) { return (a + b - 1) / b; }

    private static int roundUp(int a, int b) { return ceilDiv(a, b) * b; }
}
