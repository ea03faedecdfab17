package org.circuitscope.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.circuitscope.circuits.TermImportance;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.report.TermImportanceReport;
import org.circuitscope.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Term importance on a text: loss per order of path terms with frozen patterns, and each head's and virtual head's marginal effect. */
@Command(name = "terms", mixinStandardHelpOptions = true,
        description = "Term importance (patterns frozen): loss with the direct path only, + one-head terms, + virtual-head terms, all terms; "
                + "and the loss increase when one head's or one virtual head's term is removed.")
final class TermsCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;
    @Option(names = "--text", required = true, paramLabel = "FILE", description = "UTF-8 text, cut into context-sized windows, each with BOS.")
    Path text;
    @Option(names = "--windows", defaultValue = "8", description = "At most this many windows of --text (default ${DEFAULT-VALUE}).") int windows;
    @Option(names = "--window-length", defaultValue = "128", description = "Tokens per window including BOS (default ${DEFAULT-VALUE}; capped at n_ctx).")
    int windowLength;
    @Option(names = "--top", defaultValue = "10", description = "Virtual heads listed in text output (default ${DEFAULT-VALUE}; --json lists all).") int top;
    @Option(names = "--json", description = "Print JSON for machines.") boolean json;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (windows < 1 || windowLength < 2 || top < 0) throw new IllegalArgumentException("--windows must be ≥ 1, --window-length ≥ 2, --top ≥ 0");
        try (LoadedModel m = modelOptions.load()) {
            Tokenizer tok = m.tokenizer().orElseThrow(() -> new IllegalArgumentException(m.dir() + " has no tokenizer.json, needed for --text"));
            int[] ids = tok.encode(InputOptions.readText(text)).ids();
            int bos = tok.bosId().orElse(-1), len = Math.min(windowLength, m.config().nCtx()) - (bos >= 0 ? 1 : 0);
            TermImportance.Sums sums = null;
            int used = 0;
            // Windows of len tokens; a short text gives one shorter window.
            for (int s = 0; s < ids.length && used < windows; s += len) {
                int n = Math.min(len, ids.length - s);
                if (used > 0 && n < len) break;
                int[] w = new int[n + (bos >= 0 ? 1 : 0)];
                if (bos >= 0) w[0] = bos;
                System.arraycopy(ids, s, w, bos >= 0 ? 1 : 0, n);
                if (w.length < 2) break;
                TermImportance.Sums x = TermImportance.of(m.transformer(), w);
                sums = sums == null ? x : sums.plus(x);
                used++;
            }
            if (sums == null) throw new IllegalArgumentException(text + ": too short: term importance needs at least two tokens");
            TermImportanceReport r = TermImportanceReport.of(m.name(), sums, used);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOut.print(out, r);
                return 0;
            }
            out.printf("model %s: loss over %d predictions in %d windows of %s (model's own loss %.4f)%n", r.model(), r.tokens(), used, text, r.model_loss());
            out.printf("note: %s%n", r.note());
            for (TermImportanceReport.Order o : r.orders()) out.printf("  %-30s %.4f%n", o.terms(), o.loss());
            out.printf("%nmarginal effect: loss without the term − loss(all), %d predictions%n", r.tokens());
            for (TermImportanceReport.Marginal h : r.heads()) out.printf("  head %-18s %+.4f%n", h.label(), h.effect());
            if (r.virtual_heads() != null) {
                int shown = 0;
                for (TermImportanceReport.Marginal v : r.virtual_heads()) {
                    if (shown++ == top) break;
                    out.printf("  virtual %-15s %+.4f%n", v.label(), v.effect());
                }
                if (r.virtual_heads().size() > top) out.printf("  … %d more virtual heads (--top or --json)%n", r.virtual_heads().size() - top);
            }
        }
        return 0;
    }
}
