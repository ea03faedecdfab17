package org.circuitscope.report;

import java.util.List;
import org.circuitscope.circuits.PathExpansion;
import org.circuitscope.model.ActivationCache;

/**
 * {@code paths}: the exact path expansion of one logit ({@link PathExpansion}).
 *
 * @param position the logits row explained: the model position of {@code token}, whose prediction of {@code target} the terms sum to
 * @param logit    the model's logit of the target at that row
 * @param sum      Σ of every term (equal to {@code logit} to float precision)
 * @param n_terms  how many terms the expansion has
 * @param terms    the largest |value| first, at most the {@code top} asked for
 * @param rest     Σ of the terms left out of {@code terms} (0 when none were)
 */
public record PathsReport(String model, int position, TokenRef token, TokenRef target, double logit, double sum, int n_terms,
                          List<PathExpansion.Term> terms, double rest) {

    /** On {@code cache} holding {@link PathExpansion#hooks}; {@code top} terms listed. */
    public static PathsReport of(Prompt p, ActivationCache cache, int pos, int target, int top) {
        PathExpansion.Result r = PathExpansion.expand(p.transformer(), cache, pos, target);
        List<PathExpansion.Term> all = r.terms();
        int shown = Math.min(top, all.size());
        double rest = 0;
        for (int i = shown; i < all.size(); i++) rest += all.get(i).value();
        return new PathsReport(p.model(), pos, p.token(pos), p.target(pos, target), r.logit(), r.sum(), all.size(),
                List.copyOf(all.subList(0, shown)), rest);
    }
}
