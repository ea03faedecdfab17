package org.circuitscope.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.circuitscope.tensor.DType;
import org.circuitscope.tensor.Kernels;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.tensor.WeightGemm;
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
 * The forward pass's product with a weight ({@link WeightGemm}) with the weight held as float32,
 * BF16 or F16, at TinyLlama's shapes for a 128-token prompt: SwiGLU's gate/up and down
 * (128·2048·5632, 128·5632·2048), Q and O (128·2048·2048), the GQA key/value projections
 * (128·2048·256). The same values in every dtype (BF16-representable), so the three differ only
 * in how B is read: what keeping a checkpoint 16-bit costs per product.
 *
 * <p>{@code java -jar bench/target/benchmarks.jar WeightGemmBenchmark}; setup waits for the
 * kernels to leave their scalar start.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class WeightGemmBenchmark {

    /** "mxkxn" (JMH splits -p values at commas). */
    @Param({"128x2048x5632", "128x5632x2048", "128x2048x2048", "128x2048x256"})
    public String shape;

    @Param({"F32", "BF16", "F16"})
    public String dtype;

    private int m, k, n;
    private double gflop;
    private float[] a, c;
    private Tensor b;
    private WeightGemm gemm;

    @Setup
    public void setup() {
        GemmShape g = GemmShape.parse(shape);
        m = g.m(); k = g.k(); n = g.n();
        gflop = g.gflop();
        Random rnd = new Random(42);
        a = g.randomA(rnd);
        c = g.newC();
        short[] bits = new short[k * n];
        for (int i = 0; i < bits.length; i++) bits[i] = (short) (Float.floatToRawIntBits((float) rnd.nextGaussian() * 0.02f) >>> 16);
        Tensor bf16 = Tensor.ofBits(bits, DType.BF16, k, n);
        b = switch (dtype) {
            case "F32" -> bf16.toFloat32();
            case "BF16" -> bf16;
            case "F16" -> {
                float[] f = bf16.data();
                short[] half = new short[f.length];
                for (int i = 0; i < f.length; i++) half[i] = Float.floatToFloat16(f[i]);
                yield Tensor.ofBits(half, DType.F16, k, n);
            }
            default -> throw new IllegalArgumentException("dtype " + dtype + ": F32, BF16 or F16");
        };
        Kernels kernels = Kernels.get();
        gemm = new WeightGemm(kernels);
        GemmShape.leaveScalarStart(kernels);
        System.out.println("# kernels: " + kernels.name() + ", GFLOP per call: " + gflop);
    }

    /** The floating-point work done, so JMH reports it as a rate: the "gflop" line is GFLOP/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflop;
    }

    @Benchmark
    public float[] product(Flops flops) {
        gemm.gemmBatched(1, m, n, k, a, 0, k, 0, b, 0, n, 0, c, 0, n, 0);
        flops.gflop += gflop;
        return c;
    }
}
