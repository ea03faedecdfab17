package org.circuitscope.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.circuitscope.circuits.Interference;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.report.InterferenceReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Cosines between MLP neurons' write and read directions, against random directions. */
@Command(name = "interference", mixinStandardHelpOptions = true,
        description = "Interference: the distribution of cosines between MLP neurons' write directions (rows of W_out) and read"
                + " directions (columns of W_in), against random directions in d_model (mean 0, variance 1/d_model).")
final class InterferenceCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;
    @Option(names = "--seed", defaultValue = "0", description = "Seed of the random directions (default ${DEFAULT-VALUE}).") long seed;
    @Option(names = "--json", description = "Print JSON for machines.") boolean json;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (LoadedModel m = modelOptions.load()) {
            InterferenceReport r = new InterferenceReport(m.name(), m.config().dModel(), seed, Interference.compute(m.transformer().weights(), seed));
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOut.print(out, r);
                return 0;
            }
            out.printf("model %s, d_model %d: cosines of neuron pairs; random directions have mean 0 and d_model·variance 1%n", r.model(), r.d_model());
            out.printf("%-6s %-7s %6s %9s %9s %12s %8s %12s%n", "layer", "", "neurons", "pairs", "mean", "d·variance", "max|cos|", "|cos|>3/√d");
            for (Interference.Layer l : r.layers()) {
                row(out, "MLP" + l.layer(), "write", l.write());
                row(out, "", "read", l.read());
                row(out, "", "random", l.random());
            }
        }
        return 0;
    }

    private static void row(PrintWriter out, String layer, String what, Interference.Stats s) {
        out.printf("%-6s %-7s %6d %9d %+9.5f %12.4f %8.4f %11.3f%%%n", layer, what, s.directions(), s.pairs(), s.mean(), s.dimsTimesVariance(), s.maxAbs(), 100 * s.tail());
    }
}
