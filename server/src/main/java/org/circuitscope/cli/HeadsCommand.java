package org.circuitscope.cli;

import com.google.gson.GsonBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.circuitscope.circuits.CopyingScore;
import org.circuitscope.circuits.HeadDetectors;
import org.circuitscope.circuits.HeadDetectors.Detector;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.RunOptions;
import org.circuitscope.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Per head: OV copying score, induction score on repeated random tokens, and (with --text)
 * previous-token and duplicate-token scores averaged over windows of that text.
 */
@Command(name = "heads", mixinStandardHelpOptions = true,
        description = "Head overview: copying score, induction score (repeated random tokens) and, on --text, previous-token and duplicate-token scores.")
final class HeadsCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;
    @Option(names = "--text", paramLabel = "FILE", description = "Text for the previous-token and duplicate-token scores (cut into context-sized windows, each with BOS).")
    Path text;
    @Option(names = "--windows", defaultValue = "20", description = "At most this many windows of --text (default ${DEFAULT-VALUE}).") int windows;
    @Option(names = "--window-length", defaultValue = "128", description = "Tokens per window including BOS (default ${DEFAULT-VALUE}; capped at n_ctx).") int windowLength;
    @Option(names = "--sequences", defaultValue = "10", description = "Repeated random sequences for the induction score (default ${DEFAULT-VALUE}).") int sequences;
    @Option(names = "--length", defaultValue = "50", description = "Random tokens per sequence, repeated twice (default ${DEFAULT-VALUE}).") int length;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Option(names = "--json", description = "Print JSON for machines.") boolean json;
    @Spec CommandSpec spec;

    record Head(int layer, int head, String label, double ov_copying_score, Double previous_token_score,
                Double duplicate_token_score, double induction_score) {}
    record Result(String model, int n_layers, int n_heads, Integer text_windows, List<Head> heads) {}

    @Override
    public Integer call() throws Exception {
        try (LoadedModel m = modelOptions.load()) {
            ModelConfig c = m.config();
            Tokenizer tok = m.tokenizer().orElse(null);
            int bos = tok != null && tok.bosId().isPresent() ? tok.bosId().getAsInt() : 0;
            double[][] ov = CopyingScore.ov(m.transformer().weights());
            double[][] ind = HeadDetectors.inductionOnRepeatedTokens(m.transformer(), bos, sequences, length, seed);
            double[][] prev = null, dup = null;
            int used = 0;
            if (text != null) {
                if (tok == null) throw new IllegalArgumentException(m.dir() + " has no tokenizer.json, needed for --text");
                int[] ids = tok.encode(InputOptions.readText(text)).ids();
                int len = Math.min(windowLength, c.nCtx()) - 1;
                prev = new double[c.nLayers()][c.nHeads()];
                dup = new double[c.nLayers()][c.nHeads()];
                List<int[]> ws = new ArrayList<>();
                for (int s = 0; s + len <= ids.length && ws.size() < windows; s += len) {
                    int[] w = new int[len + 1];
                    w[0] = bos;
                    System.arraycopy(ids, s, w, 1, len);
                    ws.add(w);
                }
                if (ws.isEmpty()) throw new IllegalArgumentException(text + ": shorter than one window of " + len + " tokens; lower --window-length");
                for (int[] w : ws) {
                    ActivationCache cache = m.transformer().run(w, RunOptions.matching("blocks\\.\\d+\\.attn\\.hook_pattern"));
                    add(prev, HeadDetectors.score(c, cache, Detector.PREVIOUS_TOKEN), ws.size());
                    add(dup, HeadDetectors.score(c, cache, Detector.DUPLICATE_TOKEN), ws.size());
                }
                used = ws.size();
            }
            List<Head> heads = new ArrayList<>();
            for (int l = 0; l < c.nLayers(); l++) {
                for (int h = 0; h < c.nHeads(); h++) {
                    heads.add(new Head(l, h, ModelConfig.headLabel(l, h), ov[l][h], prev == null ? null : prev[l][h],
                            dup == null ? null : dup[l][h], ind[l][h]));
                }
            }
            Result r = new Result(m.name(), c.nLayers(), c.nHeads(), text == null ? null : used, heads);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(new GsonBuilder().setPrettyPrinting().create().toJson(r));
            } else {
                out.printf("model %s: %d layers × %d heads%s%n", r.model(), c.nLayers(), c.nHeads(),
                        text == null ? "" : String.format(" (previous/duplicate-token scores over %d windows of %s)", used, text));
                out.printf("%-6s %10s %10s %10s %10s%n", "head", "copying", "prev-tok", "dup-tok", "induction");
                for (Head h : heads) {
                    out.printf("%-6s %10.3f %10s %10s %10.3f%n", h.label(), h.ov_copying_score(), fmt(h.previous_token_score()),
                            fmt(h.duplicate_token_score()), h.induction_score());
                }
            }
        }
        return 0;
    }

    private static void add(double[][] acc, double[][] x, int n) {
        for (int l = 0; l < acc.length; l++) for (int h = 0; h < acc[l].length; h++) acc[l][h] += x[l][h] / n;
    }

    private static String fmt(Double d) { return d == null ? "-" : String.format("%.3f", d); }
}
