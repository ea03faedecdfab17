package org.circuitscope.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.report.Prediction;
import org.circuitscope.report.PredictReport;
import org.circuitscope.model.LogitOps;
import org.circuitscope.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** For each position: the token, its log-probability given what came before, and the top next tokens. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Per token: log-probability under the model and the top-5 next-token predictions.")
final class PredictCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;
    @Mixin InputOptions input;
    @Option(names = "--top", defaultValue = "5", description = "How many next-token predictions per position (default ${DEFAULT-VALUE}).") int top;
    @Option(names = "--json", description = "Print JSON for machines.") boolean json;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (top < 1) throw new IllegalArgumentException("--top must be at least 1");
        try (LoadedModel m = modelOptions.load()) {
            InputOptions.Prompt prompt = input.resolve(m);
            PredictReport r = PredictReport.of(Prompts.of(m, prompt.tokens()), m.transformer().forward(prompt.tokens()), top);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOut.print(out, r);
            } else {
                print(out, r);
            }
        }
        return 0;
    }

    private static void print(PrintWriter out, PredictReport r) {
        out.printf("model %s, %d tokens%s%n", r.model(), r.n_tokens(),
                r.mean_loss() == null ? "" : String.format(", mean loss %.3f nats", r.mean_loss()));
        out.printf("%4s  %-16s %8s   %s%n", "pos", "token", "logprob", "top next tokens");
        for (PredictReport.Row p : r.positions()) {
            StringBuilder sb = new StringBuilder();
            for (Prediction q : p.top()) sb.append(String.format("%s %.1f%%  ", Text.quote(q.text()), 100 * Math.exp(q.logprob())));
            out.printf("%4d  %-16s %8s   %s%n", p.token().position(), Text.quote(p.token().text()),
                    p.logprob() == null ? "" : String.format("%.3f", p.logprob()), sb.toString().trim());
        }
    }
}
