package org.circuitscope.circuits;

import org.circuitscope.model.LogitOps;
import org.circuitscope.tensor.Tensor;

/**
 * The one number an activation-patching sweep watches, a function of a run's logits only (as
 * TransformerLens's {@code patching_metric(logits)}), so clean, corrupt and patched runs are
 * measured alike:
 * <ul>
 * <li>{@code logit_diff}: logits[T−1, target] − logits[T−1, contrast] at the last position;</li>
 * <li>{@code loss}: the mean next-token cross-entropy (nats) against the clean prompt's tokens,
 *   −(1/(T−1)) Σ_{p<T−1} log_softmax(logits[p])[clean[p+1]], float64.</li>
 * </ul>
 */
public record PatchingMetric(Kind kind, int target, int contrast) {
    public enum Kind { LOGIT_DIFF, LOSS }

    public PatchingMetric {
        if (kind == null) throw new IllegalArgumentException("patching metric kind missing");
        if (kind == Kind.LOGIT_DIFF && (target < 0 || contrast < 0)) {
            throw new IllegalArgumentException("a logit difference needs a target and a contrast token");
        }
        if (kind == Kind.LOGIT_DIFF && target == contrast) {
            throw new IllegalArgumentException("the contrast is the target token itself; the difference would always be 0");
        }
    }

    public static PatchingMetric logitDiff(int target, int contrast) { return new PatchingMetric(Kind.LOGIT_DIFF, target, contrast); }

    public static PatchingMetric loss() { return new PatchingMetric(Kind.LOSS, -1, -1); }

    /** The name reports use: {@code logit_diff} or {@code loss}. */
    public String label() { return kind == Kind.LOSS ? "loss" : "logit_diff"; }

    /** Checks the tokens against the vocabulary and the prompt's length against what the metric needs. */
    void validate(int vocab, int length) {
        if (kind == Kind.LOGIT_DIFF && (target >= vocab || contrast >= vocab)) {
            throw new IllegalArgumentException("target " + target + " or contrast " + contrast + " is outside the vocabulary [0, " + vocab + ")");
        }
        if (kind == Kind.LOSS && length < 2) throw new IllegalArgumentException("the loss needs at least two tokens (one prediction to score)");
    }

    /** The metric of {@code logits} [pos, d_vocab] of a run on a prompt of {@code clean}'s length. */
    public double of(int[] clean, Tensor logits) {
        int t = logits.dim(0), v = logits.dim(1);
        float[] l = logits.data();
        if (kind == Kind.LOGIT_DIFF) return (double) l[(t - 1) * v + target] - l[(t - 1) * v + contrast];
        double sum = 0;
        for (int p = 0; p < t - 1; p++) sum += LogitOps.logSumExp(l, p * v, v) - l[p * v + clean[p + 1]];
        return sum / (t - 1);
    }
}
