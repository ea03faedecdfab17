package org.circuitscope.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.circuitscope.circuits.GradientAttribution;

/**
 * {@code attribute --method saliency | input-x-gradient | integrated-gradients}: gradient
 * attributions of log p(target) at one logits row to each token up to it ({@link GradientAttribution}).
 *
 * @param position           the logits row explained (the model position of {@code token})
 * @param logprob            log p(target) at that row
 * @param baseline_logprob   the same from the zero embedding (integrated gradients only, else null)
 * @param completeness_error Σ attributions − (logprob − baseline_logprob) (integrated gradients only, else null)
 * @param tokens             positions 0..position in order
 */
public record GradientAttributionReport(String model, String method, int position, TokenRef token, TokenRef target, int steps,
                                        double logprob, Double baseline_logprob, Double completeness_error, List<TokenValue> tokens) {

    /** Runs the backward pass over the prompt up to {@code pos} (later tokens cannot change the prediction there). */
    public static GradientAttributionReport of(Prompt p, int pos, int target, GradientAttribution.Method method, int steps) {
        int[] ids = Arrays.copyOf(p.ids(), pos + 1);
        GradientAttribution.Result g = GradientAttribution.compute(p.transformer(), ids, pos, target, method, steps);
        List<TokenValue> toks = new ArrayList<>();
        for (GradientAttribution.TokenAttribution a : g.tokens()) toks.add(new TokenValue(p.token(a.position()), a.value()));
        boolean ig = method == GradientAttribution.Method.INTEGRATED_GRADIENTS;
        return new GradientAttributionReport(p.model(), method.label(), pos, p.token(pos), p.target(pos, target), g.steps(), g.f(),
                ig ? g.fBaseline() : null, ig ? g.completenessError() : null, List.copyOf(toks));
    }
}
