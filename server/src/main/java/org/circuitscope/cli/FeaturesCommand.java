package org.circuitscope.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.circuitscope.features.CorpusFeatures;
import org.circuitscope.features.FeatureLogits;
import org.circuitscope.features.ScanCorpusFeatures;
import org.circuitscope.features.TokenFeatures;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.RunOptions;
import org.circuitscope.report.FeaturesReport;
import org.circuitscope.sae.SaeSet;
import org.circuitscope.sae.SparseFeatures;
import org.circuitscope.scan.ScanOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The active SAE features of every token: one forward pass recording the SAEs' hook points, then each SAE's encoder. */
@Command(name = "features", mixinStandardHelpOptions = true,
        description = "Show, per token, the strongest active features of the SAEs (--sae) with their activations and labels"
                + " (the tokens each feature promotes through W_dec·W_U).")
final class FeaturesCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;
    @Mixin InputOptions input;
    @Mixin SaeOptions saeOptions;
    @Option(names = "--top", paramLabel = "N", defaultValue = "5", description = "Features listed per token (default ${DEFAULT-VALUE}).") int top;
    @Option(names = "--json", description = "Print JSON for machines.") boolean json;
    @Option(names = "--scan", paramLabel = "DIR", description = "A corpus scan run with these SAEs (scan --sae): labels add each feature's top corpus context.")
    java.nio.file.Path scan;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (saeOptions.saes.isEmpty()) throw new ParameterException(spec.commandLine(), "name at least one SAE folder with --sae DIR");
        if (top < 1) throw new ParameterException(spec.commandLine(), "--top must be at least 1, got " + top);
        try (LoadedModel m = modelOptions.load()) {
            SaeSet set = saeOptions.load(m.config());
            int[] ids = input.resolve(m).tokens();
            ActivationCache cache = m.transformer().run(ids, RunOptions.names(TokenFeatures.hooks(set)));
            Map<String, SparseFeatures> enc = TokenFeatures.encode(set, cache.asMap());
            FeaturesReport r = FeaturesReport.of(Prompts.of(m, ids), set, enc, new FeatureLogits(m.transformer().weights(), set),
                    scan == null ? CorpusFeatures.NONE : ScanCorpusFeatures.of(ScanOutput.read(scan)), top);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOut.print(out, r);
                return 0;
            }
            out.printf("model %s, SAEs %s: top %d features per token%n", r.model(),
                    String.join(", ", r.saes().stream().map(s -> s.name() + " (" + s.hook_name() + ", " + s.architecture() + ", " + s.d_sae() + ")").toList()), top);
            out.printf("%4s  %-16s %4s  %s%n", "pos", "token", "L0", "features (activation) → promoted tokens");
            for (FeaturesReport.Row row : r.tokens()) {
                out.printf("%4d  %-16s %4d", row.token().position(), Text.quote(row.token().text()), row.active());
                String sep = "  ";
                for (FeaturesReport.Feature f : row.features()) {
                    out.printf("%s%s (%.3f) %s", sep, f.feature(), f.activation(), f.label());
                    sep = "\n" + " ".repeat(28);
                }
                out.println();
            }
        }
        return 0;
    }
}
