package org.circuitscope.model;

import java.util.PriorityQueue;
import org.circuitscope.tensor.Kernels;
import org.circuitscope.tensor.Tensor;

/** Log-probabilities and top-k from rows of logits, in float64 so small probabilities keep their digits. */
public final class LogitOps {
    private LogitOps() {}

    /** A token and its score (a logit or a log-probability). */
    public record Scored(int token, double score) {}

    /** log_softmax of row {@code pos} of {@code logits [pos, d_vocab]}. */
    public static double[] logSoftmax(Tensor logits, int pos) {
        int v = logits.dim(1);
        return logSoftmax(logits.data(), pos * v, v);
    }

    /** log Σ exp of {@code d[off .. off + v)} in float64: log_softmax is d[i] − this. */
    public static double logSumExp(float[] d, int off, int v) { return Kernels.get().logSumExp(d, off, v); }

    /** 1-based rank of {@code token} in the row {@code d[off .. off + v)} (ties by lower id, as {@link #rank(double[], int)}). */
    public static int rank(float[] d, int off, int v, int token) {
        float x = d[off + token];
        Kernels k = Kernels.get();
        // Above it: the greater entries, and the equal ones before it.
        return 1 + k.countAbove(d, off, token, x, true) + k.countAbove(d, off + token + 1, v - token - 1, x, false);
    }

    /** log_softmax of {@code d[off .. off + v)}. */
    public static double[] logSoftmax(float[] d, int off, int v) {
        double lse = logSumExp(d, off, v);
        double[] out = new double[v];
        for (int i = 0; i < v; i++) out[i] = d[off + i] - lse;
        return out;
    }

    /** The k largest entries, largest first (ties by lower id). */
    public static Scored[] topK(double[] scores, int k) {
        k = Math.min(k, scores.length);
        PriorityQueue<Scored> heap = new PriorityQueue<>((a, b) -> a.score != b.score ? Double.compare(a.score, b.score) : Integer.compare(b.token, a.token));
        for (int i = 0; i < scores.length; i++) {
            if (heap.size() < k) heap.add(new Scored(i, scores[i]));
            else if (scores[i] > heap.peek().score) { heap.poll(); heap.add(new Scored(i, scores[i])); }
        }
        Scored[] out = new Scored[heap.size()];
        for (int i = out.length - 1; i >= 0; i--) out[i] = heap.poll();
        return out;
    }

    /**
     * The k largest log-probabilities of the row {@code d[off .. off + v)} whose log Σ exp is
     * {@code logSumExp}, largest first (ties by lower id), without building the whole row of
     * log-probabilities: the order of logits is the order of their log-probabilities.
     */
    public static Scored[] topK(float[] d, int off, int v, double logSumExp, int k) {
        k = Math.min(k, v);
        int[] best = new int[k];
        int n = 0;
        for (int i = 0; i < v; i++) {
            float x = d[off + i];
            if (n == k && x <= d[off + best[n - 1]]) continue; // ties keep the lower id already held
            int j = n < k ? n++ : n - 1;
            while (j > 0 && d[off + best[j - 1]] < x) { best[j] = best[j - 1]; j--; }
            best[j] = i;
        }
        Scored[] out = new Scored[n];
        for (int i = 0; i < n; i++) out[i] = new Scored(best[i], d[off + best[i]] - logSumExp);
        return out;
    }

    /** 1-based rank of {@code token} among {@code scores} (1 = the top prediction). */
    public static int rank(double[] scores, int token) {
        int r = 1;
        for (int i = 0; i < scores.length; i++) if (scores[i] > scores[token] || (scores[i] == scores[token] && i < token)) r++;
        return r;
    }
}
