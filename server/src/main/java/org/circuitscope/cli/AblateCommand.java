package org.circuitscope.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.circuitscope.circuits.Ablation;
import org.circuitscope.circuits.HeadIndex;
import org.circuitscope.circuits.InterventionMetric;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.report.AblationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Zero- or mean-ablates heads and reports, per position, the change in log-probability of the actual next token. */
@Command(name = "ablate", mixinStandardHelpOptions = true,
        description = "Ablate heads (zero, or --mean over the prompt's positions) and show the change in log-probability of each next token.")
final class AblateCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;
    @Mixin InputOptions input;
    @Option(names = "--heads", required = true, paramLabel = "L1H6,L0H3", description = "Heads to ablate together (L{layer}H{head} or layer.head, zero-based).")
    String heads;
    @Option(names = "--mean", description = "Replace each head's hook_z by its mean over the prompt's positions instead of zero.") boolean mean;
    @Option(names = "--json", description = "Print JSON for machines.") boolean json;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (LoadedModel m = modelOptions.load()) {
            List<HeadIndex> hs = HeadIndex.parseList(heads, m.config());
            InputOptions.Prompt prompt = input.resolve(m);
            int[] ids = prompt.tokens();
            if (ids.length < 2) throw new IllegalArgumentException("the prompt has one token, so there is no next token to measure; give at least two");
            Ablation.Mode mode = mean ? Ablation.Mode.MEAN : Ablation.Mode.ZERO;
            Ablation.Result a = Ablation.run(m.transformer(), ids, hs, mode, InterventionMetric.nextTokenLogprob());
            AblationReport r = AblationReport.of(Prompts.of(m, ids), hs, mode, a.positions());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOut.print(out, r);
                return 0;
            }
            out.printf("model %s, %s-ablating %s: mean change in next-token log-probability %+.4f%n", r.model(), r.mode(),
                    String.join(",", r.heads()), r.mean_change());
            out.printf("%4s  %-16s %-16s %9s %9s %9s%n", "pos", "token", "next", "logprob", "ablated", "change");
            for (AblationReport.Row p : r.positions()) {
                out.printf("%4d  %-16s %-16s %9.4f %9.4f %+9.4f%n", p.token().position(), Text.quote(p.token().text()), Text.quote(p.next().text()),
                        p.logprob(), p.ablated_logprob(), p.change());
            }
        }
        return 0;
    }
}
