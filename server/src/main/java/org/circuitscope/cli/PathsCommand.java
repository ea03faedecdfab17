package org.circuitscope.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.circuitscope.circuits.PathExpansion;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.model.RunOptions;
import org.circuitscope.report.PathsReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Path expansion of one logit: direct path, single heads, virtual heads, MLPs and biases, summing to the logit. */
@Command(name = "paths", mixinStandardHelpOptions = true,
        description = "Path expansion of a logit at a position (patterns and LayerNorm scales frozen): direct, head, virtual-head, MLP and bias terms that sum to the logit.")
final class PathsCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;
    @Mixin InputOptions input;
    @Mixin PositionOptions at;
    @Option(names = "--top", defaultValue = "30", description = "Terms shown in text output (default ${DEFAULT-VALUE}; --json lists all).") int top;
    @Option(names = "--json", description = "Print JSON for machines.") boolean json;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (top < 1) throw new IllegalArgumentException("--top must be at least 1");
        try (LoadedModel m = modelOptions.load()) {
            PositionOptions.Explained e = at.explain(m, input, RunOptions.names(PathExpansion.hooks(m.config())));
            int p = e.position(), t = e.target();
            PathsReport r = PathsReport.of(Prompts.of(m, e.ids()), e.cache(), p, t, Integer.MAX_VALUE);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOut.print(out, r);
                return 0;
            }
            out.printf("model %s, position %d %s, target %s (id %d): logit %.4f = sum of %d terms (%.4f)%n", r.model(), p,
                    Text.quote(r.token().text()), Text.quote(r.target().text()), t, r.logit(), r.n_terms(), r.sum());
            out.printf("%-12s %-24s %10s%n", "kind", "term", "value");
            int shown = 0;
            for (PathExpansion.Term term : r.terms()) {
                if (shown++ == top) break;
                out.printf("%-12s %-24s %10.4f%n", term.kind(), term.label(), term.value());
            }
            if (r.n_terms() > top) out.printf("… %d more terms (--top or --json to see them)%n", r.n_terms() - top);
        }
        return 0;
    }
}
