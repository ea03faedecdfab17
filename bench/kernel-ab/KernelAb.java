package org.circuitscope.tensor;

import java.util.SplittableRandom;

/** Compiled beside each copy of the tensor package; {@link #time} returns ns per call of each case. */
public final class KernelAb {
    public static final String[] CASES = {"gemm 128x768x768", "gemm acc 128x768x768", "gemm 256x128x512", "gemm 100x300x45 (edges)",
            "gemm 1x768x3072 (few rows)", "gemm 64x64x150 transB (scores)", "segmentDots 256x12x64", "dot 768", "softmax 256", "layerNorm 768",
            "weight F32 128x768x3072", "weight BF16 128x768x3072", "weight BF16 128x3072x768"};
    private final SimdKernels k = new SimdKernels();
    private final float[] a, b, c, x, y, w, bias, out;
    /** B as a weight (WeightGemm, public in every revision): float32, and the same values in BF16. */
    private final Tensor wF32, wBf16, wBf16T;
    private final WeightGemm weights = new WeightGemm(k);

    public KernelAb() {
        SplittableRandom r = new SplittableRandom(1);
        a = fill(r, 768 * 768); b = fill(r, 768 * 3072); c = new float[768 * 3072];
        short[] bits = new short[768 * 3072];
        for (int i = 0; i < bits.length; i++) bits[i] = (short) (Float.floatToRawIntBits(b[i]) >>> 16);
        wBf16 = Tensor.ofBits(bits, DType.BF16, 768, 3072);
        wBf16T = Tensor.ofBits(bits, DType.BF16, 3072, 768);
        wF32 = Tensor.of(wBf16.data(), 768, 3072);
        x = fill(r, 4096); y = fill(r, 4096); w = fill(r, 4096); bias = fill(r, 4096); out = new float[4096];
    }

    static float[] fill(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() - 0.5);
        return v;
    }

    float sink;

    void call(int i) {
        switch (i) {
            case 0 -> k.gemm(false, false, 128, 768, 768, a, 0, 768, b, 0, 768, c, 0, 768, false);
            case 1 -> k.gemm(false, false, 128, 768, 768, a, 0, 768, b, 0, 768, c, 0, 768, true);
            case 2 -> k.gemm(false, false, 256, 512, 128, a, 0, 128, b, 0, 512, c, 0, 512, false);
            case 3 -> k.gemm(false, false, 100, 45, 300, a, 0, 300, b, 0, 45, c, 0, 45, false);
            case 4 -> k.gemm(false, false, 1, 3072, 768, a, 0, 768, b, 0, 3072, c, 0, 3072, false);
            case 5 -> k.gemm(false, true, 64, 150, 64, a, 0, 768, b, 0, 768, c, 0, 150, false);
            case 6 -> k.segmentDots(a, 0, 768, 256, x, 0, 12, 64, c, 0, 256);
            case 7 -> sink += k.dot(x, 0, y, 0, 768);
            case 8 -> { System.arraycopy(x, 0, out, 0, 256); k.softmax(out, 0, 256); }
            case 9 -> sink += k.layerNorm(x, 0, out, 0, 768, 1e-5f, w, bias);
            case 10 -> weights.gemmBatched(1, 128, 3072, 768, a, 0, 768, 0, wF32, 0, 3072, 0, c, 0, 3072, 0);
            case 11 -> weights.gemmBatched(1, 128, 3072, 768, a, 0, 768, 0, wBf16, 0, 3072, 0, c, 0, 3072, 0);
            case 12 -> weights.gemmBatched(1, 128, 768, 3072, b, 0, 3072, 0, wBf16T, 0, 768, 0, c, 0, 768, 0);
            default -> throw new IllegalArgumentException();
        }
    }

    /** ns per call of each case, each timed over about {@code nanosPerCase}. */
    public double[] time(long nanosPerCase) {
        double[] ns = new double[CASES.length];
        for (int i = 0; i < CASES.length; i++) {
            long t0 = System.nanoTime(), n = 0, t;
            do { call(i); n++; t = System.nanoTime(); } while (t - t0 < nanosPerCase);
            ns[i] = (double) (t - t0) / n;
        }
        return ns;
    }
}
