package org.circuitscope.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.circuitscope.circuits.ChannelComponent;
import org.circuitscope.circuits.VirtualWeights;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.report.VirtualWeightsReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Virtual weights between a writer of the residual stream and a later reader. */
@Command(name = "virtual-weights", mixinStandardHelpOptions = true,
        description = "Virtual weights W_out(writer)·W_in(reader) between a writer (embed, pos_embed, L0H1, MLP0) and a later reader"
                + " (L1H0:q|k|v, MLP1): Frobenius norm, singular values and top singular directions.")
final class VirtualWeightsCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;
    @Option(names = "--from", required = true, paramLabel = "WRITER", description = "embed, pos_embed, a head (L0H1) or an MLP (MLP0).") String from;
    @Option(names = "--to", required = true, paramLabel = "READER", description = "A head's input (L1H0:q, :k or :v) or an MLP (MLP1).") String to;
    @Option(names = "--top", defaultValue = "3", description = "Singular directions to show (default ${DEFAULT-VALUE}).") int top;
    @Option(names = "--coords", defaultValue = "5", description = "Heaviest coordinates per singular vector (default ${DEFAULT-VALUE}).") int coords;
    @Option(names = "--json", description = "Print JSON for machines.") boolean json;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (top < 0 || coords < 1) throw new IllegalArgumentException("--top must be ≥ 0 and --coords ≥ 1");
        try (LoadedModel m = modelOptions.load()) {
            ChannelComponent w = ChannelComponent.parse(from, m.config(), false), r = ChannelComponent.parse(to, m.config(), true);
            VirtualWeights.Result v = VirtualWeights.compute(m.transformer().weights(), w, r, top, coords);
            VirtualWeightsReport rep = VirtualWeightsReport.of(m.name(), v, id -> Prompts.of(m, new int[0]).text(id));
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOut.print(out, rep);
                return 0;
            }
            out.printf("model %s: %s → %s, %d×%d through d_model %d%n", rep.model(), rep.writer(), rep.reader(), rep.shape()[0], rep.shape()[2], rep.shape()[1]);
            out.printf("Frobenius norm %.4f, relative to ‖W_out‖·‖W_in‖ %.4f (random ≈ 1/√d_model = %.4f)%n", rep.frobenius_norm(), rep.relative_norm(),
                    1 / Math.sqrt(rep.shape()[1]));
            StringBuilder sv = new StringBuilder();
            for (int i = 0; i < Math.min(8, rep.singular_values().length); i++) sv.append(String.format(" %.4f", rep.singular_values()[i]));
            out.println("singular values:" + sv + (rep.singular_values().length > 8 ? " …" : ""));
            for (VirtualWeightsReport.Direction d : rep.directions()) {
                out.printf("σ = %.4f  %s: %s%n             %s: %s%n", d.singular_value(), rep.writer_space(), line(d.writer()), rep.reader_space(), line(d.reader()));
            }
        }
        return 0;
    }

    private static String line(java.util.List<VirtualWeightsReport.Coordinate> cs) {
        StringBuilder sb = new StringBuilder();
        for (VirtualWeightsReport.Coordinate c : cs) sb.append(String.format("%s %+.3f  ", Text.quote(c.label()), c.value()));
        return sb.toString().trim();
    }
}
