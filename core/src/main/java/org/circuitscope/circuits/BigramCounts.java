package org.circuitscope.circuits;

import java.util.HashMap;
import java.util.Map;

/**
 * Adjacent-pair statistics of a token stream, the bigram model a zero-layer transformer can at
 * best learn: c(a, b) counts a followed by b, c(a) counts a with a successor, and
 * <pre>
 *   log P(b | a) = log c(a, b) − log c(a)
 * </pre>
 * (no smoothing: only pairs that occur have a probability). Sparse, so any vocabulary fits.
 */
public final class BigramCounts {
    private final int vocab;
    private final Map<Long, Integer> pairs = new HashMap<>();
    private final long[] successors;
    private final long total;

    /** Counts the pairs of {@code tokens} (ids in [0, vocab)). */
    public BigramCounts(int[] tokens, int vocab) {
        if (vocab <= 0) throw new IllegalArgumentException("vocabulary size must be positive, got " + vocab);
        this.vocab = vocab;
        this.successors = new long[vocab];
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new IllegalArgumentException("token id " + tokens[i] + " at " + i + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        for (int i = 0; i + 1 < tokens.length; i++) {
            pairs.merge(key(tokens[i], tokens[i + 1]), 1, Integer::sum);
            successors[tokens[i]]++;
        }
        this.total = Math.max(0, tokens.length - 1);
    }

    public int vocab() { return vocab; }

    /** Number of adjacent pairs counted (tokens − 1). */
    public long total() { return total; }

    /** Number of distinct pairs seen. */
    public int distinct() { return pairs.size(); }

    public int count(int a, int b) { return pairs.getOrDefault(key(a, b), 0); }

    /** c(a): how often a is followed by anything. */
    public long successors(int a) { return successors[a]; }

    /** log P(b | a); −∞ for a pair never seen. */
    public double logProb(int a, int b) {
        int c = count(a, b);
        return c == 0 ? Double.NEGATIVE_INFINITY : Math.log(c) - Math.log(successors[a]);
    }

    /** Every pair seen with its count, in no particular order. */
    public void forEach(PairConsumer f) {
        for (var e : pairs.entrySet()) f.accept((int) (e.getKey() / vocab), (int) (e.getKey() % vocab), e.getValue());
    }

    /** Receives one pair and its count. */
    @FunctionalInterface
    public interface PairConsumer { void accept(int a, int b, int count); }

    private long key(int a, int b) { return (long) a * vocab + b; }
}
