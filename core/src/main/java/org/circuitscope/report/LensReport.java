package org.circuitscope.report;

import java.util.ArrayList;
import java.util.List;
import org.circuitscope.circuits.LogitLens;
import org.circuitscope.model.ActivationCache;

/**
 * {@code lens}: the logit lens at one logits row ({@link LogitLens}): each residual stream read
 * through ln_final and W_U, the last one being the model's own logits.
 *
 * @param position the logits row read (the model position of {@code token})
 */
public record LensReport(String model, int position, TokenRef token, TokenRef target, List<Layer> layers) {

    /**
     * One residual stream.
     *
     * @param index       0 for {@code blocks.0.hook_resid_pre}, then l + 1 for {@code blocks.l.hook_resid_post}
     * @param target_rank 1 for the top token
     */
    public record Layer(int index, String hook, List<Prediction> top, double target_logit, double target_logprob, int target_rank) {}

    /** On {@code cache} holding {@link LogitLens#hooks}. */
    public static LensReport of(Prompt p, ActivationCache cache, int pos, int target, int top) {
        LogitLens.Result r = LogitLens.compute(p.transformer(), cache, pos, top, target);
        List<Layer> layers = new ArrayList<>();
        for (LogitLens.Layer l : r.layers()) {
            List<Prediction> preds = new ArrayList<>();
            for (LogitLens.Prediction q : l.top()) preds.add(new Prediction(q.token(), p.text(q.token()), q.logit(), q.logprob(), Math.exp(q.logprob())));
            layers.add(new Layer(l.index(), l.hook(), List.copyOf(preds), l.targetLogit(), l.targetLogprob(), l.targetRank()));
        }
        return new LensReport(p.model(), pos, p.token(pos), p.target(pos, target), List.copyOf(layers));
    }
}
