package org.circuitscope.lsp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.circuitscope.circuits.DirectLogitAttribution;
import org.circuitscope.circuits.GradientAttribution;
import org.circuitscope.circuits.SourceAttribution;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.eclipse.lsp4j.jsonrpc.CancelChecker;

/**
 * {@code circuitscope.attribute} with method "direct": the circuits library's
 * {@link DirectLogitAttribution} (every component, summing to the logit) and
 * {@link SourceAttribution} (each head's split over source tokens), heads and sources sorted by
 * |contribution|.
 */
final class Attribution {
    private Attribution() {}

    record Source(int index, String text, double logit) {}

    record HeadRow(int layer, int head, String label, double logit, List<Source> sources) {}

    record Component(String kind, String label, double logit) {}

    record Result(String model, String method, int position, Integer token_index, int target_id, String target_text,
                  double logit, double total_head_logit, List<Component> components, List<HeadRow> heads) {}

    static List<String> hooks(ModelConfig c) {
        List<String> n = new ArrayList<>(List.of(HookPoint.EMBED, HookPoint.POS_EMBED));
        if (c.normalizationType() != Normalization.NONE) n.add(HookPoint.LN_FINAL_SCALE);
        for (int l = 0; l < c.nLayers(); l++) {
            n.add(HookPoint.attn(l, "result"));
            n.add(HookPoint.attn(l, "pattern"));
            n.add(HookPoint.attn(l, "v"));
            if (!c.attnOnly()) n.add(HookPoint.mlpOut(l));
        }
        return n;
    }

    static Result direct(PromptRun run, Target t, CancelChecker cancel) {
        var m = run.model();
        var cache = run.acts().cacheWith(hooks(m.config()), cancel);
        cancel.checkCanceled();
        DirectLogitAttribution.Result dla = DirectLogitAttribution.compute(m.transformer(), cache, t.pos(), t.id(), -1);
        List<Component> comps = dla.components().stream().map(x -> new Component(x.kind(), x.label(), x.value())).toList();
        List<HeadRow> rows = new ArrayList<>();
        double total = 0;
        for (SourceAttribution.HeadSources h : SourceAttribution.compute(m.transformer(), cache, t.pos(), t.id(), -1)) {
            total += h.total();
            List<Source> src = new ArrayList<>();
            for (SourceAttribution.Source s : h.sources()) src.add(new Source(s.position(), m.tokenText(s.token()), s.value()));
            src.sort(Comparator.comparingDouble((Source x) -> -Math.abs(x.logit())));
            rows.add(new HeadRow(h.layer(), h.head(), h.label(), h.total(), src));
        }
        rows.sort(Comparator.comparingDouble((HeadRow x) -> -Math.abs(x.logit())));
        return new Result(m.name(), "direct", t.pos(), t.token() < 0 ? null : t.token(), t.id(), m.tokenText(t.id()),
                dla.value(), total, comps, rows);
    }

    /** One token's gradient attribution. */
    record TokenValue(int index, String text, double value) {}

    /** Gradient attribution result (see {@link GradientAttribution}). */
    record GradientResult(String model, String method, int position, Integer token_index, int target_id, String target_text, int steps,
                          double logprob, Double baseline_logprob, Double completeness_error, List<TokenValue> tokens) {}

    /** Saliency, input × gradient or integrated gradients of log p(target) at the target's row. */
    static GradientResult gradient(PromptRun run, Target t, String method, int steps, CancelChecker cancel) {
        ModelHandle m = run.model();
        cancel.checkCanceled();
        int[] ids = java.util.Arrays.copyOf(run.ids(), t.pos() + 1);
        GradientAttribution.Result g = GradientAttribution.compute(m.transformer(), ids, t.pos(), t.id(), GradientAttribution.Method.parse(method), steps);
        List<TokenValue> toks = new ArrayList<>();
        for (GradientAttribution.TokenAttribution a : g.tokens()) toks.add(new TokenValue(a.position(), m.tokenText(a.token()), a.value()));
        boolean ig = method.equals("integrated-gradients");
        return new GradientResult(m.name(), method, t.pos(), t.token() < 0 ? null : t.token(), t.id(), m.tokenText(t.id()), g.steps(), g.f(),
                ig ? g.fBaseline() : null, ig ? g.completenessError() : null, toks);
    }
}
