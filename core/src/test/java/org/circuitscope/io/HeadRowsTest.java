package org.circuitscope.io;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.circuitscope.tensor.DType;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The layout permutations between Hugging Face's {@code [out, in]} rows and TransformerLens's
 * per-head tensors, done tile by tile: every element where the index formulas put it, at sizes
 * off the tile (and under it), in float32 and in 16 bits, and {@code putHeads} undoing {@code heads}.
 */
class HeadRowsTest {
    private static final int[][] SIZES = {{1, 1}, {3, 5}, {31, 33}, {32, 32}, {33, 70}, {64, 97}, {130, 7}};

    @Test
    void transposeMovesEveryElementToItsMirroredPlace() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int[] sz : SIZES) {
            int r = sz[0], c = sz[1];
            float[] a = new float[r * c];
            for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextDouble();
            Tensor t = HeadRows.transpose(Tensor.of(a, r, c));
            assertArrayEquals(new int[] {c, r}, t.shape());
            short[] bits = new short[r * c];
            for (int i = 0; i < bits.length; i++) bits[i] = (short) rnd.nextInt();
            Tensor tb = HeadRows.transpose(Tensor.ofBits(bits, DType.BF16, r, c));
            assertEquals(DType.BF16, tb.dtype(), "16 bits stay 16 bits");
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < c; j++) {
                    assertEquals(a[i * c + j], t.data()[j * r + i], r + "×" + c + " at " + i + "," + j);
                    assertEquals(bits[i * c + j], tb.bits()[j * r + i], r + "×" + c + " 16-bit at " + i + "," + j);
                }
            }
        }
    }

    @Test
    void headsTakeEachHeadsRowsTransposedAndPutHeadsWritesThemBack() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int[] sz : new int[][] {{3, 5, 7}, {2, 33, 40}, {4, 64, 31}}) {
            int n = sz[0], dh = sz[1], in = sz[2], rows = 3 * n * dh;
            float[] lin = new float[rows * in];
            for (int i = 0; i < lin.length; i++) lin[i] = (float) rnd.nextDouble();
            // GPT-NeoX's fused rows: head i's queries start at row (3i + 1)·dh.
            java.util.function.IntUnaryOperator first = i -> (3 * i + 1) * dh;
            Tensor h = HeadRows.heads(Tensor.of(lin, rows, in), n, dh, first);
            assertArrayEquals(new int[] {n, in, dh}, h.shape());
            short[] bits = new short[lin.length];
            for (int i = 0; i < bits.length; i++) bits[i] = (short) rnd.nextInt();
            Tensor hb = HeadRows.heads(Tensor.ofBits(bits, DType.F16, rows, in), n, dh, first);
            for (int i = 0; i < n; i++) {
                for (int m = 0; m < in; m++) {
                    for (int e = 0; e < dh; e++) {
                        int src = (first.applyAsInt(i) + e) * in + m, dst = (i * in + m) * dh + e;
                        assertEquals(lin[src], h.data()[dst], "head " + i + " [" + m + ", " + e + "]");
                        assertEquals(bits[src], hb.bits()[dst], "16-bit head " + i + " [" + m + ", " + e + "]");
                    }
                }
            }
            Tensor back = Tensor.zeros(rows, in);
            HeadRows.putHeads(h, back, first);
            for (int i = 0; i < n; i++) {
                for (int e = 0; e < dh; e++) {
                    int row = first.applyAsInt(i) + e;
                    for (int m = 0; m < in; m++) assertEquals(lin[row * in + m], back.data()[row * in + m], "row " + row + " col " + m);
                }
            }
        }
    }
}
