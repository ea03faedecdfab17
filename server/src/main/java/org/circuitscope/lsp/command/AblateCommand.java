package org.circuitscope.lsp.command;

import java.util.ArrayList;
import com.google.gson.JsonElement;
import java.util.List;
import java.util.Map;
import org.circuitscope.circuits.Ablation;
import org.circuitscope.circuits.HeadIndex;
import org.circuitscope.circuits.InterventionMetric;
import org.circuitscope.engine.ActivationStore;
import org.circuitscope.engine.PromptRun;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.features.FeatureScales;
import org.circuitscope.lsp.protocol.Params;
import org.circuitscope.lsp.protocol.Snippet;
import org.circuitscope.sae.FeatureId;
import org.circuitscope.model.Hook;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.RunOptions;
import org.circuitscope.report.AblationReport;
import org.circuitscope.tensor.Tensor;

/**
 * {@code circuitscope.ablate}: {@link AblationReport} of zero (or, with {@code "mean": true},
 * mean) ablation of {@code heads}, and of ablating or scaling the SAE {@code features}
 * ({@code ["resid0:123=0"]}, against the document's SAEs) in the same pass. The clean logits and hook_z come from the document's run;
 * the ablated pass checks for cancellation.
 */
final class AblateCommand implements ServerCommand {
    @Override public String id() { return CommandIds.ABLATE; }

    @Override
    public Object run(CommandCall call) {
        PromptRun run = call.run();
        ModelConfig c = run.model().config();
        if (run.length() < 2) throw Params.invalid(call.command() + ": the prompt has one token, so there is no next token to measure");
        boolean mean = Params.bool(call.args(), "mean", false, call.command());
        Map<FeatureId, Double> features = features(call);
        List<HeadIndex> heads = features.isEmpty() || call.args().has("heads") ? HeadArgs.list(call.args().get("heads"), c, call.command()) : List.of();
        Ablation.Mode mode = mean ? Ablation.Mode.MEAN : Ablation.Mode.ZERO;
        List<String> zs = new ArrayList<>();
        for (HeadIndex h : heads) if (!zs.contains(HookPoint.attn(h.layer(), "z"))) zs.add(HookPoint.attn(h.layer(), "z"));
        Map<String, Hook> hooks = FeatureScales.chain(ActivationStore.cancelHooks(c, call.cancel()),
                heads.isEmpty() ? Map.of() : Ablation.hooks(c, heads, mode, mean ? run.acts().cacheWith(zs, call.cancel()) : null),
                FeatureScales.hooks(call.saes().set(), features));
        Tensor ablated = run.model().transformer().run(run.ids(), new RunOptions(n -> false, hooks)).logits();
        return AblationReport.of(call.prompt(), heads, features, mode, InterventionMetric.nextTokenLogprob().compare(run.ids(), run.logits(), ablated));
    }

    /** {@code features}: ["resid0:123=0", ...] against the document's SAEs; absent: none. */
    static Map<FeatureId, Double> features(CommandCall call) {
        JsonElement e = call.args().get("features");
        if (e == null || e.isJsonNull()) return Map.of();
        if (!e.isJsonArray() || e.getAsJsonArray().isEmpty()) {
            throw Params.invalid(call.command() + ": 'features' must be a non-empty array of \"<sae>:<index>=<multiplier>\", e.g. [\"resid0:123=0\"]");
        }
        List<String> specs = new ArrayList<>();
        for (JsonElement x : e.getAsJsonArray()) {
            if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isString() || x.getAsString().length() > Snippet.MAX) {
                throw Params.invalid(call.command() + ": " + Snippet.of(x.toString()) + " is not a feature; write \"resid0:123=0\"");
            }
            specs.add(x.getAsString());
        }
        try {
            return FeatureScales.parse(specs, call.saes().set());
        } catch (IllegalArgumentException x) {
            throw Params.invalid(call.command() + ": " + x.getMessage());
        }
    }
}
