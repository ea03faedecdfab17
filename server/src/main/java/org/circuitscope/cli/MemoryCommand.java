package org.circuitscope.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.circuitscope.circuits.MemoryManagement;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.report.MemoryReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Components whose mean output removes what an earlier component wrote. */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = "Memory management: cosines of each head's and MLP's mean output over a text with every earlier writer's and"
                + " with the stream it reads; negative cosines are erasers.")
final class MemoryCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;
    @Mixin TextWindows text;
    @Option(names = "--threshold", defaultValue = "0.3", description = "Report pairs with cosine ≤ −THRESHOLD as erasers (default ${DEFAULT-VALUE}).") double threshold;
    @Option(names = "--top", defaultValue = "10", description = "Most negative pairs to print (default ${DEFAULT-VALUE}).") int top;
    @Option(names = "--json", description = "Print JSON for machines.") boolean json;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!(threshold >= 0 && threshold <= 1)) throw new IllegalArgumentException("--threshold must be between 0 and 1");
        try (LoadedModel m = modelOptions.load()) {
            List<ActivationCache> runs = text.run(m, MemoryManagement.hooks(m.config()));
            MemoryReport r = new MemoryReport(m.name(), runs.size(), TextWindows.SKIP, MemoryManagement.compute(m.config(), runs, TextWindows.SKIP, threshold));
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOut.print(out, r);
                return 0;
            }
            MemoryManagement.Result res = r.result();
            out.printf("model %s: mean outputs over %d positions in %d windows (BOS left out); %d pairs with cosine ≤ −%.2f%n", r.model(), res.samples(),
                    r.windows(), res.erasers().size(), threshold);
            out.printf("%-8s %-10s %9s %9s%n", "reader", "writer", "cosine", "erased");
            for (MemoryManagement.Pair p : res.pairs().subList(0, Math.min(top, res.pairs().size()))) {
                out.printf("%-8s %-10s %+9.4f %+9.4f%s%n", p.reader(), p.writer(), p.cosine(), p.erased(), p.cosine() <= -threshold ? "  eraser" : "");
            }
            out.printf("%n%-8s %-28s %9s %9s%n", "output", "vs the mean stream it reads", "cosine", "‖mean‖");
            for (MemoryManagement.Reading x : res.readings()) out.printf("%-8s %-28s %+9.4f %9.4f%n", x.component(), x.input(), x.cosine(), x.norm());
        }
        return 0;
    }
}
