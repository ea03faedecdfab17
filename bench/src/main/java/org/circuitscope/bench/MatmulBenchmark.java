package org.circuitscope.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.circuitscope.tensor.Kernels;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Kernels#gemm} at GPT-2-small shapes: attention projections (1024·768·768), MLP in and
 * out (1024·768·3072, 1024·3072·768), fused QKV (1024·768·2304) and the unembedding
 * (128·768·50257). Reports products per second and, on the {@code gemm:gflop} line, GFLOP/s
 * (2mnk per product).
 *
 * <p>{@code java -jar bench/target/benchmarks.jar MatmulBenchmark} (add
 * {@code -jvmArgsAppend -Dcircuitscope.simd=false} for the scalar path).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class MatmulBenchmark {

    /** "mxkxn" (JMH splits -p values at commas). */
    @Param({"1024x768x768", "1024x768x3072", "1024x3072x768", "1024x768x2304", "128x768x50257"})
    public String shape;

    private int m, k, n;
    private float[] a, b, c;
    private Kernels kernels;

    @Setup
    public void setup() {
        String[] parts = shape.split("x");
        m = Integer.parseInt(parts[0]);
        k = Integer.parseInt(parts[1]);
        n = Integer.parseInt(parts[2]);
        Random rnd = new Random(42);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextGaussian();
        kernels = Kernels.get();
        System.out.println("# kernels: " + kernels.name() + ", GFLOP per call: " + 2.0 * m * n * k / 1e9);
    }

    /** Counts the floating-point work done, so JMH reports it as a rate: the "gflop" line is GFLOP/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflop;
    }

    @Benchmark
    public float[] gemm(Flops flops) {
        kernels.gemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
        flops.gflop += 2.0 * m * n * k / 1e9;
        return c;
    }
}
