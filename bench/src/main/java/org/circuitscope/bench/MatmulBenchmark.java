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
 * (128·768·50257), and TinyLlama's: Q and O (1024·2048·2048), the GQA key/value projections
 * (1024·2048·256), SwiGLU's gate/up and down (1024·2048·5632, 1024·5632·2048) and the
 * 32,000-token unembedding (128·2048·32000). Reports products per second and, on the
 * {@code gemm:gflop} / {@code openblas:gflop} lines, GFLOP/s (2mnk per product).
 * {@code openblas} is the same product by OpenBLAS's {@code cblas_sgemm} in the same JVM
 * ({@link OpenBlasSgemm}; its threads and kernel from {@code OPENBLAS_NUM_THREADS} and
 * {@code OPENBLAS_CORETYPE}).
 *
 * <p>{@code java -jar bench/target/benchmarks.jar MatmulBenchmark} (add
 * {@code -jvmArgsAppend -Dcircuitscope.vectorBits=256} for the AVX2 tile, {@code =0} for the
 * scalar path). The first measured iteration starts after the kernels have left their scalar
 * start: setup waits for it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class MatmulBenchmark {

    /** "mxkxn" (JMH splits -p values at commas). */
    @Param({"1024x768x768", "1024x768x3072", "1024x3072x768", "1024x768x2304", "128x768x50257",
            "1024x2048x2048", "1024x2048x256", "1024x2048x5632", "1024x5632x2048", "128x2048x32000"})
    public String shape;

    private int m, k, n;
    private double gflop;
    private float[] a, b, c;
    private Kernels kernels;
    private OpenBlasSgemm blas;

    @Setup
    public void setup() {
        GemmShape g = GemmShape.parse(shape);
        m = g.m(); k = g.k(); n = g.n();
        gflop = g.gflop();
        Random rnd = new Random(42);
        a = g.randomA(rnd);
        b = GemmShape.gaussian(rnd, k * n);
        c = g.newC();
        kernels = Kernels.get();
        // Leave the scalar start before the first warm-up iteration (WarmingKernels).
        GemmShape.leaveScalarStart(kernels);
        blas = OpenBlasSgemm.loadOrNull();
        System.out.println("# kernels: " + kernels.name() + ", openblas: " + (blas == null ? "absent" : blas.coreName())
                + ", GFLOP per call: " + gflop);
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
        flops.gflop += gflop;
        return c;
    }

    @Benchmark
    public float[] openblas(Flops flops) {
        if (blas == null) throw new IllegalStateException("no OpenBLAS at " + OpenBlasSgemm.DEFAULT_PATH + " (-Dcircuitscope.bench.openblas=PATH)");
        blas.gemm(m, n, k, a, b, c);
        flops.gflop += gflop;
        return c;
    }
}
