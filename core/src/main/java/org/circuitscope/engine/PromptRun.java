package org.circuitscope.engine;

import java.util.List;
import org.circuitscope.circuits.HeadAttribution;
import org.circuitscope.tensor.Tensor;

/**
 * One document version run through one model: the model's input tokens (BOS first when
 * prepended), each token's range in the document (UTF-16 offsets), the activations, and each
 * token's log-probability and rank under the prediction made at the position before it.
 *
 * <p>Model position {@code p} holds token {@code ids[p]}; row {@code p} of the logits predicts
 * position {@code p + 1}. A BOS token has the empty range at the body's start.
 *
 * @param bodyTokens   tokens of the body before cutting to the context (a long body is only
 *                     tokenised a little past the context, so then this is a lower bound)
 * @param truncatedAt  document offset where the analysed text stops when the body was longer
 *                     than the context ({@code -1} when it was not cut)
 * @param ready        positions before this one are scored and everything about them computed:
 *                     the whole prompt, or (an early run, {@link Analyzer}) up to and including
 *                     the first token an edit changed; a card run's (every block done, the
 *                     logits rows still being written) is the whole prompt, its scores past the
 *                     first changed token made on demand ({@link #logProbAt}, {@link #rankAt})
 */
public record PromptRun(PromptDocument doc, FrontMatter frontMatter, ModelHandle model, int[] ids, boolean bos,
                        int[] starts, int[] ends, int bodyTokens, int truncatedAt,
                        ActivationStore acts, double[] logProb, int[] rank, int ready) {

    /** Whether this is the whole analysis: every position computed (an early run's store holds only the positions before the edit). */
    public boolean complete() { return acts == null || (acts.length() == ids.length && !acts.logitsPending()); }

    /**
     * Position p's log-probability: from {@link #logProb()}, or in a card run past the first
     * changed token, from logits row p − 1 made alone.
     */
    public double logProbAt(int p) { return onDemand(p) ? acts.score(p - 1, ids[p]).logProb() : logProb[p]; }

    /** Position p's 1-based rank, as {@link #logProbAt}. */
    public int rankAt(int p) { return onDemand(p) ? acts.score(p - 1, ids[p]).rank() : rank[p]; }

    /** Whether position p is scored by a logits row the pass has not written yet. */
    private boolean onDemand(int p) { return acts != null && acts.logitsPending() && p >= 1 && p - 1 >= acts.computedFrom(); }

    public int length() { return ids.length; }

    public Tensor logits() { return acts.logits(); }

    /** Whether position {@code p} has a prediction to score it (every position but the first). */
    public boolean scored(int p) { return p >= 1 && p < ids.length; }

    /** Surprisal of position p's token in bits. */
    public double surprisalBits(int p) { return -logProbAt(p) / Math.log(2); }

    /** log-probabilities of the next token after position p. */
    public double[] nextLogProbs(int p) { return acts.logSoftmax(p); }

    /**
     * The model position whose token covers document offset {@code off} (the first one when
     * byte tokens share a character); -1 when none does. A BOS token covers nothing.
     */
    public int positionAt(int off) {
        int lo = bos ? 1 : 0, hi = ids.length - 1, found = -1;
        while (lo <= hi) { // last token starting at or before off
            int mid = (lo + hi) >>> 1;
            if (starts[mid] <= off) { found = mid; lo = mid + 1; } else hi = mid - 1;
        }
        if (found < 0) return -1;
        int p = found;
        while (p - 1 >= (bos ? 1 : 0) && starts[p - 1] <= off && ends[p - 1] > off) p--;
        return ends[p] > off ? p : -1;
    }

    /**
     * Every head's direct contribution to {@code target}'s logit at logits row {@code pos},
     * largest first, the first {@code withSources} split over source tokens ({@link HeadAttribution}).
     */
    public List<HeadAttribution.Head> heads(int pos, int target, int withSources, Cancel cancel) {
        return HeadAttribution.at(model.transformer().weights(), acts.kv(), acts.length(), pos, target, withSources, cancel::check);
    }

    /** Mean cross-entropy (nats) over the scored positions; NaN when there are none. */
    public double meanLoss() {
        double s = 0;
        int n = 0;
        for (int p = 1; p < ids.length; p++) { s -= logProb[p]; n++; }
        return n == 0 ? Double.NaN : s / n;
    }
}
