package org.circuitscope.bench;

import java.util.Arrays;
import java.util.Random;
import org.circuitscope.tensor.Kernels;

/**
 * A plain timing loop for {@link Kernels#gemm} beside OpenBLAS's sgemm in the same JVM
 * ({@link OpenBlasSgemm}), for bench/sgemm-compare.sh. Per shape: wait until the default
 * kernels have left their scalar start (the warm-up is never timed), warm both up (at least 3
 * runs and a second each), then time {@code runs} rounds, each one call of ours and one of
 * OpenBLAS in alternating order, so both see the same load on a shared machine. Prints
 * {@code m k n ours_median_ms ours_median_GF ours_best_GF blas_median_ms blas_median_GF blas_best_GF}
 * (blas columns {@code - - -} without the library). JMH ({@link MatmulBenchmark}) is the careful
 * measurement; this one is quick and easy to parse.
 *
 * <p>Usage: {@code GemmTimer [runs] [m,k,n ...]}; default 10 runs of {@link #SHAPES}.
 */
public final class GemmTimer {
    /** GPT-2 small (attention, MLP in and out, fused QKV, unembedding of 128 tokens) and TinyLlama (Q/O, GQA K/V, SwiGLU, unembedding). */
    static final String[] SHAPES = {
            "1024,768,768", "1024,768,3072", "1024,3072,768", "1024,768,2304", "128,768,50257",
            "1024,2048,2048", "1024,2048,256", "1024,2048,5632", "1024,5632,2048", "128,2048,32000"};

    private GemmTimer() {}

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        String[] shapes = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length) : SHAPES;
        Kernels kernels = Kernels.get();
        OpenBlasSgemm blas = OpenBlasSgemm.loadOrNull();
        awaitCompiledKernels(kernels);
        System.out.println("# kernels: " + kernels.name() + " | openblas: " + (blas == null ? "absent" : blas.coreName()));
        Random rnd = new Random(1);
        for (String shape : shapes) {
            int[] s = Arrays.stream(shape.split(",")).mapToInt(Integer::parseInt).toArray();
            int m = s[0], k = s[1], n = s[2];
            float[] a = random(rnd, m * k), b = random(rnd, k * n), c = new float[m * n], c2 = new float[m * n];
            Runnable ours = () -> kernels.gemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
            Runnable ref = blas == null ? null : () -> blas.gemm(m, n, k, a, b, c2);
            warmUp(ours);
            if (ref != null) warmUp(ref);
            double[] oursMs = new double[runs], refMs = new double[runs];
            for (int r = 0; r < runs; r++) {
                if (ref != null && r % 2 == 1) refMs[r] = time(ref);
                oursMs[r] = time(ours);
                if (ref != null && r % 2 == 0) refMs[r] = time(ref);
            }
            double flop = 2.0 * m * n * k;
            System.out.printf("%d %d %d %s %s%n", m, k, n, stats(oursMs, flop), ref == null ? "- - -" : stats(refMs, flop));
        }
    }

    /** Runs small products until the default kernels say they are on SIMD (or are scalar by choice). */
    private static void awaitCompiledKernels(Kernels kernels) {
        GemmShape.leaveScalarStart(kernels);
        if (kernels.name().contains("until compiled"))
            throw new IllegalStateException("kernels still scalar after 60 s: " + kernels.name());
    }

    private static void warmUp(Runnable f) {
        long end = System.nanoTime() + 1_000_000_000L;
        for (int w = 0; w < 3 || (System.nanoTime() < end && w < 50); w++) f.run();
    }

    private static double time(Runnable f) {
        long t0 = System.nanoTime();
        f.run();
        return (System.nanoTime() - t0) / 1e6;
    }

    private static String stats(double[] ms, double flop) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2], best = sorted[0];
        return String.format("%.3f %.1f %.1f", median, flop / (median * 1e6), flop / (best * 1e6));
    }

    private static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }
}
