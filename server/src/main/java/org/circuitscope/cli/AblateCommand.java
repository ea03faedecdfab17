package org.circuitscope.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.circuitscope.features.FeatureScales;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.Hook;
import org.circuitscope.model.RunOptions;
import org.circuitscope.sae.FeatureId;
import org.circuitscope.sae.SaeSet;
import org.circuitscope.tensor.Tensor;
import java.util.concurrent.Callable;
import org.circuitscope.circuits.Ablation;
import org.circuitscope.circuits.HeadIndex;
import org.circuitscope.circuits.InterventionMetric;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.report.AblationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Zero- or mean-ablates heads and/or scales SAE features, and reports, per position, the change in log-probability of the actual next token. */
@Command(name = "ablate", mixinStandardHelpOptions = true,
        description = "Ablate heads (zero, or --mean over the prompt's positions) and/or ablate or scale SAE features (--feature),"
                + " and show the change in log-probability of each next token.")
final class AblateCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;
    @Mixin InputOptions input;
    @Option(names = "--heads", paramLabel = "L1H6,L0H3", description = "Heads to ablate together (L{layer}H{head} or layer.head, zero-based).")
    String heads;
    @Mixin SaeOptions saeOptions;
    @Option(names = "--feature", paramLabel = "SAE:INDEX[=SCALE]", description = "SAE feature to scale (0, the default, ablates;"
            + " 2 doubles it), e.g. resid0:123=0; repeatable. The SAE's reconstruction error stays in the stream.")
    List<String> features = List.of();
    @Option(names = "--mean", description = "Replace each head's hook_z by its mean over the prompt's positions instead of zero.") boolean mean;
    @Option(names = "--json", description = "Print JSON for machines.") boolean json;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (heads == null && features.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "name heads to ablate (--heads L1H6) or features to scale (--feature resid0:123=0), or both");
        }
        try (LoadedModel m = modelOptions.load()) {
            List<HeadIndex> hs = heads == null ? List.of() : HeadIndex.parseList(heads, m.config());
            SaeSet saes = saeOptions.load(m.config());
            Map<FeatureId, Double> fs = FeatureScales.parse(features, saes);
            InputOptions.Prompt prompt = input.resolve(m);
            int[] ids = prompt.tokens();
            if (ids.length < 2) throw new IllegalArgumentException("the prompt has one token, so there is no next token to measure; give at least two");
            Ablation.Mode mode = mean ? Ablation.Mode.MEAN : Ablation.Mode.ZERO;
            ActivationCache clean = m.transformer().run(ids, RunOptions.matching("blocks\\.\\d+\\.attn\\.hook_z"));
            Map<String, Hook> hooks = FeatureScales.chain(hs.isEmpty() ? Map.of() : Ablation.hooks(m.config(), hs, mode, clean),
                    FeatureScales.hooks(saes, fs));
            Tensor ablated = m.transformer().run(ids, RunOptions.none().withHooks(hooks)).logits();
            AblationReport r = AblationReport.of(Prompts.of(m, ids), hs, fs, mode,
                    InterventionMetric.nextTokenLogprob().compare(ids, clean.logits(), ablated));
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOut.print(out, r);
                return 0;
            }
            List<String> what = new ArrayList<>();
            if (!r.heads().isEmpty()) what.add(r.mode() + "-ablating " + String.join(",", r.heads()));
            if (r.features() != null) what.add("scaling features " + String.join(",", r.features()));
            out.printf("model %s, %s: mean change in next-token log-probability %+.4f%n", r.model(), String.join(" and ", what), r.mean_change());
            out.printf("%4s  %-16s %-16s %9s %9s %9s%n", "pos", "token", "next", "logprob", "ablated", "change");
            for (AblationReport.Row p : r.positions()) {
                out.printf("%4d  %-16s %-16s %9.4f %9.4f %+9.4f%n", p.token().position(), Text.quote(p.token().text()), Text.quote(p.next().text()),
                        p.logprob(), p.ablated_logprob(), p.change());
            }
        }
        return 0;
    }
}
