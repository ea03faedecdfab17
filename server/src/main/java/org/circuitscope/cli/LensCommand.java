package org.circuitscope.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.circuitscope.circuits.LogitLens;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.model.RunOptions;
import org.circuitscope.report.LensReport;
import org.circuitscope.report.Prediction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The logit lens: the residual stream after each layer decoded through ln_final and W_U. */
@Command(name = "lens", mixinStandardHelpOptions = true,
        description = "Logit lens at a position: top tokens of the residual stream after each layer (through ln_final and W_U), and the target's rank.")
final class LensCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;
    @Mixin InputOptions input;
    @Mixin PositionOptions at;
    @Option(names = "--top", defaultValue = "5", description = "Top tokens per layer (default ${DEFAULT-VALUE}).") int top;
    @Option(names = "--json", description = "Print JSON for machines.") boolean json;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (top < 1) throw new IllegalArgumentException("--top must be at least 1");
        try (LoadedModel m = modelOptions.load()) {
            PositionOptions.Explained e = at.explain(m, input, RunOptions.names(LogitLens.hooks(m.config())));
            int p = e.position(), t = e.target();
            LensReport r = LensReport.of(Prompts.of(m, e.ids()), e.cache(), p, t, top);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOut.print(out, r);
                return 0;
            }
            out.printf("model %s, position %d %s, target %s (id %d)%n", r.model(), p, Text.quote(r.token().text()), Text.quote(r.target().text()), t);
            out.printf("%-28s %6s %9s   %s%n", "residual", "rank", "logprob", "top tokens");
            for (LensReport.Layer l : r.layers()) {
                StringBuilder sb = new StringBuilder();
                for (Prediction q : l.top()) sb.append(String.format("%s %.1f%%  ", Text.quote(q.text()), 100 * q.prob()));
                out.printf("%-28s %6d %9.4f   %s%n", l.hook(), l.target_rank(), l.target_logprob(), sb.toString().trim());
            }
        }
        return 0;
    }
}
