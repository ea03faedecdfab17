package org.circuitscope.bench;

import java.util.Arrays;
import java.util.Random;
import org.circuitscope.tensor.Kernels;

/**
 * A plain timing loop for {@link Kernels#gemm} at GPT-2-small shapes, printing one line per
 * shape ({@code m k n median_ms median_gflops best_ms best_gflops}) for bench/sgemm-compare.sh. JMH
 * ({@link MatmulBenchmark}) is the careful measurement; this one is quick and easy to parse.
 *
 * <p>Usage: {@code GemmTimer [runs] [m,k,n ...]}; default 10 runs of the standard shapes.
 */
public final class GemmTimer {
    static final int[][] SHAPES = {
            {1024, 768, 768}, {1024, 768, 3072}, {1024, 3072, 768}, {1024, 768, 2304}, {128, 768, 50257}};

    private GemmTimer() {}

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int[][] shapes = SHAPES;
        if (args.length > 1) {
            shapes = new int[args.length - 1][];
            for (int i = 1; i < args.length; i++)
                shapes[i - 1] = Arrays.stream(args[i].split(",")).mapToInt(Integer::parseInt).toArray();
        }
        Kernels kernels = Kernels.get();
        System.out.println("# kernels: " + kernels.name());
        Random rnd = new Random(1);
        for (int[] s : shapes) {
            int m = s[0], k = s[1], n = s[2];
            float[] a = random(rnd, m * k), b = random(rnd, k * n), c = new float[m * n];
            long budgetEnd = System.nanoTime() + 2_000_000_000L;
            // Warm up: at least 3 runs and about a second, so C2 has compiled the kernel.
            for (int w = 0; w < 3 || (System.nanoTime() < budgetEnd - 1_000_000_000L && w < 50); w++)
                kernels.gemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
            double[] ms = new double[runs];
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                kernels.gemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
                ms[r] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            double median = ms[runs / 2], best = ms[0];
            System.out.printf("%d %d %d %.3f %.1f %.3f %.1f%n", m, k, n, median, 2.0 * m * n * k / (median * 1e6),
                    best, 2.0 * m * n * k / (best * 1e6));
        }
    }

    private static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }
}
