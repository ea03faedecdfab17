package org.circuitscope.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import org.circuitscope.circuits.CompositionScores;
import org.circuitscope.circuits.CopyingScore;
import org.circuitscope.circuits.HeadCircuits;
import org.circuitscope.circuits.HeadDetectors;
import org.circuitscope.circuits.TokenCircuits;
import org.circuitscope.circuits.WorkProgress;
import org.circuitscope.circuits.HeadDetectors.Detector;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.report.HeadSummary;
import org.circuitscope.report.SkipTrigram;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.RunOptions;
import org.circuitscope.tensor.Kernels;
import org.circuitscope.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Per head: OV and QK copying scores, top skip-trigrams, induction score on repeated random
 * tokens and (with --text) previous-token and duplicate-token scores averaged over windows of
 * that text; for the model: Q/K/V composition scores of every head pair with their random baseline.
 * For rotary models a note says that the QK copying score, the skip-trigrams' QK scores and Q/K
 * composition leave the rotation out (as TransformerLens's QK circuits).
 */
@Command(name = "heads", mixinStandardHelpOptions = true,
        description = "Head overview: copying scores, skip-trigrams, induction score (repeated random tokens), composition scores and, "
                + "on --text, previous-token and duplicate-token scores.")
final class HeadsCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;
    @Option(names = "--text", paramLabel = "FILE", description = "Text for the previous-token and duplicate-token scores (cut into context-sized windows, each with BOS).")
    Path text;
    @Option(names = "--windows", defaultValue = "20", description = "At most this many windows of --text (default ${DEFAULT-VALUE}).") int windows;
    @Option(names = "--window-length", defaultValue = "128", description = "Tokens per window including BOS (default ${DEFAULT-VALUE}; capped at n_ctx).") int windowLength;
    @Option(names = "--sequences", defaultValue = "10", description = "Repeated random sequences for the induction score (default ${DEFAULT-VALUE}).") int sequences;
    @Option(names = "--length", defaultValue = "50", description = "Random tokens per sequence, repeated twice (default ${DEFAULT-VALUE}).") int length;
    @Option(names = "--seed", defaultValue = "0", description = "Seed for the random tokens and the composition baseline (default ${DEFAULT-VALUE}).") long seed;
    @Option(names = "--trigrams", defaultValue = "5", description = "Skip-trigrams per head (default ${DEFAULT-VALUE}; 0 for none).") int trigrams;
    @Option(names = "--trigram-vocab", defaultValue = "1024", paramLabel = "N",
            description = "Tokens the skip-trigram search ranges over: the first N distinct tokens of --text, else ids 0..N-1 (default ${DEFAULT-VALUE}; "
                    + "an exact search costs N²·d_head per head).") int trigramVocab;
    @Option(names = "--baseline-samples", defaultValue = "64", description = "Random draws for the composition baseline (default ${DEFAULT-VALUE}).") int baselineSamples;
    @Option(names = "--no-composition", description = "Skip the composition scores (about n_heads²·n_layers²·d_model·min(d_head², d_model) flops; under a second for GPT-2 small on two cores).")
    boolean noComposition;
    @Option(names = "--top-compositions", defaultValue = "10", description = "Strongest compositions listed in the text output (default ${DEFAULT-VALUE}).") int topCompositions;
    @Option(names = "--json", description = "Print JSON for machines.") boolean json;
    @Spec CommandSpec spec;

    /**
     * Longest wait for the warm-up race after the load. Measured on GPT-2 small's shape (load
     * 13): racing during the load and waiting cost the same CPU seconds as starting on SIMD at
     * once (≈2 s either way: the race, or the first products on SIMD code not yet compiled), but
     * the race runs beside the load.
     */
    private static final Duration WARM_UP_WAIT = Duration.ofSeconds(3);
    /** d_vocab·d_model² (the copying scores' vocabulary products) from which the command does seconds of kernel work: 2³² (GPT-2 small 3·10¹⁰). */
    private static final long SECONDS_OF_WORK = 1L << 32;

    record Composition(double[][][][] q, double[][][][] k, double[][][][] v) {}
    record Result(String model, int n_layers, int n_heads, Integer text_windows, int trigram_vocab, List<HeadSummary> heads,
                  Composition composition, Double composition_baseline, String qk_note) {}

    @Override
    public Integer call() throws Exception {
        // The SIMD kernels' warm-up (see Kernels) races on the core the load leaves free; the
        // products wait for its end (WARM_UP_WAIT at most, then SIMD anyway): one begun on the
        // scalar kernels would run to its end there, several times slower.
        Kernels.warmUpNow();
        try (LoadedModel m = modelOptions.load(); ProgressBar bar = ProgressBar.onTerminal()) {
            ModelConfig c = m.config();
            // Small models finish on the scalar kernels before the race would (the shipped ones in under a second).
            if ((long) c.dVocab() * c.dModel() * c.dModel() >= SECONDS_OF_WORK) Kernels.preferSimd(WARM_UP_WAIT);
            Tokenizer tok = m.tokenizer().orElse(null);
            int bos = tok != null && tok.bosId().isPresent() ? tok.bosId().getAsInt() : 0;
            if (trigrams < 0 || trigramVocab < 1 || baselineSamples < 1) {
                throw new IllegalArgumentException("--trigrams must be ≥ 0, --trigram-vocab and --baseline-samples ≥ 1");
            }
            var weights = m.transformer().weights();
            // Phases' shares of the bar: roughly their share of the time on a GPT-2-small shape.
            CopyingScore.Eigenvalues eig = CopyingScore.ovAndQkEigenvalues(weights, bar.phase("OV copying scores", 0, 0.15),
                    bar.phase("QK copying scores", 0.15, 0.3));
            double[][][][] ovEig = eig.ov(), qkEig = eig.qk();
            double[][] ov = CopyingScore.scores(ovEig), qk = CopyingScore.scores(qkEig);
            double[][] ind = HeadDetectors.inductionOnRepeatedTokens(m.transformer(), bos, sequences, length, seed,
                    bar.phase("induction on repeated tokens", 0.3, 0.55));
            double[][] prev = null, dup = null, induct = null;
            int used = 0;
            Set<Integer> textTokens = new LinkedHashSet<>();
            if (text != null) {
                if (tok == null) throw new IllegalArgumentException(m.dir() + " has no tokenizer.json, needed for --text");
                int[] ids = tok.encode(InputOptions.readText(text)).ids();
                int len = Math.min(windowLength, c.nCtx()) - 1;
                prev = new double[c.nLayers()][c.nHeads()];
                dup = new double[c.nLayers()][c.nHeads()];
                induct = new double[c.nLayers()][c.nHeads()];
                List<int[]> ws = new ArrayList<>();
                for (int s = 0; s + len <= ids.length && ws.size() < windows; s += len) {
                    int[] w = new int[len + 1];
                    w[0] = bos;
                    System.arraycopy(ids, s, w, 1, len);
                    ws.add(w);
                    for (int id : w) if (textTokens.size() < trigramVocab) textTokens.add(id);
                }
                if (ws.isEmpty()) throw new IllegalArgumentException(text + ": shorter than one window of " + len + " tokens; lower --window-length");
                WorkProgress windowsDone = bar.phase("detectors on --text", 0.55, 0.6);
                for (int[] w : ws) {
                    windowsDone.advance(used++, ws.size());
                    ActivationCache cache = m.transformer().run(w, RunOptions.matching("blocks\\.\\d+\\.attn\\.hook_pattern"));
                    add(prev, HeadDetectors.score(c, cache, Detector.PREVIOUS_TOKEN), ws.size());
                    add(dup, HeadDetectors.score(c, cache, Detector.DUPLICATE_TOKEN), ws.size());
                    add(induct, HeadDetectors.score(c, cache, Detector.INDUCTION), ws.size());
                }
            }
            int[] candidates = text != null ? textTokens.stream().mapToInt(Integer::intValue).toArray()
                    : IntStream.range(0, Math.min(trigramVocab, c.dVocab())).toArray();
            TokenCircuits circuits = trigrams == 0 ? null : TokenCircuits.of(weights, candidates);
            List<HeadSummary> heads = new ArrayList<>();
            IntFunction<String> texts = id -> text(tok, id);
            List<List<SkipTrigram>> tris = circuits == null ? null
                    : SkipTrigram.topOfEveryHead(circuits, c, trigrams, texts, bar.phase("skip-trigrams", 0.6, 0.75));
            for (int l = 0; l < c.nLayers(); l++) {
                for (int h = 0; h < c.nHeads(); h++) {
                    List<SkipTrigram> tri = tris == null ? List.of() : tris.get(l * c.nHeads() + h);
                    heads.add(new HeadSummary(l, h, ModelConfig.headLabel(l, h), prev == null ? null : prev[l][h], dup == null ? null : dup[l][h],
                            induct == null ? null : induct[l][h], ind[l][h], ov[l][h], qk[l][h], tri, ovEig[l][h], qkEig[l][h]));
                }
            }
            CompositionScores.Result comp = noComposition ? null : CompositionScores.all(weights, bar.phase("composition scores", 0.75, 0.95));
            bar.at("composition baseline", 0.95);
            double baseline = noComposition ? Double.NaN : CompositionScores.baseline(c.dModel(), c.dHead(), baselineSamples, seed);
            bar.close();
            Result r = new Result(m.name(), c.nLayers(), c.nHeads(), text == null ? null : used, candidates.length, heads,
                    comp == null ? null : new Composition(comp.q(), comp.k(), comp.v()), comp == null ? null : baseline,
                    HeadCircuits.rotaryNote(c));
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOut.print(out, r);
            } else {
                out.printf("model %s: %d layers × %d heads%s%n", r.model(), c.nLayers(), c.nHeads(),
                        text == null ? "" : String.format(" (previous/duplicate-token scores over %d windows of %s)", used, text));
                out.printf("%-6s %8s %8s %8s %8s %9s %9s  %s%n", "head", "OV-copy", "QK-copy", "prev-tok", "dup-tok", "induction",
                        "ind-rand", "top skip-trigram  [source] … [destination] → [out]");
                if (r.qk_note() != null) out.printf("note: %s%n", r.qk_note());
                for (HeadSummary h : heads) {
                    String tri = h.skip_trigrams().isEmpty() ? "-" : trigram(h.skip_trigrams().getFirst());
                    out.printf("%-6s %8.3f %8.3f %8s %8s %9s %9.3f  %s%n", h.label(), h.ov_copying_score(), h.qk_copying_score(),
                            fmt(h.previous_token()), fmt(h.duplicate_token()), fmt(h.induction()), h.induction_repeated_random(), tri);
                }
                if (trigrams > 1) {
                    out.printf("%nskip-trigrams over %d tokens (%s), OV logit effect / QK score:%n", candidates.length,
                            text == null ? "ids 0.." + (candidates.length - 1) : "from " + text);
                    for (HeadSummary h : heads) {
                        StringBuilder b = new StringBuilder();
                        for (SkipTrigram t : h.skip_trigrams()) b.append(String.format("%s %.2f/%.2f   ", trigram(t), t.score(), t.qk_score()));
                        out.printf("%-6s %s%n", h.label(), b.toString().strip());
                    }
                }
                List<CompositionScores.Composition> strongest = comp == null ? List.of() : comp.strongest(topCompositions);
                if (!strongest.isEmpty()) {
                    out.printf("%nstrongest compositions (raw score; baseline for random matrices %.3f):%n", baseline);
                    for (CompositionScores.Composition x : strongest) {
                        out.printf("  %s-composition %-6s → %-6s %.3f (%+.3f over baseline)%n", x.mode(), ModelConfig.headLabel(x.layer1(), x.head1()),
                                ModelConfig.headLabel(x.layer2(), x.head2()), x.score(), x.score() - baseline);
                    }
                }
            }
        }
        return 0;
    }

    private static void add(double[][] acc, double[][] x, int n) {
        for (int l = 0; l < acc.length; l++) for (int h = 0; h < acc[l].length; h++) acc[l][h] += x[l][h] / n;
    }

    private static String fmt(Double d) { return d == null ? "-" : String.format("%.3f", d); }

    private static String trigram(SkipTrigram t) {
        return Text.quote(t.source().text()) + " … " + Text.quote(t.destination().text()) + " → " + Text.quote(t.out().text());
    }

    /** A token's text as everywhere ({@link Tokenizer#label}), {@code <id N>} without a tokenizer. */
    private static String text(Tokenizer tok, int id) {
        return tok == null ? "<id " + id + ">" : tok.label(id);
    }
}
