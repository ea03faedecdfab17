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
 */
final class RegisterTiles {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;

    private RegisterTiles() {}

    // CPD-OFF: the two tiles repeat the same lines per row by design (see the class comment).
    /**
     * The 512-bit register tile: C[rows × cols] (+)= Apanel · Bpanel over kc, 24 accumulators
     * written out by hand because C2 keeps named locals in registers but not array elements.
     */
    static void tile12x2(int kc, float[] ap, int ao, float[] bp, int bo,
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
        if (rows == 12 && cols == NR) {
            if (add) {
                c0_0 = c0_0.add(FloatVector.fromArray(S, c, co + 0 * ldc));
                c0_1 = c0_1.add(FloatVector.fromArray(S, c, co + 0 * ldc + L));
                c1_0 = c1_0.add(FloatVector.fromArray(S, c, co + 1 * ldc));
                c1_1 = c1_1.add(FloatVector.fromArray(S, c, co + 1 * ldc + L));
                c2_0 = c2_0.add(FloatVector.fromArray(S, c, co + 2 * ldc));
                c2_1 = c2_1.add(FloatVector.fromArray(S, c, co + 2 * ldc + L));
                c3_0 = c3_0.add(FloatVector.fromArray(S, c, co + 3 * ldc));
                c3_1 = c3_1.add(FloatVector.fromArray(S, c, co + 3 * ldc + L));
                c4_0 = c4_0.add(FloatVector.fromArray(S, c, co + 4 * ldc));
                c4_1 = c4_1.add(FloatVector.fromArray(S, c, co + 4 * ldc + L));
                c5_0 = c5_0.add(FloatVector.fromArray(S, c, co + 5 * ldc));
                c5_1 = c5_1.add(FloatVector.fromArray(S, c, co + 5 * ldc + L));
                c6_0 = c6_0.add(FloatVector.fromArray(S, c, co + 6 * ldc));
                c6_1 = c6_1.add(FloatVector.fromArray(S, c, co + 6 * ldc + L));
                c7_0 = c7_0.add(FloatVector.fromArray(S, c, co + 7 * ldc));
                c7_1 = c7_1.add(FloatVector.fromArray(S, c, co + 7 * ldc + L));
                c8_0 = c8_0.add(FloatVector.fromArray(S, c, co + 8 * ldc));
                c8_1 = c8_1.add(FloatVector.fromArray(S, c, co + 8 * ldc + L));
                c9_0 = c9_0.add(FloatVector.fromArray(S, c, co + 9 * ldc));
                c9_1 = c9_1.add(FloatVector.fromArray(S, c, co + 9 * ldc + L));
                c10_0 = c10_0.add(FloatVector.fromArray(S, c, co + 10 * ldc));
                c10_1 = c10_1.add(FloatVector.fromArray(S, c, co + 10 * ldc + L));
                c11_0 = c11_0.add(FloatVector.fromArray(S, c, co + 11 * ldc));
                c11_1 = c11_1.add(FloatVector.fromArray(S, c, co + 11 * ldc + L));
            }
            c0_0.intoArray(c, co + 0 * ldc); c0_1.intoArray(c, co + 0 * ldc + L);
            c1_0.intoArray(c, co + 1 * ldc); c1_1.intoArray(c, co + 1 * ldc + L);
            c2_0.intoArray(c, co + 2 * ldc); c2_1.intoArray(c, co + 2 * ldc + L);
            c3_0.intoArray(c, co + 3 * ldc); c3_1.intoArray(c, co + 3 * ldc + L);
            c4_0.intoArray(c, co + 4 * ldc); c4_1.intoArray(c, co + 4 * ldc + L);
            c5_0.intoArray(c, co + 5 * ldc); c5_1.intoArray(c, co + 5 * ldc + L);
            c6_0.intoArray(c, co + 6 * ldc); c6_1.intoArray(c, co + 6 * ldc + L);
            c7_0.intoArray(c, co + 7 * ldc); c7_1.intoArray(c, co + 7 * ldc + L);
            c8_0.intoArray(c, co + 8 * ldc); c8_1.intoArray(c, co + 8 * ldc + L);
            c9_0.intoArray(c, co + 9 * ldc); c9_1.intoArray(c, co + 9 * ldc + L);
            c10_0.intoArray(c, co + 10 * ldc); c10_1.intoArray(c, co + 10 * ldc + L);
            c11_0.intoArray(c, co + 11 * ldc); c11_1.intoArray(c, co + 11 * ldc + L);
        } else {
            float[] t = tile;
            c0_0.intoArray(t, 0 * NR); c0_1.intoArray(t, 0 * NR + L);
            c1_0.intoArray(t, 1 * NR); c1_1.intoArray(t, 1 * NR + L);
            c2_0.intoArray(t, 2 * NR); c2_1.intoArray(t, 2 * NR + L);
            c3_0.intoArray(t, 3 * NR); c3_1.intoArray(t, 3 * NR + L);
            c4_0.intoArray(t, 4 * NR); c4_1.intoArray(t, 4 * NR + L);
            c5_0.intoArray(t, 5 * NR); c5_1.intoArray(t, 5 * NR + L);
            c6_0.intoArray(t, 6 * NR); c6_1.intoArray(t, 6 * NR + L);
            c7_0.intoArray(t, 7 * NR); c7_1.intoArray(t, 7 * NR + L);
            c8_0.intoArray(t, 8 * NR); c8_1.intoArray(t, 8 * NR + L);
            c9_0.intoArray(t, 9 * NR); c9_1.intoArray(t, 9 * NR + L);
            c10_0.intoArray(t, 10 * NR); c10_1.intoArray(t, 10 * NR + L);
            c11_0.intoArray(t, 11 * NR); c11_1.intoArray(t, 11 * NR + L);
            copyTile(t, c, co, ldc, rows, cols, add);
        }
    }

    /**
     * The tile for 16 vector registers (AVX2): 6 rows × 2 vectors, 12 accumulators.
     */
    static void tile6x2(int kc, float[] ap, int ao, float[] bp, int bo,
                               float[] c, int co, int ldc, int rows, int cols, boolean add, float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c0_0 = z, c0_1 = z;
        FloatVector c1_0 = z, c1_1 = z;
        FloatVector c2_0 = z, c2_1 = z;
        FloatVector c3_0 = z, c3_1 = z;
        FloatVector c4_0 = z, c4_1 = z;
        FloatVector c5_0 = z, c5_1 = z;
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
        if (rows == 6 && cols == NR) {
            if (add) {
                c0_0 = c0_0.add(FloatVector.fromArray(S, c, co + 0 * ldc));
                c0_1 = c0_1.add(FloatVector.fromArray(S, c, co + 0 * ldc + L));
                c1_0 = c1_0.add(FloatVector.fromArray(S, c, co + 1 * ldc));
                c1_1 = c1_1.add(FloatVector.fromArray(S, c, co + 1 * ldc + L));
                c2_0 = c2_0.add(FloatVector.fromArray(S, c, co + 2 * ldc));
                c2_1 = c2_1.add(FloatVector.fromArray(S, c, co + 2 * ldc + L));
                c3_0 = c3_0.add(FloatVector.fromArray(S, c, co + 3 * ldc));
                c3_1 = c3_1.add(FloatVector.fromArray(S, c, co + 3 * ldc + L));
                c4_0 = c4_0.add(FloatVector.fromArray(S, c, co + 4 * ldc));
                c4_1 = c4_1.add(FloatVector.fromArray(S, c, co + 4 * ldc + L));
                c5_0 = c5_0.add(FloatVector.fromArray(S, c, co + 5 * ldc));
                c5_1 = c5_1.add(FloatVector.fromArray(S, c, co + 5 * ldc + L));
            }
            c0_0.intoArray(c, co + 0 * ldc); c0_1.intoArray(c, co + 0 * ldc + L);
            c1_0.intoArray(c, co + 1 * ldc); c1_1.intoArray(c, co + 1 * ldc + L);
            c2_0.intoArray(c, co + 2 * ldc); c2_1.intoArray(c, co + 2 * ldc + L);
            c3_0.intoArray(c, co + 3 * ldc); c3_1.intoArray(c, co + 3 * ldc + L);
            c4_0.intoArray(c, co + 4 * ldc); c4_1.intoArray(c, co + 4 * ldc + L);
            c5_0.intoArray(c, co + 5 * ldc); c5_1.intoArray(c, co + 5 * ldc + L);
        } else {
            float[] t = tile;
            c0_0.intoArray(t, 0 * NR); c0_1.intoArray(t, 0 * NR + L);
            c1_0.intoArray(t, 1 * NR); c1_1.intoArray(t, 1 * NR + L);
            c2_0.intoArray(t, 2 * NR); c2_1.intoArray(t, 2 * NR + L);
            c3_0.intoArray(t, 3 * NR); c3_1.intoArray(t, 3 * NR + L);
            c4_0.intoArray(t, 4 * NR); c4_1.intoArray(t, 4 * NR + L);
            c5_0.intoArray(t, 5 * NR); c5_1.intoArray(t, 5 * NR + L);
            copyTile(t, c, co, ldc, rows, cols, add);
        }
    }

    // CPD-ON

    /**
     * The valid rows × cols of an edge tile (spilled to {@code t}) into C. Masked vector stores
     * would do, but they make C2 give up inlining the kernels' vector calls.
     */
    private static void copyTile(float[] t, float[] c, int co, int ldc, int rows, int cols, boolean add) {
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++) {
                int ci = co + r * ldc + j;
                c[ci] = add ? c[ci] + t[r * NR + j] : t[r * NR + j];
            }
    }

}
