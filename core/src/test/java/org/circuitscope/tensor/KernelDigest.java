package org.circuitscope.tensor;

import java.util.SplittableRandom;

/**
 * The SIMD kernels' results on fixed inputs as one line of hex bits, for comparing execution
 * modes: {@link KernelReproducibilityTest} runs {@link #main} in a child JVM with {@code -Xint}
 * (the Vector API's Java fallback, lane by lane) and compares it with its own C2-compiled run.
 */
public final class KernelDigest {
    private final float[] a, b, x, y, w, bias;

    KernelDigest() {
        SplittableRandom r = new SplittableRandom(18);
        a = fill(r, 37 * 600);
        b = fill(r, 600 * 45);
        x = fill(r, 1000);
        y = fill(r, 1000);
        w = fill(r, 1000);
        bias = fill(r, 1000);
    }

    private static float[] fill(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        return v;
    }

    /** Every kernel that reduces across lanes or sums over a depth, with tails. */
    String run(Kernels k) {
        StringBuilder out = new StringBuilder();
        for (int n : new int[] {7, 16, 131, 1000}) out.append(bits(k.dot(x, 0, y, 0, n)));
        float[] seg = new float[2 * 37];
        k.segmentDots(a, 0, 600, 37, x, 0, 2, 40, seg, 0, 37);
        append(out, seg);
        for (int n : new int[] {5, 131, 1000}) {
            float[] row = x.clone();
            k.softmax(row, 0, n);
            append(out, java.util.Arrays.copyOf(row, n));
            float[] ln = new float[n];
            out.append(bits(k.layerNorm(y, 0, ln, 0, n, 1e-5f, w, bias)));
            append(out, ln);
        }
        float[] c = new float[37 * 45];
        k.gemm(false, false, 37, 45, 600, a, 0, 600, b, 0, 45, c, 0, 45, false);
        append(out, c);
        k.gemm(false, false, 2, 45, 600, a, 0, 600, b, 0, 45, c, 0, 45, true);
        append(out, c);
        return Integer.toHexString(out.toString().hashCode()) + ":" + out.length();
    }

    private static String bits(float f) { return Integer.toHexString(Float.floatToRawIntBits(f)); }

    private static void append(StringBuilder out, float[] v) {
        for (float f : v) out.append(bits(f)).append(',');
    }

    public static void main(String[] args) {
        System.out.println(new KernelDigest().run(new SimdKernels()));
    }
}
