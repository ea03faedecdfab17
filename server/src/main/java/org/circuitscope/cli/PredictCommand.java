package org.circuitscope.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.circuitscope.io.LoadedModel;
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

    record Prediction(int id, String text, double logprob) {}
    record Position(int position, int id, String text, Double logprob, List<Prediction> top) {}
    record Result(String model, int n_tokens, Double mean_loss, List<Position> positions) {}

    @Override
    public Integer call() throws Exception {
        if (top < 1) throw new IllegalArgumentException("--top must be at least 1");
        try (LoadedModel m = modelOptions.load()) {
            InputOptions.Prompt prompt = input.resolve(m);
            Tensor logits = m.transformer().forward(prompt.tokens());
            List<Position> positions = new ArrayList<>();
            double[] prev = null;
            double loss = 0;
            for (int i = 0; i < prompt.tokens().length; i++) {
                int id = prompt.tokens()[i];
                Double lp = prev == null ? null : prev[id];
                if (lp != null) loss -= lp;
                double[] cur = LogitOps.logSoftmax(logits, i);
                List<Prediction> preds = new ArrayList<>();
                for (LogitOps.Scored s : LogitOps.topK(cur, top)) {
                    preds.add(new Prediction(s.token(), m.tokenizer().map(t -> t.tokenText(s.token())).orElse("#" + s.token()), s.score()));
                }
                positions.add(new Position(i, id, prompt.texts()[i], lp, preds));
                prev = cur;
            }
            int n = prompt.tokens().length;
            Result r = new Result(m.name(), n, n > 1 ? loss / (n - 1) : null, positions);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOut.print(out, r);
            } else {
                print(out, r);
            }
        }
        return 0;
    }

    private static void print(PrintWriter out, Result r) {
        out.printf("model %s, %d tokens%s%n", r.model(), r.n_tokens(),
                r.mean_loss() == null ? "" : String.format(", mean loss %.3f nats", r.mean_loss()));
        out.printf("%4s  %-16s %8s   %s%n", "pos", "token", "logprob", "top next tokens");
        for (Position p : r.positions()) {
            StringBuilder sb = new StringBuilder();
            for (Prediction q : p.top()) sb.append(String.format("%s %.1f%%  ", Text.quote(q.text()), 100 * Math.exp(q.logprob())));
            out.printf("%4d  %-16s %8s   %s%n", p.position(), Text.quote(p.text()),
                    p.logprob() == null ? "" : String.format("%.3f", p.logprob()), sb.toString().trim());
        }
    }
}
