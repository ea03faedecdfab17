package org.circuitscope.grad;

import org.circuitscope.tensor.Tensor;
import org.circuitscope.tensor.WorkerPool;

/**
 * Mean cross-entropy of logits against target tokens, and its gradient with respect to the
 * logits: loss = (1/N) Σ_t [logsumexp(logits_t) − logits_t[target_t]] over the N positions
 * that have a target; dLoss/dLogits_t = (softmax(logits_t) − onehot(target_t)) / N, and zero
 * on positions without one. Each row is reduced in double after subtracting its maximum, so
 * large logits neither overflow nor lose the small probabilities.
 */
public final class CrossEntropy {
    /** A target meaning "no loss at this position" (PyTorch's {@code ignore_index}). */
    public static final int IGNORE = -1;

    /**
     * @param loss    the mean loss in nats
     * @param dLogits dLoss/dLogits {@code [pos, d_vocab]}
     * @param count   how many positions the mean is over
     */
    public record Result(double loss, Tensor dLogits, int count) {}

    private CrossEntropy() {}

    /** The language-model loss: position t predicts {@code tokens[t+1]}, for t < T−1. */
    public static Result nextToken(Tensor logits, int[] tokens) {
        if (tokens.length < 2) {
            throw new IllegalArgumentException("the next-token loss needs at least 2 tokens, got " + tokens.length);
        }
        int[] targets = new int[tokens.length];
        System.arraycopy(tokens, 1, targets, 0, tokens.length - 1);
        targets[tokens.length - 1] = IGNORE;
        return of(logits, targets);
    }

    /** The loss with {@code targets[t]} the wanted token at position t, or {@link #IGNORE}. */
    public static Result of(Tensor logits, int[] targets) {
        if (logits.rank() != 2 || logits.dim(0) != targets.length) {
            throw new IllegalArgumentException("logits of shape " + java.util.Arrays.toString(logits.shape())
                    + " do not match " + targets.length + " targets; expected [" + targets.length + ", d_vocab]");
        }
        int t = targets.length, v = logits.dim(1);
        int count = 0;
        for (int i = 0; i < t; i++) {
            if (targets[i] == IGNORE) continue;
            if (targets[i] < 0 || targets[i] >= v) {
                throw new IllegalArgumentException("target token " + targets[i] + " at position " + i
                        + " is outside the vocabulary [0, " + v + ")");
            }
            count++;
        }
        if (count == 0) throw new IllegalArgumentException("no position has a target; the mean loss is undefined");

        float[] x = logits.data();
        Tensor grad = Tensor.zeros(t, v);
        float[] g = grad.data();
        double[] rowLoss = new double[t];
        double invCount = 1.0 / count;
        WorkerPool.parallelFor(t, i -> {
            int target = targets[i];
            if (target == IGNORE) return;
            int off = i * v;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) max = Math.max(max, x[off + j]);
            if (!Double.isFinite(max)) {
                throw new IllegalArgumentException("logits at position " + i + " are not finite (max " + max
                        + "); the model diverged or its weights hold NaN");
            }
            // One exp per entry (the cost of this loss for a large vocabulary): kept in g, then scaled.
            double sum = 0;
            for (int j = 0; j < v; j++) {
                double e = Math.exp(x[off + j] - max);
                g[off + j] = (float) e;
                sum += e;
            }
            double logSum = max + Math.log(sum);
            rowLoss[i] = logSum - x[off + target];
            float norm = (float) (invCount / sum);
            for (int j = 0; j < v; j++) g[off + j] *= norm;
            // p − 1 in double: for a confident right answer p ≈ 1 and float would cancel to noise.
            g[off + target] = (float) ((Math.exp(x[off + target] - logSum) - 1) * invCount);
        });
        double loss = 0;
        for (double r : rowLoss) loss += r;
        return new Result(loss * invCount, grad, count);
    }
}
