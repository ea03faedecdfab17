package org.circuitscope.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.circuitscope.tensor.Kernels;
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
 * (128·768·50257). Reports milliseconds per product; GFLOP/s = 2mnk / time.
 *
 * <p>{@code java -jar bench/target/benchmarks.jar MatmulBenchmark} (add
 * {@code -jvmArgsAppend -Dcircuitscope.simd=false} for the scalar path).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class MatmulBenchmark {

    /** "m,k,n". */
    @Param({"1024,768,768", "1024,768,3072", "1024,3072,768", "1024,768,2304", "128,768,50257"})
    public String shape;

    private int m, k, n;
    private float[] a, b, c;
    private Kernels kernels;

    @Setup
    public void setup() {
        String[] parts = shape.split(",");
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

    @Benchmark
    public float[] gemm() {
        kernels.gemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
        return c;
    }
}
