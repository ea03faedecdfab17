package org.circuitscope.lsp;

import java.util.ArrayList;
import java.util.List;
import org.circuitscope.circuits.LogitLens;
import org.eclipse.lsp4j.jsonrpc.CancelChecker;

/** {@code circuitscope.logitLens}: the circuits library's {@link LogitLens} at one position, with token texts. */
final class LensFeature {
    private LensFeature() {}

    record Prediction(int id, String text, double logit, double prob) {}

    record Layer(String name, double target_logit, double target_logprob, int target_rank, List<Prediction> top) {}

    record Result(String model, int position, Integer token_index, int target_id, String target_text, List<Layer> layers) {}

    static Result run(Target t, PromptRun run, int k, CancelChecker cancel) {
        var model = run.model();
        var cache = run.acts().cacheWith(LogitLens.hooks(model.config()), cancel);
        LogitLens.Result r = LogitLens.compute(model.transformer(), cache, t.pos(), k, t.id());
        List<Layer> layers = new ArrayList<>();
        for (LogitLens.Layer l : r.layers()) {
            List<Prediction> top = new ArrayList<>();
            for (LogitLens.Prediction p : l.top()) top.add(new Prediction(p.token(), model.tokenText(p.token()), p.logit(), Math.exp(p.logprob())));
            layers.add(new Layer(l.hook(), l.targetLogit(), l.targetLogprob(), l.targetRank(), top));
        }
        return new Result(model.name(), t.pos(), t.token() < 0 ? null : t.token(), t.id(), model.tokenText(t.id()), layers);
    }
}
