package org.circuitscope.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.scan.Corpus;
import org.circuitscope.scan.CorpusDocument;
import org.circuitscope.scan.ScanResult;
import org.circuitscope.scan.ScanRunner;
import org.circuitscope.scan.ScanSpec;
import org.circuitscope.tensor.WorkerPool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code circuitscope scan}: per-head statistics, per-document loss and top examples over a corpus, resumable. */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = "Scan a corpus: per-head detector scores, attention entropy and direct logit attribution, per-document loss and "
                + "surprisal, top-K contexts per head and MLP neuron. Writes summary.json and JSONL files to --out; rerun to resume.")
final class ScanCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created; an unfinished scan there is resumed).")
    Path out;
    @Option(names = "--context", paramLabel = "N", description = "Tokens per window including BOS (default: the model's n_ctx).")
    Integer context;
    @Option(names = "--stride", paramLabel = "S", description = "Document tokens between window starts (default: the window's document tokens: no overlap).")
    Integer stride;
    @Option(names = "--top-k", defaultValue = "20", paramLabel = "K", description = "Contexts kept per head and per neuron (default ${DEFAULT-VALUE}).")
    int topK;
    @Option(names = "--threads", paramLabel = "T", description = "Windows run at once, each on one core (default: circuitscope.threads, else the cores).")
    Integer threads;
    @Option(names = "--shard-tokens", defaultValue = "100000", paramLabel = "N",
            description = "A shard (the unit of resuming) closes once its documents hold N tokens (default ${DEFAULT-VALUE}).")
    long shardTokens;
    @Option(names = "--max-shards", defaultValue = "0", paramLabel = "N", description = "Stop after N new shards; rerun to continue (default: no limit).")
    int maxShards;
    @Option(names = "--no-bos", description = "Do not start each window with the BOS token.") boolean noBos;
    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Text files (one document each), .jsonl files (a \"text\" field per line) or directories of them.")
    List<Path> inputs;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr(), stdout = spec.commandLine().getOut();
        List<CorpusDocument> docs = Corpus.read(inputs);
        try (LoadedModel m = modelOptions.load()) {
            ModelConfig c = m.config();
            boolean bos = !noBos;
            int ctx = context != null ? context : c.nCtx();
            if (ctx > c.nCtx()) throw new IllegalArgumentException("--context " + ctx + " is longer than the model's n_ctx " + c.nCtx());
            ScanSpec s = new ScanSpec(ctx, stride != null ? stride : ctx - (bos ? 1 : 0), topK, bos, 16, 4);
            int t = threads != null ? threads : WorkerPool.threads();
            ScanProgress progress = new ScanProgress(err);
            ScanRunner.Outcome o = ScanRunner.run(m, s, docs, out, new ScanRunner.Options(t, shardTokens, maxShards), progress);
            progress.done();
            if (!o.complete()) {
                stdout.printf("stopped after %d new shards (%d of %d done); run the same command again to continue%n", o.shardsRun(),
                        o.shardsRun() + o.shardsSkipped(), o.shards());
                return 0;
            }
            ScanResult r = o.result();
            ScanResult.Summary sum = r.summary();
            stdout.printf("scanned %d documents, %,d tokens (%,d predicted) of %s in %d shards%s → %s%n", sum.documents(), sum.tokens(),
                    sum.predictedTokens(), sum.model().name(), o.shards(), o.shardsSkipped() > 0 ? " (" + o.shardsSkipped() + " resumed)" : "", out);
            stdout.printf("mean loss %.4f nats%s%n", sum.meanLoss(), sum.neuronsNote() != null ? "; " + sum.neuronsNote() : "");
            top(stdout, "previous-token", sum.heads(), ScanResult.HeadStats::previousToken);
            top(stdout, "induction", sum.heads(), ScanResult.HeadStats::induction);
            top(stdout, "direct logit attribution", sum.heads(), ScanResult.HeadStats::directLogitAttribution);
        }
        return 0;
    }

    private static void top(PrintWriter out, String what, List<ScanResult.HeadStats> heads, ToDoubleFunction<ScanResult.HeadStats> f) {
        StringBuilder b = new StringBuilder();
        heads.stream().sorted(Comparator.comparingDouble(f).reversed()).limit(3)
                .forEach(h -> b.append(String.format("  %s %.3f", h.label(), f.applyAsDouble(h))));
        out.printf("top %s:%s%n", what, b);
    }
}
