package org.circuitscope.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 16-bit weights: the conversions against a decoding of sign, exponent and mantissa written
 * here, and {@link WeightGemm} on both kernel implementations against a float64 product of the
 * decoded weights (float32 weights too: the streamed rows of an edit at the end), at shapes that take each path (streamed rows,
 * the packed product that converts while packing, batched per-head products, more columns than one task).
 */
class WeightGemmTest {

    /** The value of a 16-bit pattern from its fields: (−1)^s · 2^(e − bias) · (1 + m/2^mbits), subnormals and specials. */
    static double decode(int bits, int expBits, int mantBits) {
        bits &= 0xFFFF;
        int bias = (1 << (expBits - 1)) - 1, maxExp = (1 << expBits) - 1;
        int s = bits >>> 15, e = (bits >>> mantBits) & maxExp, m = bits & ((1 << mantBits) - 1);
        double sign = s == 1 ? -1 : 1;
        if (e == maxExp) return m == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
        if (e == 0) return sign * Math.scalb((double) m / (1 << mantBits), 1 - bias);
        return sign * Math.scalb(1 + (double) m / (1 << mantBits), e - bias);
    }

    static double decode(DType t, short bits) { return t == DType.BF16 ? decode(bits, 8, 7) : decode(bits, 5, 10); }

    @Test
    void everyBf16AndF16PatternConvertsToItsExactValue() {
        short[] all = new short[1 << 16];
        for (int i = 0; i < all.length; i++) all[i] = (short) i;
        for (DType t : List.of(DType.BF16, DType.F16)) {
            float[] out = new float[all.length + 3];
            t.toFloat(all, 0, out, 3, all.length);
            for (int i = 0; i < all.length; i++) {
                double want = decode(t, all[i]);
                float one = t.toFloat(all[i]);
                if (Double.isNaN(want)) {
                    assertTrue(Float.isNaN(out[3 + i]) && Float.isNaN(one), t + " pattern " + Integer.toHexString(i) + " should be NaN");
                } else {
                    assertEquals(want, out[3 + i], 0.0, t + " pattern " + Integer.toHexString(i));
                    assertEquals(want, one, 0.0, t + " pattern " + Integer.toHexString(i));
                }
                assertEquals(Double.isFinite(want), t.isFinite(all[i]), t + " finiteness of " + Integer.toHexString(i));
            }
        }
    }

    @Test
    void vectorBf16ConversionAndAxpyMatchTheDecodedValuesAtEveryOffsetAndTail() {
        SplittableRandom rnd = new SplittableRandom(5);
        short[] all = new short[1 << 16];
        for (int i = 0; i < all.length; i++) all[i] = (short) i;
        float[] out = new float[all.length + 40];
        Bf16Vectors.toFloat(all, 0, out, 1, all.length);
        for (int i = 0; i < all.length; i++) {
            double want = decode(DType.BF16, all[i]);
            if (Double.isNaN(want)) assertTrue(Float.isNaN(out[1 + i]), Integer.toHexString(i));
            else assertEquals(want, out[1 + i], 0.0, Integer.toHexString(i));
        }
        for (int n = 0; n < 70; n++) {
            int srcOff = rnd.nextInt(5), dstOff = rnd.nextInt(5);
            short[] b = new short[srcOff + n];
            float[] c = new float[dstOff + n + 3], before;
            for (int i = 0; i < b.length; i++) b[i] = (short) (Float.floatToRawIntBits((float) rnd.nextDouble(-3, 3)) >>> 16);
            for (int i = 0; i < c.length; i++) c[i] = (float) rnd.nextDouble(-1, 1);
            before = c.clone();
            float alpha = (float) rnd.nextDouble(-2, 2);
            Bf16Vectors.axpy(alpha, b, srcOff, c, dstOff, n);
            for (int i = 0; i < c.length; i++) {
                boolean inside = i >= dstOff && i < dstOff + n;
                double want = inside ? before[i] + (double) alpha * decode(DType.BF16, b[srcOff + i - dstOff]) : before[i];
                assertEquals(want, c[i], inside ? 1e-6 * (1 + Math.abs(want)) : 0.0, "n=" + n + " element " + i);
            }
        }
    }

    @Test
    void aSixteenBitTensorReadsAsFloatWithoutSharingItsCopies() {
        short[] bits = {(short) 0x3F80, (short) 0xC000, 0, (short) 0x4040, (short) 0x7F80, (short) 0x3E80};
        Tensor t = Tensor.ofBits(bits, DType.BF16, 2, 3);
        assertEquals(DType.BF16, t.dtype());
        float[] d = t.data();
        assertEquals(List.of(1f, -2f, 0f, 3f, Float.POSITIVE_INFINITY, 0.25f), List.of(d[0], d[1], d[2], d[3], d[4], d[5]));
        d[0] = 99f;
        assertEquals(1f, t.data()[0], "data() of a 16-bit tensor is a fresh copy");
        assertEquals(3f, t.get(1, 0));
        assertEquals(4, t.firstNonFinite());
        assertEquals(List.of(3f, Float.POSITIVE_INFINITY, 0.25f), List.of(t.slice(1).data()[0], t.slice(1).data()[1], t.slice(1).data()[2]));
        assertEquals(DType.BF16, t.reshape(3, 2).dtype());
        assertEquals(DType.F32, t.copy().dtype());
        assertEquals(DType.F32, t.toFloat32().dtype());
        float[] row = new float[4];
        t.copyTo(3, row, 1, 3);
        assertEquals(List.of(0f, 3f, Float.POSITIVE_INFINITY, 0.25f), List.of(row[0], row[1], row[2], row[3]));
        assertThrows(IllegalArgumentException.class, () -> Tensor.ofBits(new short[5], DType.F16, 2, 3));
        assertThrows(IllegalStateException.class, () -> Tensor.zeros(2).bits());
    }

    static Stream<Kernels> kernels() { return Stream.of(new ScalarKernels(), new SimdKernels()); }

    /**
     * (batch, n, m, k): n ≤ 8 streams, n &gt; 8 takes the packed product ({@link Kernels#gemmBatched16}
     * for 16-bit weights); (3, 9, 1000, 600) and (2, 9, 1000, 1100) cross KC slices of B,
     * (5, 11, 16, 33) is a batch of narrow per-head products.
     */
    static final int[][] SHAPES = {
            {1, 1, 1, 1}, {1, 1, 67, 33}, {3, 2, 5, 7}, {1, 8, 2049, 3}, {1, 9, 17, 7}, {5, 11, 16, 33}, {1, 37, 67, 65},
            {4, 20, 9, 130}, {3, 9, 1000, 600}, {2, 9, 1000, 1100}, {2, 3, 4100, 5}};

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Kernels k : kernels().toList())
            for (DType t : List.of(DType.BF16, DType.F16, DType.F32))
                for (int[] s : SHAPES) out.add(Arguments.of(k, t, s[0], s[1], s[2], s[3]));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} batch={2} n={3} m={4} k={5}")
    @MethodSource("cases")
    void productEqualsFloat64ProductOfTheConvertedWeights(Kernels kern, DType t, int batch, int n, int m, int kk) {
        SplittableRandom rnd = new SplittableRandom(1009L * n + 31L * m + kk + batch + t.ordinal());
        // Views into bigger arrays: offsets, leading dimensions past the row, batch strides past the block.
        int lda = kk + 3, ldb = m + 5, ldc = m + 2;
        int aOff = 7, bOff = 3, cOff = 5;
        int aStride = n * lda + 2, bStride = kk * ldb + 4, cStride = n * ldc + 1;
        float[] a = new float[aOff + batch * aStride];
        for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextDouble(-1, 1);
        // A float32 weight holds BF16 values here, so one decoding serves as the reference for all three.
        DType values = t == DType.F32 ? DType.BF16 : t;
        short[] bits = new short[bOff + batch * bStride];
        for (int i = 0; i < bits.length; i++) {
            float v = (float) rnd.nextDouble(-2, 2);
            bits[i] = values == DType.BF16 ? (short) (Float.floatToRawIntBits(v) >>> 16) : Float.floatToFloat16(v);
        }
        Tensor b = t == DType.F32 ? Tensor.of(Tensor.ofBits(bits, values, bits.length).data(), bits.length) : Tensor.ofBits(bits, t, bits.length);
        float[] c = new float[cOff + batch * cStride + 3];
        java.util.Arrays.fill(c, Float.NaN); // garbage the product must overwrite; the gaps must keep it
        new WeightGemm(kern).gemmBatched(batch, n, m, kk, a, aOff, lda, aStride, b, bOff, ldb, bStride, c, cOff, ldc, cStride);

        boolean[] written = new boolean[c.length];
        for (int bt = 0; bt < batch; bt++)
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++) {
                    double sum = 0, abs = 0;
                    for (int p = 0; p < kk; p++) {
                        double x = a[aOff + bt * aStride + i * lda + p], w = decode(values, bits[bOff + bt * bStride + p * ldb + j]);
                        sum += x * w;
                        abs += Math.abs(x * w);
                    }
                    int at = cOff + bt * cStride + i * ldc + j;
                    written[at] = true;
                    // float32 sums of kk terms: relative to Σ|x·w|, within a few ulps per term.
                    double tol = 4e-7 * kk * abs + 1e-30;
                    if (!(Math.abs(c[at] - sum) <= tol)) {
                        fail("batch " + bt + " C[" + i + "," + j + "] = " + c[at] + ", float64 reference " + sum + " (tolerance " + tol + ")");
                    }
                }
        for (int i = 0; i < c.length; i++) if (!written[i]) assertTrue(Float.isNaN(c[i]), "C[" + i + "] outside the product was written");
    }
}
