package org.circuitscope.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Transformer;
import org.circuitscope.tensor.Kernels;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.tensor.WorkerPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One forward pass of a GPT-2-small-shaped model (12 layers, d_model 768, 12 heads of 64,
 * d_mlp 3072, d_vocab 50257) with random weights: {@link #runWithCache} records every hook
 * point, as an editor session does; {@link #forward} returns the logits only. The PyTorch
 * twin is {@code bench/forward_torch.py}; {@code bench/forward-compare.sh} runs both.
 *
 * <p>SingleShotTime because a pass takes from tens of milliseconds to seconds: each
 * iteration is one pass, so JMH's raw data are per-pass times and the comparison script can
 * take their median. A 1,024-token full cache holds about 2.5 GB (the [head, pos, pos]
 * scores and pattern and the [pos, head, d_model] per-head results dominate), hence -Xmx12g.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx12g"})
public class ForwardBenchmark {

    /** Prompt length in tokens. */
    @Param({"128", "1024"})
    public int tokens;

    private Transformer model;
    private int[] input;

    /** GPT-2 small's shape, as TransformerLens's config for "gpt2" gives it. */
    static ModelConfig gpt2SmallShape() {
        return new ModelConfig("random-gpt2-small", 12, 768, 12, 64, 3072, 50257, 1024,
                ActFn.GELU_NEW, Normalization.LN, false, 1e-5, true);
    }

    @Setup(Level.Trial)
    public void setUp() {
        ModelConfig cfg = gpt2SmallShape();
        model = new Transformer(RandomWeights.generate(cfg, 1234L, 0.02));
        SplittableRandom rnd = new SplittableRandom(42L);
        input = rnd.ints(tokens, 0, cfg.dVocab()).toArray();

        // A benchmark that silently stopped caching would look fast: check once, on a short
        // prompt, that "full cache" means every hook point the pass goes through.
        ActivationCache probe = model.runWithCache(new int[] {1, 2, 3});
        for (String name : HookPoint.all(cfg)) {
            if (!probe.contains(name)) {
                throw new IllegalStateException("runWithCache did not record " + name + "; the full-cache benchmark must store"
                        + " all " + HookPoint.all(cfg).size() + " hook points (it stored " + probe.names().size() + ")");
            }
        }
        System.out.println("[circuitscope] kernels: " + Kernels.get().name() + ", worker threads: " + WorkerPool.threads()
                + ", tokens: " + tokens);
    }

    /** Full cache: every activation of every layer, as TransformerLens's run_with_cache. */
    @Benchmark
    public ActivationCache runWithCache() {
        return model.runWithCache(input);
    }

    /** Logits only: per-head results are never materialised, nothing is stored. */
    @Benchmark
    public Tensor forward() {
        return model.forward(input);
    }
}
