package org.circuitscope.circuits;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.Hook;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.RunOptions;
import org.circuitscope.model.Transformer;
import org.circuitscope.tensor.Tensor;

/**
 * Head detectors with TransformerLens's formulas. For a detection pattern D over
 * (query, key), a head's score is Σ(A ⊙ D) / ΣA over its attention pattern A
 * ({@code transformer_lens.head_detector.detect_head}, error measure "mul"); since every row
 * of A sums to 1 this is the mean over query positions of the attention mass on D:
 * <ul>
 * <li>previous-token: D[q, q−1] = 1;</li>
 * <li>duplicate-token: D[q, k] = 1 for k &lt; q with token[k] = token[q];</li>
 * <li>induction: D[q, k] = 1 for k ≥ 1 with token[k−1] = token[q], k &lt; q (attend to the token
 *   after an earlier copy of the current one).</li>
 * </ul>
 * The induction score on random tokens is the TransformerLens tutorial's measure: BOS + L
 * random tokens repeated twice, score = mean of the diagonal A[q, q − (L−1)] of the pattern.
 */
public final class HeadDetectors {
    private HeadDetectors() {}

    /** Scores [layer][head] for one detector on a cache that holds every layer's pattern. */
    public static double[][] score(ModelConfig cfg, ActivationCache cache, Detector detector) {
        int[] tokens = cache.tokens();
        int t = tokens.length;
        double[][] out = new double[cfg.nLayers()][cfg.nHeads()];
        for (int l = 0; l < cfg.nLayers(); l++) {
            float[] a = cache.get(HookPoint.attn(l, "pattern")).data();
            for (int h = 0; h < cfg.nHeads(); h++) {
                double hit = 0, all = 0;
                for (int q = 0; q < t; q++) {
                    for (int k = 0; k <= q; k++) {
                        double v = a[(h * t + q) * t + k];
                        all += v;
                        if (detector.marks(tokens, q, k)) hit += v;
                    }
                }
                out[l][h] = all == 0 ? 0 : hit / all;
            }
        }
        return out;
    }

    /** The detection patterns. */
    public enum Detector {
        PREVIOUS_TOKEN, DUPLICATE_TOKEN, INDUCTION;

        boolean marks(int[] tok, int q, int k) {
            return switch (this) {
                case PREVIOUS_TOKEN -> k == q - 1;
                case DUPLICATE_TOKEN -> k < q && tok[k] == tok[q];
                case INDUCTION -> k >= 1 && k < q && tok[k - 1] == tok[q];
            };
        }
    }

    /**
     * Induction score [layer][head] on {@code sequences} sequences of BOS + {@code length}
     * random tokens repeated twice, averaged over sequences. Random ids are drawn uniformly
     * from [0, d_vocab) excluding {@code bos}; seeded, so the figure is repeatable.
     */
    public static double[][] inductionOnRepeatedTokens(Transformer model, int bos, int sequences, int length, long seed) {
        return inductionOnRepeatedTokens(model, bos, sequences, length, seed, WorkProgress.NONE);
    }

    /** {@link #inductionOnRepeatedTokens(Transformer, int, int, int, long)}, reporting each layer's patterns read. */
    public static double[][] inductionOnRepeatedTokens(Transformer model, int bos, int sequences, int length, long seed, WorkProgress progress) {
        ModelConfig cfg = model.config();
        if (2 * length + 1 > cfg.nCtx()) throw new IllegalArgumentException("2 × " + length + " + 1 tokens exceed n_ctx " + cfg.nCtx());
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] runs = new int[sequences][];
        for (int s = 0; s < sequences; s++) runs[s] = repeatedRandomTokens(rnd, cfg.dVocab(), bos, length);
        int last = cfg.nLayers() - 1, offset = length - 1, t = 2 * length + 1;
        // One batch: the simd backend stacks the sequences' rows, so each product with a weight
        // packs it once for all of them. A hook point sees the sequences in order, so the i-th
        // call on a layer's pattern is sequence i. Each sequence keeps its own terms, summed below
        // in sequence order as one pass after the other would.
        double[][][] terms = new double[sequences][cfg.nLayers()][cfg.nHeads()];
        Map<String, Hook> hooks = new HashMap<>();
        for (int l = 0; l <= last; l++) {
            int layer = l;
            AtomicInteger calls = new AtomicInteger();
            hooks.put(HookPoint.attn(l, "pattern"), (pattern, name) -> {
                int s = calls.getAndIncrement();
                for (int h = 0; h < cfg.nHeads(); h++) {
                    double d = 0;
                    int n = 0;
                    for (int q = offset; q < t; q++, n++) d += pattern.data()[(h * t + q) * t + q - offset];
                    terms[s][layer][h] = d / n / sequences;
                }
                if (s == sequences - 1) progress.advance(layer + 1, cfg.nLayers());
                // After the last sequence's last pattern the rest of the pass (the last MLP, the
                // unembedding) is not needed: ending it here is TransformerLens's stop_at_layer,
                // from outside the forward pass.
                if (layer == last && s == sequences - 1) throw new PatternsRead();
                return pattern;
            });
        }
        try {
            model.runBatch(java.util.Arrays.asList(runs), RunOptions.none().withHooks(hooks));
        } catch (PatternsRead read) {
            // every sequence's patterns have been read
        }
        double[][] sum = new double[cfg.nLayers()][cfg.nHeads()];
        for (double[][] term : terms) {
            for (int l = 0; l < sum.length; l++) for (int h = 0; h < sum[l].length; h++) sum[l][h] += term[l][h];
        }
        return sum;
    }

    /** Ends a pass once the last layer's pattern is read; no stack trace, it is not an error. */
    private static final class PatternsRead extends RuntimeException {
        PatternsRead() { super(null, null, false, false); }
    }

    /** BOS, then {@code length} random ids (never {@code bos}), then the same ids again. */
    public static int[] repeatedRandomTokens(SplittableRandom rnd, int vocab, int bos, int length) {
        int[] t = new int[2 * length + 1];
        t[0] = bos;
        for (int i = 0; i < length; i++) {
            int id;
            do { id = rnd.nextInt(vocab); } while (id == bos);
            t[1 + i] = id;
            t[1 + length + i] = id;
        }
        return t;
    }
}
