package org.circuitscope.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.circuitscope.circuits.BasisScan;
import org.circuitscope.circuits.PrivilegedBasis;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.report.BasisReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The privileged-basis test over a text. */
@Command(name = "basis", mixinStandardHelpOptions = true,
        description = "Privileged basis: per basis direction the excess kurtosis of the residual stream, head outputs and MLP neurons"
                + " over a text, against the same after a seeded random rotation; outlier dimensions.")
final class BasisCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;
    @Mixin TextWindows text;
    @Option(names = "--seed", defaultValue = "0", description = "Seed of the random rotation (default ${DEFAULT-VALUE}).") long seed;
    @Option(names = "--json", description = "Print JSON for machines.") boolean json;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (LoadedModel m = modelOptions.load()) {
            List<ActivationCache> runs = text.run(m, BasisScan.hooks(m.config()));
            BasisReport r = BasisReport.of(m.name(), runs.size(), TextWindows.SKIP, seed, BasisScan.compute(m.config(), runs, TextWindows.SKIP, seed));
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOut.print(out, r);
                return 0;
            }
            out.printf("model %s: %d positions in %d windows (BOS left out); excess kurtosis, 0 for a Gaussian; rotation seed %d%n",
                    r.model(), r.samples(), r.windows(), r.seed());
            out.printf("%-28s %5s %9s %9s %9s %9s   %s%n", "activation", "dims", "mean", "max", "rot mean", "rot max", "outliers (dim: kurtosis)");
            for (BasisReport.Entry e : r.activations()) {
                StringBuilder sb = new StringBuilder();
                for (PrivilegedBasis.Outlier o : e.outliers().subList(0, Math.min(5, e.outliers().size()))) sb.append(String.format("%d: %.1f  ", o.index(), o.kurtosis()));
                if (e.outliers().size() > 5) sb.append("(").append(e.outliers().size()).append(" in all)");
                out.printf("%-28s %5d %9.3f %9.3f %9.3f %9.3f   %s%n", e.name(), e.dims(), e.mean_kurtosis(), e.max_kurtosis(), e.rotated_mean_kurtosis(),
                        e.rotated_max_kurtosis(), sb.toString().trim());
            }
        }
        return 0;
    }
}
