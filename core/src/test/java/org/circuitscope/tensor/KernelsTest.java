package org.circuitscope.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Both kernel implementations against naive float64 loops written here, on sizes that hit
 * every tail of the register tiles and packing blocks.
 */
class KernelsTest {

    /** Both implementations, and the default's switching wrapper before and after its switch. */
    static Stream<Kernels> kernels() {
        WarmingKernels switched = new WarmingKernels(new ScalarKernels(), new SimdKernels());
        switched.warmUp(0);
        return Stream.of(new ScalarKernels(), new SimdKernels(), new WarmingKernels(new ScalarKernels(), new SimdKernels()), switched);
    }

    /**
     * (m, n, k) triples: 1 to 4 rows (the unpacked path), neighbours of both tile sizes (6 or 12 rows, 16 or 32 columns), a
     * block-crossing depth (769 > 256·3), more rows than one packed A block (192), and more
     * columns than one task's B block (4096).
     */
    static final int[][] GEMM_SHAPES = {
            {1, 1, 1}, {1, 7, 1}, {7, 1, 15}, {1, 17, 769}, {7, 15, 16}, {15, 16, 17}, {16, 17, 63},
            {17, 63, 65}, {63, 65, 7}, {65, 7, 769}, {6, 32, 256}, {13, 33, 257}, {769, 17, 15},
            {12, 769, 5}, {65, 63, 7}, {200, 70, 300}, {1, 300, 40}, {300, 1, 40}, {5, 15, 1},
            {25, 97, 513}, {193, 31, 11}, {13, 4133, 20}, {2, 300, 70}, {3, 133, 9}, {4, 65, 300}};

    static Stream<Arguments> gemmCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Kernels kern : kernels().toList())
            for (int[] s : GEMM_SHAPES)
                for (int trans = 0; trans < 4; trans++)
                    cases.add(Arguments.of(kern, s[0], s[1], s[2], (trans & 1) != 0, (trans & 2) != 0));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} m={1} n={2} k={3} transA={4} transB={5}")
    @MethodSource("gemmCases")
    void gemmMatchesNaiveProductForEveryShapeAndTransposition(Kernels kern, int m, int n, int k,
                                                              boolean transA, boolean transB) {
        SplittableRandom rnd = new SplittableRandom(31L * m + 7L * n + k + (transA ? 1 : 0) + (transB ? 2 : 0));
        // Leading dimensions wider than the rows and nonzero offsets: views into bigger arrays.
        int lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 5, ldc = n + 2;
        int aOff = 11, bOff = 4, cOff = 9;
        float[] a = random(rnd, aOff + (transA ? k : m) * lda, 1f);
        float[] b = random(rnd, bOff + (transB ? n : k) * ldb, 1f);
        for (boolean accumulate : new boolean[] {false, true}) {
            float[] c = random(rnd, cOff + m * ldc, 1f);
            float[] before = c.clone();
            if (!accumulate)  // garbage that must be overwritten, not added to
                for (int i = 0; i < c.length; i++) c[i] = before[i] = (i % 3 == 0) ? Float.NaN : 1e30f;
            kern.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            double tol = 1e-5 * Math.sqrt(k) * 1 * 1 + 1e-6;
            checkProduct(c, before, a, aOff, lda, transA, b, bOff, ldb, transB, m, n, k, cOff, ldc,
                    accumulate, tol, kern.name() + " accumulate=" + accumulate);
        }
    }

    @Test
    void vectorBitsPropertyPicksTheKernelsAndTheirWidth() {
        String asked = System.getProperty(VectorWidth.PROPERTY);
        int preferred = jdk.incubator.vector.VectorShape.preferredShape().vectorBitSize();
        if ("0".equals(asked)) {
            assertTrue(Kernels.get() instanceof ScalarKernels, "vectorBits=0 must give the scalar kernels, got " + Kernels.get().name());
        } else {
            int want = asked == null ? preferred : Math.min(Integer.parseInt(asked), preferred);
            assertEquals(want, VectorWidth.SPECIES.vectorBitSize(), "species width for vectorBits=" + asked);
            assertTrue(new SimdKernels().name().contains(want + " bit"), new SimdKernels().name());
            assertTrue(Kernels.get().name().contains(want + " bit"), Kernels.get().name());
        }
    }

    @Test
    void vectorBitsRejectsWidthsThatAreNotSpecies() {
        assertEquals(0, VectorWidth.parse("0"));
        assertEquals(256, VectorWidth.parse(" 256 "));
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> VectorWidth.parse("384"));
        assertTrue(e.getMessage().contains("circuitscope.vectorBits=384") && e.getMessage().contains("0 (scalar kernels)"), e.getMessage());
    }

    @Test
    void gemmWithZeroDepthZeroesOrKeepsC() {
        for (Kernels kern : kernels().toList()) {
            float[] c = {5f, 6f};
            kern.gemm(false, false, 1, 2, 0, new float[0], 0, 0, new float[0], 0, 2, c, 0, 2, false);
            assertEquals(0f, c[0], kern.name() + ": k=0 without accumulate gives zeros");
            c = new float[] {5f, 6f};
            kern.gemm(false, false, 1, 2, 0, new float[0], 0, 0, new float[0], 0, 2, c, 0, 2, true);
            assertEquals(6f, c[1], kern.name() + ": k=0 with accumulate leaves C");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void gemmBatchedComputesEveryProductAtItsStride(Kernels kern) {
        int[][] shapes = {{3, 17, 7, 65}, {6, 70, 64, 40}, {5, 1, 33, 9}, {2, 65, 63, 300}};
        for (int[] s : shapes) {
            int batch = s[0], m = s[1], n = s[2], k = s[3];
            for (int trans = 0; trans < 4; trans++) {
                boolean transA = (trans & 1) != 0, transB = (trans & 2) != 0;
                SplittableRandom rnd = new SplittableRandom(batch * 1000L + trans);
                int lda = (transA ? m : k) + 1, ldb = (transB ? k : n) + 2, ldc = n + 3;
                int aStride = (transA ? k : m) * lda + 5, bStride = (transB ? n : k) * ldb + 3, cStride = m * ldc + 7;
                int aOff = 2, bOff = 3, cOff = 1;
                float[] a = random(rnd, aOff + batch * aStride, 1f);
                float[] b = random(rnd, bOff + batch * bStride, 1f);
                float[] c = random(rnd, cOff + batch * cStride, 1f);
                float[] before = c.clone();
                boolean accumulate = trans % 2 == 0;
                kern.gemmBatched(batch, transA, transB, m, n, k, a, aOff, lda, aStride, b, bOff, ldb, bStride,
                        c, cOff, ldc, cStride, accumulate);
                for (int t = 0; t < batch; t++)
                    checkProduct(c, before, a, aOff + t * aStride, lda, transA, b, bOff + t * bStride, ldb, transB,
                            m, n, k, cOff + t * cStride, ldc, accumulate, 1e-5 * Math.sqrt(k) + 1e-6,
                            kern.name() + " batched " + batch + "x(" + m + "," + n + "," + k + ") product " + t);
                // The gaps between products belong to someone else and must not be written.
                for (int t = 0; t < batch; t++)
                    for (int g = cOff + t * cStride + m * ldc; g < cOff + (t + 1) * cStride && g < c.length; g++)
                        assertEquals(before[g], c[g], kern.name() + ": gap element " + g + " after product " + t + " was written");
            }
        }
    }

    @Test
    void simdGemmHandlesLargeUnevenProductAcrossBlocks() {
        // Bigger than one row block, one column block and one depth slice, with tails on each.
        int m = 259, n = 301, k = 300;
        SplittableRandom rnd = new SplittableRandom(3);
        float[] a = random(rnd, m * k, 2f), b = random(rnd, k * n, 0.5f), c = new float[m * n];
        new SimdKernels().gemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
        checkProduct(c, c.clone(), a, 0, k, false, b, 0, n, false, m, n, k, 0, n, false,
                1e-5 * Math.sqrt(k) * 2 * 0.5, "simd large");
    }

    private static void checkProduct(float[] c, float[] before, float[] a, int aOff, int lda, boolean transA,
                                     float[] b, int bOff, int ldb, boolean transB, int m, int n, int k,
                                     int cOff, int ldc, boolean accumulate, double tol, String what) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = accumulate ? before[cOff + i * ldc + j] : 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += av * bv;
                }
                float got = c[cOff + i * ldc + j];
                if (!(Math.abs(got - s) <= tol))
                    fail(what + ": C[" + i + "," + j + "] = " + got + ", expected " + s + " (tol " + tol + ")");
            }
            // Padding between rows (ldc > n) is untouched.
            for (int j = n; j < ldc && cOff + i * ldc + j < c.length; j++)
                assertEquals(before[cOff + i * ldc + j], c[cOff + i * ldc + j], what + ": padding C[" + i + "," + j + "] was written");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void dotAndAxpyMatchDoubleLoops(Kernels kern) {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int n : new int[] {0, 1, 7, 15, 16, 17, 63, 65, 769, 5000}) {
            float[] x = random(rnd, n + 3, 1f), y = random(rnd, n + 5, 1f);
            double want = 0, mag = 0;
            for (int i = 0; i < n; i++) {
                want += (double) x[3 + i] * y[5 + i];
                mag += Math.abs((double) x[3 + i] * y[5 + i]);
            }
            assertEquals(want, kern.dot(x, 3, y, 5, n), 1e-6 * mag + 1e-7, kern.name() + " dot n=" + n);
            float[] yBefore = y.clone();
            kern.axpy(-0.75f, x, 3, y, 5, n);
            for (int i = 0; i < y.length; i++) {
                double expect = (i >= 5 && i < 5 + n) ? yBefore[i] - 0.75 * x[i - 2] : yBefore[i];
                assertEquals(expect, y[i], 1e-6 * (1 + Math.abs(expect)), kern.name() + " axpy n=" + n + " at " + i);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void segmentDotsMatchDoubleLoopsForEveryRowAndSegment(Kernels kern) {
        SplittableRandom rnd = new SplittableRandom(9);
        // {rows, segs, seg, extra row padding}: heads of d_head 64 and 8, odd sizes, one long segment (d_model).
        int[][] cases = {{1, 1, 1, 0}, {7, 12, 64, 0}, {5, 3, 17, 4}, {33, 2, 15, 1}, {3, 1, 769, 2}, {0, 4, 8, 0}};
        for (int[] c : cases) {
            int rows = c[0], segs = c[1], seg = c[2], lda = segs * seg + c[3];
            float[] a = random(rnd, 2 + Math.max(1, rows) * lda, 1f), x = random(rnd, 3 + segs * seg, 1f);
            int ldo = rows + 2; // a gap after each segment's results
            float[] out = new float[1 + segs * ldo];
            java.util.Arrays.fill(out, 42f);
            kern.segmentDots(a, 2, lda, rows, x, 3, segs, seg, out, 1, ldo);
            assertEquals(42f, out[0], "nothing written before outOff");
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < segs; j++) {
                    double want = 0, mag = 0;
                    for (int e = 0; e < seg; e++) {
                        double p = (double) a[2 + r * lda + j * seg + e] * x[3 + j * seg + e];
                        want += p;
                        mag += Math.abs(p);
                    }
                    assertEquals(want, out[1 + j * ldo + r], 1e-6 * mag + 1e-7, kern.name() + " " + java.util.Arrays.toString(c) + " row " + r + " seg " + j);
                }
            }
            for (int j = 0; j < segs; j++) assertEquals(42f, out[1 + j * ldo + rows], "nothing written in the gap after segment " + j);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void softmaxMatchesDoubleFormulaWithMaskedAndHugeEntries(Kernels kern) {
        SplittableRandom rnd = new SplittableRandom(9);
        for (int n : new int[] {1, 7, 15, 16, 17, 63, 65, 769}) {
            float[] x = random(rnd, n + 4, 8f);
            int off = 2;
            // Causal-mask style −inf entries and values large enough that exp overflows unshifted.
            for (int i = 1; i < n; i += 3) x[off + i] = Float.NEGATIVE_INFINITY;
            if (n > 2) x[off + n - 1] = 3e4f;
            if (n > 5) x[off + 4] = 2.9999e4f;
            float[] orig = x.clone();
            kern.softmax(x, off, n);
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) max = Math.max(max, orig[off + i]);
            double sum = 0;
            for (int i = 0; i < n; i++) sum += Math.exp(orig[off + i] - max);
            double total = 0;
            for (int i = 0; i < n; i++) {
                double want = Math.exp(orig[off + i] - max) / sum;
                assertEquals(want, x[off + i], 2e-6 * want + 1e-9, kern.name() + " softmax n=" + n + " at " + i);
                if (orig[off + i] == Float.NEGATIVE_INFINITY)
                    assertEquals(0f, x[off + i], kern.name() + ": masked entry " + i + " must be exactly 0");
                total += x[off + i];
            }
            assertEquals(1.0, total, 1e-5, kern.name() + " softmax n=" + n + " sums to 1");
            assertEquals(orig[0], x[0], kern.name() + ": element before the row changed");
            assertEquals(orig[off + n], x[off + n], kern.name() + ": element after the row changed");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void logSumExpMatchesFloat64AndCountAboveMatchesALoop(Kernels kern) {
        SplittableRandom rnd = new SplittableRandom(21);
        for (int n : new int[] {1, 7, 15, 16, 17, 63, 65, 769, 50257}) {
            float[] x = random(rnd, n + 5, 12f);
            int off = 3;
            for (int i = 2; i < n; i += 7) x[off + i] = Float.NEGATIVE_INFINITY;
            if (n > 9) x[off + 9] = 8e3f; // exp overflows unless the max is taken off first
            // Ties: a few entries copied, so counting equal ones before a token matters.
            for (int i = 5; i < n; i += 11) x[off + i] = x[off + i / 2];
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
            double sum = 0;
            for (int i = 0; i < n; i++) sum += Math.exp(x[off + i] - max);
            double want = max + Math.log(sum);
            assertEquals(want, kern.logSumExp(x, off, n), 1e-12 * Math.max(1, Math.abs(want)), kern.name() + " logSumExp n=" + n);
            // Bit for bit as the scalar kernels: a corpus scan's scores must not depend on which kernels ran.
            assertEquals(new ScalarKernels().logSumExp(x, off, n), kern.logSumExp(x, off, n), 0.0, kern.name() + " logSumExp n=" + n + " as scalar");
            for (int probe = 0; probe < 5; probe++) {
                float t = x[off + rnd.nextInt(n)];
                for (boolean orEqual : new boolean[] {false, true}) {
                    int count = 0;
                    for (int i = 0; i < n; i++) if (orEqual ? x[off + i] >= t : x[off + i] > t) count++;
                    assertEquals(count, kern.countAbove(x, off, n, t, orEqual), kern.name() + " countAbove n=" + n + " t=" + t + " orEqual=" + orEqual);
                }
            }
        }
        float[] masked = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        assertTrue(Double.isNaN(kern.logSumExp(masked, 0, 3)), kern.name() + ": an all −inf row has no distribution");
        float[] withNaN = new float[40];
        withNaN[33] = Float.NaN;
        assertTrue(Double.isNaN(kern.logSumExp(withNaN, 0, 40)), kern.name() + ": a NaN logit makes the row NaN");
        assertEquals(0, kern.countAbove(withNaN, 0, 40, Float.NaN, true), kern.name() + ": nothing is above NaN");
        assertEquals(39, kern.countAbove(withNaN, 0, 40, -1f, false), kern.name() + ": NaN is not above anything");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void softmaxOfFullyMaskedRowIsNaNAsInPyTorch(Kernels kern) {
        for (int n : new int[] {3, 16, 37}) {
            float[] x = new float[n];
            java.util.Arrays.fill(x, Float.NEGATIVE_INFINITY);
            kern.softmax(x, 0, n);
            for (int i = 0; i < n; i++) assertTrue(Float.isNaN(x[i]), kern.name() + ": all −inf row n=" + n + " gave " + x[i] + " at " + i);
        }
    }

    @Test
    void simdGemmCalledFromPoolTasksRunsInlineAndStaysCorrect() {
        // Analyses may run per-head work on the pool and call gemm inside it: that must not
        // deadlock or mix up the per-thread packing buffers.
        Kernels kern = new SimdKernels();
        int m = 70, n = 64, k = 200, tasks = 8;
        SplittableRandom rnd = new SplittableRandom(21);
        float[][] as = new float[tasks][], bs = new float[tasks][], cs = new float[tasks][];
        for (int t = 0; t < tasks; t++) {
            as[t] = random(rnd, m * k, 1f);
            bs[t] = random(rnd, k * n, 1f);
            cs[t] = new float[m * n];
        }
        WorkerPool.parallelFor(tasks, t -> kern.gemm(false, false, m, n, k, as[t], 0, k, bs[t], 0, n, cs[t], 0, n, false));
        for (int t = 0; t < tasks; t++)
            checkProduct(cs[t], cs[t].clone(), as[t], 0, k, false, bs[t], 0, n, false, m, n, k, 0, n, false,
                    1e-5 * Math.sqrt(k) + 1e-6, "nested task " + t);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void softmaxExpIsAccurateOverTheWholeRange(Kernels kern) {
        // Two-entry rows [0, t]: the result for t is e^t / (1 + e^t), which exercises exp at t.
        for (double t = -100; t <= 0; t += 0.37) {
            float[] x = new float[17];
            x[16] = (float) t;          // lands in the vector body of a 17-wide row (with a scalar tail)
            for (int i = 0; i < 16; i++) x[i] = -1e4f;
            x[0] = 0f;
            kern.softmax(x, 0, 17);
            double e = Math.exp((float) t);
            double want = e / (1 + e);
            assertEquals(want, x[16], 3e-6 * want + 1e-37, kern.name() + " softmax exp at " + t);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void layerNormMatchesDoubleFormulaAndReturnsScale(Kernels kern) {
        SplittableRandom rnd = new SplittableRandom(13);
        for (int n : new int[] {1, 7, 16, 17, 65, 768, 769}) {
            for (boolean affine : new boolean[] {false, true}) {
                float[] x = random(rnd, n + 3, 3f);
                // A large common offset, as in the residual stream: a one-pass variance would lose it.
                for (int i = 0; i < x.length; i++) x[i] += 1000f;
                float[] w = affine ? random(rnd, n, 1f) : null, b = affine ? random(rnd, n, 1f) : null;
                float[] out = new float[n + 6];
                float eps = 1e-5f;
                float scale = kern.layerNorm(x, 3, out, 6, n, eps, w, b);
                double mean = 0;
                for (int i = 0; i < n; i++) mean += x[3 + i];
                mean /= n;
                double var = 0;
                for (int i = 0; i < n; i++) var += (x[3 + i] - mean) * (x[3 + i] - mean);
                double wantScale = Math.sqrt(var / n + eps);
                assertEquals(wantScale, scale, 1e-5 * wantScale, kern.name() + " layerNorm scale n=" + n);
                for (int i = 0; i < n; i++) {
                    double v = (x[3 + i] - mean) / wantScale;
                    if (affine) v = v * w[i] + b[i];
                    // float rounding of x near 1000 is 6e-5 absolute; relative to the spread that is 2e-5.
                    assertEquals(v, out[6 + i], 1e-4 * (1 + Math.abs(v)),
                            kern.name() + " layerNorm n=" + n + " affine=" + affine + " at " + i);
                }
                for (int i = 0; i < 6; i++) assertEquals(0f, out[i], kern.name() + ": wrote before outOff");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void activationsMatchDoubleFormulasIncludingLargeMagnitudes(Kernels kern) {
        int n = 4001;
        float[] xs = new float[n];
        for (int i = 0; i < n; i++) xs[i] = (float) (-20 + 40.0 * i / (n - 1));
        float[] extremes = {-1e30f, -1e4f, -88f, -30f, 30f, 88f, 1e4f, 1e30f, -0f, 0f, 1e-30f, -1e-30f};
        float[] all = new float[n + extremes.length];
        System.arraycopy(xs, 0, all, 0, n);
        System.arraycopy(extremes, 0, all, n, extremes.length);

        float[] g = all.clone(), gn = all.clone(), r = all.clone();
        kern.gelu(g, 0, g.length);
        kern.geluNew(gn, 0, gn.length);
        kern.relu(r, 0, r.length);
        double c = Math.sqrt(2 / Math.PI);
        for (int i = 0; i < all.length; i++) {
            double v = all[i];
            double wantGelu = 0.5 * v * erfcComplement(v);
            double wantNew = 0.5 * v * (1 + Math.tanh(c * (v + 0.044715 * v * v * v)));
            double tol = 1e-6 + 2e-6 * Math.abs(v > 0 ? v : 0) + 1e-6 * Math.min(Math.abs(v), 1);
            assertEquals(wantGelu, g[i], tol, kern.name() + " gelu(" + v + ")");
            assertEquals(wantNew, gn[i], tol, kern.name() + " geluNew(" + v + ")");
            assertEquals(Math.max(v, 0), r[i], 0, kern.name() + " relu(" + v + ")");
        }
    }

    /**
     * SiLU x/(1 + e^−x) against the double formula: to a few ulp relative wherever e^−x is a
     * normal float, to the other activations' absolute tolerance beyond (where SIMD's exp
     * saturates); ±0 keep their sign, NaN stays NaN as in every activation, and only the given
     * range is touched.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void siluMatchesTheDoubleFormulaIncludingLargeMagnitudesZerosAndNaN(Kernels kern) {
        int n = 4001;
        float[] extremes = {Float.NaN, -1e30f, -1e4f, -100f, -88f, -30f, 30f, 88f, 100f, 1e4f, 1e30f, 1e-30f, -1e-30f, -0f, 0f, Float.NaN};
        float[] all = new float[3 + n + extremes.length];
        for (int i = 0; i < n; i++) all[3 + i] = (float) (-20 + 40.0 * i / (n - 1));
        System.arraycopy(extremes, 0, all, 3 + n, extremes.length);
        all[0] = all[1] = all[2] = 7f;
        // Two lengths, so that different values fall in the SIMD kernel's scalar tail.
        for (int len : new int[] {all.length - 3, all.length - 8}) {
            float[] s = all.clone();
            kern.silu(s, 3, len);
            for (int i = 0; i < 3; i++) assertEquals(7f, s[i], 0, kern.name() + ": wrote before the offset");
            for (int i = 3 + len; i < all.length; i++) assertEquals(Float.floatToRawIntBits(all[i]), Float.floatToRawIntBits(s[i]), kern.name() + ": wrote past the range");
            for (int i = 3; i < 3 + len; i++) {
                double v = all[i];
                String what = kern.name() + " silu(" + v + "), length " + len;
                if (Double.isNaN(v)) {
                    assertTrue(Float.isNaN(s[i]), what + " gave " + s[i]);
                    continue;
                }
                double want = v / (1 + Math.exp(-v));
                if (v == 0) assertEquals(Float.floatToRawIntBits(all[i]), Float.floatToRawIntBits(s[i]), what + " keeps the zero's sign");
                double tol = 1e-6 + 2e-6 * Math.abs(v > 0 ? v : 0) + 1e-6 * Math.min(Math.abs(v), 1);
                assertEquals(want, s[i], tol, what);
                if (Math.abs(v) <= 80) assertEquals(want, s[i], 4e-7 * Math.abs(want) + Float.MIN_NORMAL, what + " relative");
            }
        }
        // 37 NaNs: vector lanes and the scalar tail.
        float[] nan = new float[37];
        java.util.Arrays.fill(nan, Float.NaN);
        float[][] others = {nan.clone(), nan.clone(), nan.clone()};
        kern.gelu(others[0], 0, nan.length);
        kern.geluNew(others[1], 0, nan.length);
        kern.relu(others[2], 0, nan.length);
        for (float[] o : others) for (float x : o) assertTrue(Float.isNaN(x), kern.name() + ": the other activations keep NaN too");
    }

    /** 1 + erf(x/√2) in double via a series/continued fraction independent of {@link Erf}. */
    private static double erfcComplement(double x) {
        double z = x / Math.sqrt(2);
        if (Math.abs(z) < 3) {
            // Maclaurin series of erf, converges fast for |z| < 3 in double.
            double term = z, sum = z;
            for (int n = 1; n < 200; n++) {
                term *= -z * z / n;
                sum += term / (2 * n + 1);
            }
            return 1 + 2 / Math.sqrt(Math.PI) * sum;
        }
        // erfc(|z|) by its continued fraction (Lentz), accurate for |z| ≥ 3.
        double az = Math.abs(z);
        double f = az, cc = az, d = 0;
        for (int n = 1; n < 300; n++) {
            double an = n / 2.0;
            d = az + an * d;
            d = 1 / d;
            cc = az + an / cc;
            f *= cc * d;
        }
        double erfc = Math.exp(-az * az) / Math.sqrt(Math.PI) / f;
        return z > 0 ? 2 - erfc : erfc;
    }

    @Test
    void simdNameSaysVectorWidthAndHolderHonoursProperty() {
        assertTrue(new SimdKernels().name().startsWith("simd (FloatVector "), new SimdKernels().name());
        assertEquals("scalar", new ScalarKernels().name());
    }

    private static float[] random(SplittableRandom rnd, int size, float scale) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        return x;
    }
}
