package org.circuitscope.lsp;

import java.util.ArrayList;
import java.util.List;
import org.circuitscope.circuits.PathExpansion;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.eclipse.lsp4j.jsonrpc.CancelChecker;

/**
 * {@code circuitscope.pathExpansion}: the circuits library's {@link PathExpansion} of the
 * target's logit; the {@code top} largest terms (default 40) and the sum of the rest, so the
 * listed terms plus {@code rest} add up to the logit.
 */
final class PathsFeature {
    private PathsFeature() {}

    record Term(String kind, String label, double value) {}

    record Result(String model, int position, Integer token_index, int target_id, String target_text, double logit, double sum,
                  int term_count, List<Term> terms, double rest) {}

    static List<String> hooks(ModelConfig c) {
        List<String> n = new ArrayList<>(List.of(HookPoint.EMBED, HookPoint.POS_EMBED));
        boolean norm = c.normalizationType() != Normalization.NONE;
        if (norm) n.add(HookPoint.LN_FINAL_SCALE);
        for (int l = 0; l < c.nLayers(); l++) {
            n.add(HookPoint.attn(l, "pattern"));
            n.add(HookPoint.attn(l, "z"));
            if (norm) n.add(HookPoint.ln(l, "ln1", "scale"));
            if (!c.attnOnly()) n.add(HookPoint.mlpOut(l));
        }
        return n;
    }

    static Result run(Target t, PromptRun run, int top, CancelChecker cancel) {
        var m = run.model();
        var cache = run.acts().cacheWith(hooks(m.config()), cancel);
        cancel.checkCanceled();
        PathExpansion.Result r = PathExpansion.expand(m.transformer(), cache, t.pos(), t.id());
        List<Term> terms = new ArrayList<>();
        double rest = 0;
        for (PathExpansion.Term x : r.terms()) {
            if (terms.size() < top) terms.add(new Term(x.kind(), x.label(), x.value()));
            else rest += x.value();
        }
        return new Result(m.name(), t.pos(), t.token() < 0 ? null : t.token(), t.id(), m.tokenText(t.id()), r.logit(), r.sum(),
                r.terms().size(), terms, rest);
    }
}
