package org.circuitscope.lsp.command;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.circuitscope.circuits.Ablation;
import org.circuitscope.circuits.HeadIndex;
import org.circuitscope.circuits.InterventionMetric;
import org.circuitscope.engine.ActivationStore;
import org.circuitscope.engine.PromptRun;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.lsp.protocol.Params;
import org.circuitscope.model.Hook;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.RunOptions;
import org.circuitscope.report.AblationReport;
import org.circuitscope.tensor.Tensor;

/**
 * {@code circuitscope.ablate}: {@link AblationReport} of zero (or, with {@code "mean": true},
 * mean) ablation of {@code heads}. The clean logits and hook_z come from the document's run;
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
        List<HeadIndex> heads = HeadArgs.list(call.args().get("heads"), c, call.command());
        Ablation.Mode mode = mean ? Ablation.Mode.MEAN : Ablation.Mode.ZERO;
        List<String> zs = new ArrayList<>();
        for (HeadIndex h : heads) if (!zs.contains(HookPoint.attn(h.layer(), "z"))) zs.add(HookPoint.attn(h.layer(), "z"));
        Map<String, Hook> hooks = new HashMap<>(ActivationStore.cancelHooks(c, call.cancel()));
        hooks.putAll(Ablation.hooks(c, heads, mode, mean ? run.acts().cacheWith(zs, call.cancel()) : null));
        Tensor ablated = run.model().transformer().run(run.ids(), new RunOptions(n -> false, hooks)).logits();
        return AblationReport.of(call.prompt(), heads, mode, InterventionMetric.nextTokenLogprob().compare(run.ids(), run.logits(), ablated));
    }
}
