package org.circuitscope.lsp;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.circuitscope.circuits.Ablation;
import org.circuitscope.circuits.HeadIndex;
import org.circuitscope.circuits.InterventionMetric;
import org.circuitscope.model.Hook;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.RunOptions;
import org.circuitscope.tensor.Tensor;
import org.eclipse.lsp4j.jsonrpc.CancelChecker;

/**
 * {@code circuitscope.ablate}: the circuits library's zero or mean {@link Ablation} of the
 * heads, measured by {@link InterventionMetric#nextTokenLogprob()}; the clean logits and hook_z
 * come from the document's run, the ablated pass also checks for cancellation.
 */
final class AblateFeature {
    private AblateFeature() {}

    record TokenDelta(int index, String text, double logprob, double ablated_logprob, double delta) {}

    record Result(String model, List<String> heads, boolean mean, double mean_loss, double ablated_mean_loss, List<TokenDelta> tokens) {}

    static Result run(JsonObject o, PromptRun run, CancelChecker cancel) {
        ModelConfig c = run.model().config();
        boolean mean = Params.bool(o, "mean", false, Commands.ABLATE);
        List<HeadIndex> heads = heads(o.get("heads"), c);
        Ablation.Mode mode = mean ? Ablation.Mode.MEAN : Ablation.Mode.ZERO;
        List<String> zs = new ArrayList<>();
        for (HeadIndex h : heads) if (!zs.contains(HookPoint.attn(h.layer(), "z"))) zs.add(HookPoint.attn(h.layer(), "z"));
        Map<String, Hook> hooks = new HashMap<>(ActivationStore.cancelHooks(c, cancel));
        hooks.putAll(Ablation.hooks(c, heads, mode, mean ? run.acts().cacheWith(zs, cancel) : null));
        Tensor ablated = run.model().transformer().run(run.ids(), new RunOptions(n -> false, hooks)).logits();
        List<TokenDelta> rows = new ArrayList<>();
        double before = 0, after = 0;
        for (InterventionMetric.PositionEffect e : InterventionMetric.nextTokenLogprob().compare(run.ids(), run.logits(), ablated)) {
            before -= e.clean();
            after -= e.intervened();
            rows.add(new TokenDelta(e.position() + 1, run.model().tokenText(e.token()), e.clean(), e.intervened(), e.change()));
        }
        int n = Math.max(1, rows.size());
        return new Result(run.model().name(), heads.stream().map(HeadIndex::label).toList(), mean, before / n, after / n, rows);
    }

    /** Heads as ["L0H1", "0.1", {"layer": 0, "head": 1}, ...], each checked against the model. */
    static List<HeadIndex> heads(JsonElement e, ModelConfig c) {
        String cmd = Commands.ABLATE;
        if (e == null || !e.isJsonArray() || e.getAsJsonArray().isEmpty()) {
            throw Params.invalid(cmd + ": 'heads' must be a non-empty array of heads, e.g. [\"L0H1\", {\"layer\": 1, \"head\": 0}]");
        }
        LinkedHashSet<HeadIndex> out = new LinkedHashSet<>();
        JsonArray a = e.getAsJsonArray();
        for (JsonElement h : a) {
            if (h.isJsonObject()) {
                int l = Params.integer(h.getAsJsonObject(), "layer", cmd), k = Params.integer(h.getAsJsonObject(), "head", cmd);
                Commands.checkHead(c, l, k, cmd);
                out.add(new HeadIndex(l, k));
            } else if (h.isJsonPrimitive() && h.getAsJsonPrimitive().isString()) {
                try {
                    out.add(HeadIndex.parse(h.getAsString(), c));
                } catch (IllegalArgumentException x) {
                    throw Params.invalid(cmd + ": " + x.getMessage());
                }
            } else {
                throw Params.invalid(cmd + ": " + h + " is not a head; write L1H6, 1.6 or {\"layer\": 1, \"head\": 6}");
            }
        }
        return new ArrayList<>(out);
    }
}
