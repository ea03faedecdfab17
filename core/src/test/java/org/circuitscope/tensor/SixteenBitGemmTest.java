package org.circuitscope.tensor;

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
 * {@link Kernels#gemmBatched16}, B converted while it is read (packed, on the SIMD kernels): on
 * every implementation, equal bit for bit to {@link Kernels#gemmBatched} on B decoded to float
 * here ({@link WeightGemmTest#decode}, sign, exponent and mantissa), and within float tolerance
 * of a float64 product. Runs at every width the build tests (default, 256 bit, scalar).
 */
class SixteenBitGemmTest {

    /**
     * (batch, m, n, k): few rows (whose float path is unpacked: the packed 16-bit one must agree),
     * n short of and past a panel (16 or 32 columns at 256 or 512 bit), k past one and several
     * KC = 256 slices, more rows than a packed A block (192), more columns than one task (4096),
     * and batches of per-head-sized products.
     */
    static final int[][] SHAPES = {
            {1, 1, 1, 1}, {1, 3, 47, 300}, {1, 4, 33, 257}, {1, 9, 17, 7}, {1, 13, 31, 513}, {1, 25, 97, 769},
            {1, 200, 70, 300}, {1, 13, 4133, 20}, {3, 17, 64, 65}, {5, 12, 33, 40}, {2, 65, 63, 300}};

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Kernels k : KernelsTest.kernels().toList())
            for (DType t : List.of(DType.BF16, DType.F16))
                for (int[] s : SHAPES) out.add(Arguments.of(k, t, s[0], s[1], s[2], s[3]));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} batch={2} m={3} n={4} k={5}")
    @MethodSource("cases")
    void sixteenBitProductEqualsTheFloatProductOfTheDecodedWeightsExactly(Kernels kern, DType t, int batch, int m, int n, int k) {
        SplittableRandom rnd = new SplittableRandom(977L * m + 31L * n + k + batch + 7L * t.ordinal());
        // Views into bigger arrays: offsets, ldb past the row, batch strides past each product.
        int lda = k + 3, ldb = n + 5, ldc = n + 2;
        int aOff = 7, bOff = 3, cOff = 5;
        int aStride = m * lda + 2, bStride = k * ldb + 4, cStride = m * ldc + 1;
        float[] a = new float[aOff + batch * aStride];
        for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextDouble(-1, 1);
        short[] bits = new short[bOff + batch * bStride];
        for (int i = 0; i < bits.length; i++) bits[i] = randomBits(rnd, t);
        float[] decoded = new float[bits.length];
        for (int i = 0; i < bits.length; i++) decoded[i] = (float) WeightGemmTest.decode(t, bits[i]);

        for (boolean accumulate : new boolean[] {false, true}) {
            float[] c = new float[cOff + batch * cStride + 3];
            for (int i = 0; i < c.length; i++) c[i] = accumulate ? (float) rnd.nextDouble(-1, 1) : Float.NaN;
            float[] before = c.clone(), want = c.clone();
            kern.gemmBatched16(batch, m, n, k, a, aOff, lda, aStride, bits, t, bOff, ldb, bStride, c, cOff, ldc, cStride, accumulate);
            kern.gemmBatched(batch, false, false, m, n, k, a, aOff, lda, aStride, decoded, bOff, ldb, bStride, want, cOff, ldc, cStride, accumulate);
            String what = kern.name() + " " + t + " accumulate=" + accumulate;
            for (int i = 0; i < c.length; i++) {
                if (Float.floatToRawIntBits(c[i]) != Float.floatToRawIntBits(want[i]))
                    fail(what + ": C[" + i + "] = " + c[i] + " from 16-bit B, " + want[i] + " from the decoded float B");
            }
            boolean[] written = new boolean[c.length];
            for (int bt = 0; bt < batch; bt++)
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++) {
                        int at = cOff + bt * cStride + i * ldc + j;
                        double sum = accumulate ? before[at] : 0, abs = Math.abs(sum);
                        for (int p = 0; p < k; p++) {
                            double x = a[aOff + bt * aStride + i * lda + p] * WeightGemmTest.decode(t, bits[bOff + bt * bStride + p * ldb + j]);
                            sum += x;
                            abs += Math.abs(x);
                        }
                        written[at] = true;
                        double tol = 4e-7 * (k + 1) * abs + 1e-30;
                        if (!(Math.abs(c[at] - sum) <= tol))
                            fail(what + ": batch " + bt + " C[" + i + "," + j + "] = " + c[at] + ", float64 reference " + sum + " (tolerance " + tol + ")");
                    }
            for (int i = 0; i < c.length; i++)
                if (!written[i] && Float.floatToRawIntBits(c[i]) != Float.floatToRawIntBits(before[i]))
                    fail(what + ": C[" + i + "] outside the product was written");
        }
    }

    /** Mostly values in (−2, 2), one in 16 a subnormal pattern (exponent field 0), one in 64 zero. */
    private static short randomBits(SplittableRandom rnd, DType t) {
        int pick = rnd.nextInt(64);
        if (pick == 0) return (short) (rnd.nextBoolean() ? 0x8000 : 0);
        if (pick < 5) {
            int mantissa = t == DType.BF16 ? 1 + rnd.nextInt(0x7F) : 1 + rnd.nextInt(0x3FF);
            return (short) (rnd.nextBoolean() ? 0x8000 | mantissa : mantissa);
        }
        float v = (float) rnd.nextDouble(-2, 2);
        return t == DType.BF16 ? (short) (Float.floatToRawIntBits(v) >>> 16) : Float.floatToFloat16(v);
    }

    @Test
    void aFloat32TypeIsRejectedWithOneClearError() {
        for (Kernels kern : List.of(new ScalarKernels(), new SimdKernels())) {
            var e = assertThrows(IllegalArgumentException.class, () -> kern.gemmBatched16(1, 9, 2, 2,
                    new float[18], 0, 2, 0, new short[4], DType.F32, 0, 2, 0, new float[18], 0, 2, 0, false));
            assertTrue(e.getMessage().contains("BF16 or F16") && e.getMessage().contains("F32"), kern.name() + ": " + e.getMessage());
        }
    }
}
