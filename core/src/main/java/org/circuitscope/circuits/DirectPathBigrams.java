package org.circuitscope.circuits;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.circuitscope.model.LogitOps;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;

/**
 * How far the direct path implements the corpus's bigram statistics (the paper's zero-layer
 * transformer, whose only path is W_E → ln_final → W_U). For a token a at position p,
 * <pre>
 *   direct(a) = LN_final(W_E[a] + W_pos[p]) · W_U + b_U,      ℓ(b | a) = log_softmax(direct(a))[b]
 * </pre>
 * with LN_final's scale computed for that residual, as the model applies it. With p the
 * position a one-token prompt's token has (1 after the BOS the model prepends by default, else
 * 0) this is exactly a zero-layer model's prediction from one token; for deeper models it is
 * the direct path alone, every block skipped. The figure is the Pearson correlation of ℓ(b | a)
 * with the corpus's log P(b | a) ({@link BigramCounts}) over the pairs seen at least
 * {@code minCount} times (rare pairs' log-probabilities are mostly noise); {@code
 * logitCorrelation} is the same with the raw logits, which carry a per-token constant the
 * prediction ignores.
 */
public final class DirectPathBigrams {
    private DirectPathBigrams() {}

    /**
     * A pair with the corpus's and the direct path's view of it.
     *
     * @param directRank 1 when b is the direct path's top prediction after a
     */
    public record Pair(int prev, int next, int count, double corpusLogprob, double directLogprob, int directRank) {}

    /**
     * @param pairs number of pairs with count ≥ minCount (the correlation's sample)
     * @param top   the {@code top} most frequent of them, most frequent first
     */
    public record Result(int position, int minCount, long counted, int distinct, int pairs, double correlation,
                         double logitCorrelation, List<Pair> top) {}

    /** The position of a one-token prompt's token under the model's default BOS. */
    public static int defaultPosition(ModelConfig c) { return c.defaultPrependBos() ? 1 : 0; }

    /** The direct path's logits for token {@code a} at position {@code pos}, in float64. */
    public static double[] logits(Weights w, int a, int pos) {
        ModelConfig c = w.config();
        int d = c.dModel();
        float[] r = new float[d];
        // Rows by copyTo: a 16-bit W_E or W_pos converts only the row read, not the whole matrix.
        w.wE().copyTo(a * d, r, 0, d);
        if (!c.rotary()) {
            float[] wp = new float[d];
            w.wPos().copyTo(pos * d, wp, 0, d);
            for (int i = 0; i < d; i++) r[i] += wp[i];
        }
        return LogitLens.logits(w, Tensor.of(r, 1, d), 0);
    }

    public static Result compute(Weights w, BigramCounts counts, int pos, int minCount, int top) {
        ModelConfig c = w.config();
        if (counts.vocab() != c.dVocab()) {
            throw new IllegalArgumentException("the bigrams were counted over " + counts.vocab() + " token ids but the model has d_vocab " + c.dVocab());
        }
        if (minCount < 1) throw new IllegalArgumentException("the minimum pair count must be at least 1, got " + minCount);
        if (top < 0) throw new IllegalArgumentException("the number of top bigrams must not be negative, got " + top);
        if (pos < 0 || pos >= c.nCtx()) throw new IllegalArgumentException("position " + pos + " is outside the context 0.." + (c.nCtx() - 1));
        List<int[]> kept = new ArrayList<>();
        counts.forEach((a, b, n) -> { if (n >= minCount) kept.add(new int[] {a, b, n}); });
        if (kept.size() < 2) {
            throw new IllegalArgumentException("only " + kept.size() + " token pair(s) occur at least " + minCount
                    + " times: too few for a correlation; give a longer text or a lower minimum count");
        }
        // Most frequent first, ties by ids, so the sample and the top list do not depend on hash order.
        kept.sort(Comparator.<int[]>comparingInt(p -> -p[2]).thenComparingInt(p -> p[0]).thenComparingInt(p -> p[1]));
        double[][] logitRows = new double[c.dVocab()][], logprobRows = new double[c.dVocab()][];
        int n = kept.size();
        double[] corpus = new double[n], direct = new double[n], raw = new double[n];
        for (int i = 0; i < n; i++) {
            int a = kept.get(i)[0], b = kept.get(i)[1];
            if (logitRows[a] == null) {
                logitRows[a] = logits(w, a, pos);
                logprobRows[a] = LogitLens.logSoftmax(logitRows[a]);
            }
            corpus[i] = counts.logProb(a, b);
            direct[i] = logprobRows[a][b];
            raw[i] = logitRows[a][b];
        }
        List<Pair> best = new ArrayList<>();
        for (int i = 0; i < Math.min(top, n); i++) {
            int a = kept.get(i)[0], b = kept.get(i)[1];
            best.add(new Pair(a, b, kept.get(i)[2], corpus[i], direct[i], LogitOps.rank(logitRows[a], b)));
        }
        return new Result(pos, minCount, counts.total(), counts.distinct(), n, pearson(direct, corpus), pearson(raw, corpus), List.copyOf(best));
    }

    /** Pearson's r, two-pass in float64; NaN when either side is constant. */
    static double pearson(double[] x, double[] y) {
        int n = x.length;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxy / Math.sqrt(sxx * syy);
    }
}
