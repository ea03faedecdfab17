package org.circuitscope.scan;

import java.io.Serializable;

/**
 * One document's row.
 *
 * @param id             the document id
 * @param tokens         tokens in the document's stream (BOS included when prepended)
 * @param predicted      tokens the scan predicted (each once; see {@link DocumentScanner})
 * @param meanLoss       mean cross-entropy of the predicted tokens, nats
 * @param surprisalBits  the predicted tokens' surprisal −log₂ p, bits
 */
public record DocumentRow(String id, int tokens, int predicted, double meanLoss, Surprisal surprisalBits) implements Serializable {

    /**
     * Mean, median, 90th percentile (nearest rank: the ⌈q·n⌉-th smallest) and maximum; NaN with
     * nothing predicted.
     */
    public record Surprisal(double mean, double p50, double p90, double max) implements Serializable {
        public static Surprisal of(double[] bits) {
            int n = bits.length;
            if (n == 0) return new Surprisal(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            double[] s = bits.clone();
            java.util.Arrays.sort(s);
            double sum = 0;
            for (double b : s) sum += b;
            return new Surprisal(sum / n, rank(s, 0.5), rank(s, 0.9), s[n - 1]);
        }

        private static double rank(double[] sorted, double q) {
            return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
        }
    }
}
