package org.circuitscope.scan;

import java.io.Serializable;
import java.util.List;

/**
 * One SAE's features over some documents: per feature the number of tokens where it is active,
 * the float64 sum and sum of squares of its activation there, its largest activation, a
 * histogram over {@link ScanSpec.FeatureBins} and its top-K contexts (score = activation, the
 * order of {@link TopExample#ORDER}). Counts and histograms add exactly, the top lists merge
 * under a total order, the sums agree to float64 rounding in any order. Mutable: merged into.
 */
public final class FeatureStats implements Serializable {
    private final String sae, hook;
    private final int dSae, nBins;
    /** Tokens encoded (each predicted token's destination, the prepended BOS excluded). */
    long tokens;
    final long[] count, hist;
    final double[] sum, sumSq, max;
    final TopList[] top;

    FeatureStats(String sae, String hook, int dSae, int nBins, int topK) {
        this.sae = sae;
        this.hook = hook;
        this.dSae = dSae;
        this.nBins = nBins;
        count = new long[dSae];
        hist = new long[dSae * nBins];
        sum = new double[dSae];
        sumSq = new double[dSae];
        max = new double[dSae];
        top = new TopList[dSae];
        for (int i = 0; i < dSae; i++) top[i] = new TopList(topK);
    }

    /** An empty aggregate of the same shape. */
    FeatureStats emptyLike() { return new FeatureStats(sae, hook, dSae, nBins, top.length == 0 ? 0 : top[0].capacity()); }

    /** One active feature on one token. */
    void add(int feature, double a, int bin) {
        count[feature]++;
        sum[feature] += a;
        sumSq[feature] += a * a;
        if (a > max[feature]) max[feature] = a;
        hist[feature * nBins + bin]++;
    }

    void merge(FeatureStats o) {
        if (!o.sae.equals(sae) || o.dSae != dSae || o.nBins != nBins) {
            throw new IllegalArgumentException("cannot merge the features of SAE " + o.sae + " (" + o.dSae + ") into " + sae + " (" + dSae + ")");
        }
        tokens += o.tokens;
        for (int i = 0; i < dSae; i++) {
            count[i] += o.count[i];
            sum[i] += o.sum[i];
            sumSq[i] += o.sumSq[i];
            max[i] = Math.max(max[i], o.max[i]);
            top[i].merge(o.top[i]);
        }
        for (int i = 0; i < hist.length; i++) hist[i] += o.hist[i];
    }

    /** The SAE's name (its folder's). */
    public String sae() { return sae; }
    public String hook() { return hook; }
    public int dSae() { return dSae; }
    public long tokens() { return tokens; }
    public long count(int feature) { return count[feature]; }
    public double sum(int feature) { return sum[feature]; }
    public double sumOfSquares(int feature) { return sumSq[feature]; }
    public double max(int feature) { return max[feature]; }
    public List<TopExample> examples(int feature) { return top[feature].items(); }

    /** The feature's histogram counts, one per bin of {@link ScanSpec.FeatureBins#lowerEdges()}. */
    public long[] histogram(int feature) {
        long[] h = new long[nBins];
        System.arraycopy(hist, feature * nBins, h, 0, nBins);
        return h;
    }
}
