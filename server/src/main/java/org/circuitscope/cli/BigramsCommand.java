package org.circuitscope.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.circuitscope.circuits.BigramCounts;
import org.circuitscope.circuits.DirectPathBigrams;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.report.BigramsReport;
import org.circuitscope.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The zero-layer picture: the direct path W_E → ln_final → W_U against a text's bigram statistics. */
@Command(name = "bigrams", mixinStandardHelpOptions = true,
        description = "Correlation of the direct path's predictions (each token as a one-token prompt, every block skipped)"
                + " with the log conditional bigram probabilities of a text, and the most frequent bigrams side by side.")
final class BigramsCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;
    @Option(names = "--text", paramLabel = "FILE", defaultValue = "train/corpus/train.txt",
            description = "Text whose bigrams are counted (UTF-8, at most 8 MiB; default ${DEFAULT-VALUE}, the training text"
                    + " that train/prepare-corpus.sh writes).") Path text;
    @Option(names = "--min-count", defaultValue = "5", description = "Pairs seen fewer times are left out (default ${DEFAULT-VALUE}).") int minCount;
    @Option(names = "--top", defaultValue = "20", description = "Most frequent bigrams to list (default ${DEFAULT-VALUE}).") int top;
    @Option(names = "--json", description = "Print JSON for machines.") boolean json;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (minCount < 1) throw new IllegalArgumentException("--min-count must be at least 1");
        if (top < 0) throw new IllegalArgumentException("--top must not be negative");
        try (LoadedModel m = modelOptions.load()) {
            Tokenizer tok = m.tokenizer().orElseThrow(() -> new IllegalArgumentException(m.dir() + ": no tokenizer.json to count bigrams with"));
            String body = InputOptions.readText(text);
            // The whole text as one stream, as the trainer tokenizes its corpus.
            BigramCounts counts = new BigramCounts(tok.encode(body).ids(), m.config().dVocab());
            var w = m.transformer().weights();
            DirectPathBigrams.Result r = DirectPathBigrams.compute(w, counts, DirectPathBigrams.defaultPosition(m.config()), minCount, top);
            BigramsReport rep = BigramsReport.of(m.name(), m.config().nLayers(), text.getFileName().toString(), r, tok::label);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOut.print(out, rep);
                return 0;
            }
            out.printf("model %s (%d layers), direct path at position %d; bigrams of %s: %,d pairs, %,d distinct%n", rep.model(),
                    rep.n_layers(), rep.position(), rep.text(), rep.counted_pairs(), rep.distinct_pairs());
            out.printf("correlation with log P(next | prev) over the %,d pairs seen ≥ %d times: %.3f (log-probabilities), %.3f (logits)%n",
                    rep.pairs(), rep.min_count(), rep.correlation(), rep.logit_correlation());
            if (rep.top().isEmpty()) return 0;
            out.printf("%-14s %-14s %8s %10s %10s %6s%n", "prev", "next", "count", "corpus lp", "direct lp", "rank");
            for (BigramsReport.Row row : rep.top()) {
                out.printf("%-14s %-14s %8d %10.3f %10.3f %6d%n", Text.quote(row.prev().text()), Text.quote(row.next().text()),
                        row.count(), row.corpus_logprob(), row.direct_logprob(), row.direct_rank());
            }
        }
        return 0;
    }
}
