package org.circuitscope.tensor;

import static org.circuitscope.tensor.SimdGemm.AST;
import static org.circuitscope.tensor.SimdGemm.L;
import static org.circuitscope.tensor.SimdGemm.NR;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register tiles of {@link SimdGemm}: C[rows × cols] (+)= Apanel · Bpanel over kc, with A's
 * rows at {@code ap[ao + r·AST + p]} and B's panel at {@code bp[bo + p·NR + j]}. One tile per
 * register file, written out by hand: C2 keeps named locals in registers but not array elements,
 * so the accumulators cannot be a loop over an array.
 *
 * <p>When adding, the accumulators start from C rather than C being added at the end: an element
 * of C is then one fused multiply-add chain over the whole depth, in order, across the KC blocks
 * ({@code add} is set for every block after the first), the same chain as the unpacked path of
 * {@link SimdGemm} and a stream of {@code axpy}s. So a row's result depends neither on the tile
 * or task it falls in nor on the shape of the call: a scan's window and a one-token pass agree.
 */
final class RegisterTiles {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;

    private RegisterTiles() {}

    // CPD-OFF: the two tiles repeat the same lines per row by design (see the class comment).
    /** The 512-bit register tile: 24 accumulators (32 registers on AVX-512). */
    static void tile12x2(int kc, float[] ap, int ao, float[] bp, int bo,
                               float[] c, int co, int ldc, int rows, int cols, boolean add, float[] tile) {
        boolean full = rows == 12 && cols == NR;
        // The accumulators start from C when adding (see the class comment); an edge tile reads C through the spill buffer.
        float[] s = full ? c : tile;
        int so = full ? co : 0, ld = full ? ldc : NR;
        if (add && !full) loadTile(c, co, ldc, rows, cols, tile);
        FloatVector c0_0, c0_1;
        FloatVector c1_0, c1_1;
        FloatVector c2_0, c2_1;
        FloatVector c3_0, c3_1;
        FloatVector c4_0, c4_1;
        FloatVector c5_0, c5_1;
        FloatVector c6_0, c6_1;
        FloatVector c7_0, c7_1;
        FloatVector c8_0, c8_1;
        FloatVector c9_0, c9_1;
        FloatVector c10_0, c10_1;
        FloatVector c11_0, c11_1;
        if (add) {
            c0_0 = FloatVector.fromArray(S, s, so + 0 * ld); c0_1 = FloatVector.fromArray(S, s, so + 0 * ld + L);
            c1_0 = FloatVector.fromArray(S, s, so + 1 * ld); c1_1 = FloatVector.fromArray(S, s, so + 1 * ld + L);
            c2_0 = FloatVector.fromArray(S, s, so + 2 * ld); c2_1 = FloatVector.fromArray(S, s, so + 2 * ld + L);
            c3_0 = FloatVector.fromArray(S, s, so + 3 * ld); c3_1 = FloatVector.fromArray(S, s, so + 3 * ld + L);
            c4_0 = FloatVector.fromArray(S, s, so + 4 * ld); c4_1 = FloatVector.fromArray(S, s, so + 4 * ld + L);
            c5_0 = FloatVector.fromArray(S, s, so + 5 * ld); c5_1 = FloatVector.fromArray(S, s, so + 5 * ld + L);
            c6_0 = FloatVector.fromArray(S, s, so + 6 * ld); c6_1 = FloatVector.fromArray(S, s, so + 6 * ld + L);
            c7_0 = FloatVector.fromArray(S, s, so + 7 * ld); c7_1 = FloatVector.fromArray(S, s, so + 7 * ld + L);
            c8_0 = FloatVector.fromArray(S, s, so + 8 * ld); c8_1 = FloatVector.fromArray(S, s, so + 8 * ld + L);
            c9_0 = FloatVector.fromArray(S, s, so + 9 * ld); c9_1 = FloatVector.fromArray(S, s, so + 9 * ld + L);
            c10_0 = FloatVector.fromArray(S, s, so + 10 * ld); c10_1 = FloatVector.fromArray(S, s, so + 10 * ld + L);
            c11_0 = FloatVector.fromArray(S, s, so + 11 * ld); c11_1 = FloatVector.fromArray(S, s, so + 11 * ld + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c0_0 = z; c0_1 = z;
            c1_0 = z; c1_1 = z;
            c2_0 = z; c2_1 = z;
            c3_0 = z; c3_1 = z;
            c4_0 = z; c4_1 = z;
            c5_0 = z; c5_1 = z;
            c6_0 = z; c6_1 = z;
            c7_0 = z; c7_1 = z;
            c8_0 = z; c8_1 = z;
            c9_0 = z; c9_1 = z;
            c10_0 = z; c10_1 = z;
            c11_0 = z; c11_1 = z;
        }
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector a0 = FloatVector.broadcast(S, ap[ao]);
            c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1);
            FloatVector a1 = FloatVector.broadcast(S, ap[ao + 1 * AST]);
            c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1);
            FloatVector a2 = FloatVector.broadcast(S, ap[ao + 2 * AST]);
            c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1);
            FloatVector a3 = FloatVector.broadcast(S, ap[ao + 3 * AST]);
            c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1);
            FloatVector a4 = FloatVector.broadcast(S, ap[ao + 4 * AST]);
            c4_0 = a4.fma(b0, c4_0); c4_1 = a4.fma(b1, c4_1);
            FloatVector a5 = FloatVector.broadcast(S, ap[ao + 5 * AST]);
            c5_0 = a5.fma(b0, c5_0); c5_1 = a5.fma(b1, c5_1);
            FloatVector a6 = FloatVector.broadcast(S, ap[ao + 6 * AST]);
            c6_0 = a6.fma(b0, c6_0); c6_1 = a6.fma(b1, c6_1);
            FloatVector a7 = FloatVector.broadcast(S, ap[ao + 7 * AST]);
            c7_0 = a7.fma(b0, c7_0); c7_1 = a7.fma(b1, c7_1);
            FloatVector a8 = FloatVector.broadcast(S, ap[ao + 8 * AST]);
            c8_0 = a8.fma(b0, c8_0); c8_1 = a8.fma(b1, c8_1);
            FloatVector a9 = FloatVector.broadcast(S, ap[ao + 9 * AST]);
            c9_0 = a9.fma(b0, c9_0); c9_1 = a9.fma(b1, c9_1);
            FloatVector a10 = FloatVector.broadcast(S, ap[ao + 10 * AST]);
            c10_0 = a10.fma(b0, c10_0); c10_1 = a10.fma(b1, c10_1);
            FloatVector a11 = FloatVector.broadcast(S, ap[ao + 11 * AST]);
            c11_0 = a11.fma(b0, c11_0); c11_1 = a11.fma(b1, c11_1);
            ao++;
            bo += NR;
        }
        float[] d = full ? c : tile;
        c0_0.intoArray(d, so + 0 * ld); c0_1.intoArray(d, so + 0 * ld + L);
        c1_0.intoArray(d, so + 1 * ld); c1_1.intoArray(d, so + 1 * ld + L);
        c2_0.intoArray(d, so + 2 * ld); c2_1.intoArray(d, so + 2 * ld + L);
        c3_0.intoArray(d, so + 3 * ld); c3_1.intoArray(d, so + 3 * ld + L);
        c4_0.intoArray(d, so + 4 * ld); c4_1.intoArray(d, so + 4 * ld + L);
        c5_0.intoArray(d, so + 5 * ld); c5_1.intoArray(d, so + 5 * ld + L);
        c6_0.intoArray(d, so + 6 * ld); c6_1.intoArray(d, so + 6 * ld + L);
        c7_0.intoArray(d, so + 7 * ld); c7_1.intoArray(d, so + 7 * ld + L);
        c8_0.intoArray(d, so + 8 * ld); c8_1.intoArray(d, so + 8 * ld + L);
        c9_0.intoArray(d, so + 9 * ld); c9_1.intoArray(d, so + 9 * ld + L);
        c10_0.intoArray(d, so + 10 * ld); c10_1.intoArray(d, so + 10 * ld + L);
        c11_0.intoArray(d, so + 11 * ld); c11_1.intoArray(d, so + 11 * ld + L);
        if (!full) copyTile(tile, c, co, ldc, rows, cols);
    }

    /** The tile for 16 vector registers (AVX2): 6 rows × 2 vectors, 12 accumulators. */
    static void tile6x2(int kc, float[] ap, int ao, float[] bp, int bo,
                               float[] c, int co, int ldc, int rows, int cols, boolean add, float[] tile) {
        boolean full = rows == 6 && cols == NR;
        // The accumulators start from C when adding (see the class comment); an edge tile reads C through the spill buffer.
        float[] s = full ? c : tile;
        int so = full ? co : 0, ld = full ? ldc : NR;
        if (add && !full) loadTile(c, co, ldc, rows, cols, tile);
        FloatVector c0_0, c0_1;
        FloatVector c1_0, c1_1;
        FloatVector c2_0, c2_1;
        FloatVector c3_0, c3_1;
        FloatVector c4_0, c4_1;
        FloatVector c5_0, c5_1;
        if (add) {
            c0_0 = FloatVector.fromArray(S, s, so + 0 * ld); c0_1 = FloatVector.fromArray(S, s, so + 0 * ld + L);
            c1_0 = FloatVector.fromArray(S, s, so + 1 * ld); c1_1 = FloatVector.fromArray(S, s, so + 1 * ld + L);
            c2_0 = FloatVector.fromArray(S, s, so + 2 * ld); c2_1 = FloatVector.fromArray(S, s, so + 2 * ld + L);
            c3_0 = FloatVector.fromArray(S, s, so + 3 * ld); c3_1 = FloatVector.fromArray(S, s, so + 3 * ld + L);
            c4_0 = FloatVector.fromArray(S, s, so + 4 * ld); c4_1 = FloatVector.fromArray(S, s, so + 4 * ld + L);
            c5_0 = FloatVector.fromArray(S, s, so + 5 * ld); c5_1 = FloatVector.fromArray(S, s, so + 5 * ld + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c0_0 = z; c0_1 = z;
            c1_0 = z; c1_1 = z;
            c2_0 = z; c2_1 = z;
            c3_0 = z; c3_1 = z;
            c4_0 = z; c4_1 = z;
            c5_0 = z; c5_1 = z;
        }
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector a0 = FloatVector.broadcast(S, ap[ao]);
            c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1);
            FloatVector a1 = FloatVector.broadcast(S, ap[ao + 1 * AST]);
            c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1);
            FloatVector a2 = FloatVector.broadcast(S, ap[ao + 2 * AST]);
            c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1);
            FloatVector a3 = FloatVector.broadcast(S, ap[ao + 3 * AST]);
            c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1);
            FloatVector a4 = FloatVector.broadcast(S, ap[ao + 4 * AST]);
            c4_0 = a4.fma(b0, c4_0); c4_1 = a4.fma(b1, c4_1);
            FloatVector a5 = FloatVector.broadcast(S, ap[ao + 5 * AST]);
            c5_0 = a5.fma(b0, c5_0); c5_1 = a5.fma(b1, c5_1);
            ao++;
            bo += NR;
        }
        float[] d = full ? c : tile;
        c0_0.intoArray(d, so + 0 * ld); c0_1.intoArray(d, so + 0 * ld + L);
        c1_0.intoArray(d, so + 1 * ld); c1_1.intoArray(d, so + 1 * ld + L);
        c2_0.intoArray(d, so + 2 * ld); c2_1.intoArray(d, so + 2 * ld + L);
        c3_0.intoArray(d, so + 3 * ld); c3_1.intoArray(d, so + 3 * ld + L);
        c4_0.intoArray(d, so + 4 * ld); c4_1.intoArray(d, so + 4 * ld + L);
        c5_0.intoArray(d, so + 5 * ld); c5_1.intoArray(d, so + 5 * ld + L);
        if (!full) copyTile(tile, c, co, ldc, rows, cols);
    }

    // CPD-ON

    /**
     * The valid rows × cols of an edge tile (spilled to {@code t}) into C. Masked vector stores
     * would do, but they make C2 give up inlining the kernels' vector calls.
     */
    private static void copyTile(float[] t, float[] c, int co, int ldc, int rows, int cols) {
        for (int r = 0; r < rows; r++) System.arraycopy(t, r * NR, c, co + r * ldc, cols);
    }

    /** The valid rows × cols of C into an edge tile's buffer (the rest zero), where its accumulators start from. */
    private static void loadTile(float[] c, int co, int ldc, int rows, int cols, float[] t) {
        java.util.Arrays.fill(t, 0f);
        for (int r = 0; r < rows; r++) System.arraycopy(c, co + r * ldc, t, r * NR, cols);
    }

}
