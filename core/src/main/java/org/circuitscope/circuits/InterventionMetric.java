package org.circuitscope.circuits;

import java.util.ArrayList;
import java.util.List;
import org.circuitscope.model.LogitOps;
import org.circuitscope.tensor.Tensor;

/**
 * What an intervention (ablation, patching) is measured by, per position p: the target's logit,
 * its log-probability (log_softmax, float64), or the logit difference target − contrast. The
 * target is a fixed token, or (target −1) the token actually at p + 1, in which case the last
 * position has none and is left out.
 */
public record InterventionMetric(Kind kind, int target, int contrast) {
    public enum Kind { LOGIT, LOGPROB, LOGIT_DIFF }

    /** The effect at one position; {@code token} is the target measured there. */
    public record PositionEffect(int position, int token, double clean, double intervened, double change) {}

    public InterventionMetric {
        if (kind == null) throw new IllegalArgumentException("metric kind missing");
        if (kind == Kind.LOGIT_DIFF && contrast < 0) throw new IllegalArgumentException("a logit difference needs a contrast token");
    }

    /** Log-probability of the actual next token: what the {@code ablate} command reports. */
    public static InterventionMetric nextTokenLogprob() { return new InterventionMetric(Kind.LOGPROB, -1, -1); }

    double value(Tensor logits, int pos, int token) {
        float[] l = logits.data();
        int v = logits.dim(1);
        return switch (kind) {
            case LOGIT -> l[pos * v + token];
            case LOGPROB -> LogitOps.logSoftmax(logits, pos)[token];
            case LOGIT_DIFF -> (double) l[pos * v + token] - l[pos * v + contrast];
        };
    }

    /** Metric before and after, per position, for logits of the same prompt. */
    public List<PositionEffect> compare(int[] tokens, Tensor clean, Tensor intervened) {
        int v = clean.dim(1);
        if (target >= v || contrast >= v) throw new IllegalArgumentException("target or contrast token outside the vocabulary [0, " + v + ")");
        int n = target < 0 ? tokens.length - 1 : tokens.length;
        List<PositionEffect> out = new ArrayList<>(Math.max(n, 0));
        for (int p = 0; p < n; p++) {
            int tok = target < 0 ? tokens[p + 1] : target;
            double a = value(clean, p, tok), b = value(intervened, p, tok);
            out.add(new PositionEffect(p, tok, a, b, b - a));
        }
        return List.copyOf(out);
    }
}
