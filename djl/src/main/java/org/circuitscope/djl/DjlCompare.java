package org.circuitscope.djl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.Architecture;
import org.circuitscope.model.Backend;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.PositionalEmbedding;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.RunOptions;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;

/**
 * The benchmark behind {@code bench/djl-compare.sh}: one shape's random model on simd and on
 * djl, the median forward pass at each prompt length and for a batch of prompts, and the
 * largest logit difference between the two. Prints one JSON object per measurement.
 *
 * <pre>DjlCompare gpt2-small|tinyllama TOKENS[,TOKENS]|none BATCH BATCH_TOKENS WARMUP RUNS</pre>
 * (BATCH 0: no batch).
 */
public final class DjlCompare {
    private DjlCompare() {}

    static ModelConfig shape(String name) {
        return switch (name) {
            case "gpt2-small" -> new ModelConfig("gpt2-small-random", 12, 768, 12, 64, 3072, 50257, 1024, ActFn.GELU_NEW,
                    Normalization.LN, false, 1e-5, true);
            case "tinyllama" -> new ModelConfig("tinyllama-random", 22, 2048, 32, 64, 5632, 32000, 2048, ActFn.SILU, Normalization.RMS,
                    false, 1e-5, true, new Architecture(PositionalEmbedding.ROTARY, 64, 10000, 4, true, false, "LlamaForCausalLM"));
            default -> throw new IllegalArgumentException("shape " + name + ": use gpt2-small or tinyllama");
        };
    }

    public static void main(String[] args) {
        ModelConfig cfg = shape(args[0]);
        int[] lengths = args[1].equals("none") ? new int[0] : Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray();
        int batch = Integer.parseInt(args[2]), batchTokens = Integer.parseInt(args[3]), warmup = Integer.parseInt(args[4]),
                runs = Integer.parseInt(args[5]);
        long t0 = System.nanoTime();
        Weights w = RandomWeights.generate(cfg, 1, 0.02);
        System.err.printf(Locale.ROOT, "random %s in %.0f s%n", cfg.modelName(), (System.nanoTime() - t0) / 1e9);
        Transformer simd = new Transformer(w);
        t0 = System.nanoTime();
        try (Backend b = new DjlBackendProvider().open(w)) {
            double upload = (System.nanoTime() - t0) / 1e6;
            Transformer djl = simd.on(b);
            System.out.printf(Locale.ROOT, "{\"shape\": \"%s\", \"djl_device\": \"%s\", \"djl_weights_upload_ms\": %.0f}%n", args[0], b.device(), upload);
            SplittableRandom rnd = new SplittableRandom(7);
            for (int n : lengths) {
                int[] ids = rnd.ints(n, 0, cfg.dVocab()).toArray();
                double s = median(warmup, runs, () -> simd.forward(ids)), d = median(warmup, runs, () -> djl.forward(ids));
                System.out.printf(Locale.ROOT, "{\"shape\": \"%s\", \"tokens\": %d, \"simd_ms\": %.0f, \"djl_ms\": %.0f, \"max_abs_logit_diff\": %.2e}%n",
                        args[0], n, s, d, maxDiff(simd.forward(ids), djl.forward(ids)));
            }
            if (batch > 0) {
                List<int[]> prompts = new ArrayList<>();
                for (int i = 0; i < batch; i++) prompts.add(rnd.ints(batchTokens, 0, cfg.dVocab()).toArray());
                double s = median(warmup, runs, () -> simd.runBatch(prompts, RunOptions.none()));
                double d = median(warmup, runs, () -> djl.runBatch(prompts, RunOptions.none()));
                System.out.printf(Locale.ROOT, "{\"shape\": \"%s\", \"batch\": %d, \"tokens\": %d, \"simd_ms\": %.0f, \"djl_ms\": %.0f}%n",
                        args[0], batch, batchTokens, s, d);
            }
        }
    }

    private static double median(int warmup, int runs, Runnable r) {
        for (int i = 0; i < warmup; i++) r.run();
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            r.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return ms[runs / 2];
    }

    private static double maxDiff(Tensor a, Tensor b) {
        double m = 0;
        for (int i = 0; i < a.size(); i++) m = Math.max(m, Math.abs(a.data()[i] - b.data()[i]));
        return m;
    }
}
