package org.circuitscope.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.circuitscope.circuits.PatchingMetric;
import org.circuitscope.circuits.PatchingSweep;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.report.PatchingReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Activation patching from a corrupt prompt into a clean one, over the residual stream, attention outputs and heads. */
@Command(name = "patch", mixinStandardHelpOptions = true,
        description = "Patch activations from --corrupt into --clean (TransformerLens's get_act_patch_resid_pre, _attn_out, "
                + "_attn_head_out_all_pos) and show the metric per layer × position and layer × head.")
final class PatchCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;
    @Option(names = "--clean", required = true, paramLabel = "FILE", description = "The clean prompt (UTF-8 text).") Path clean;
    @Option(names = "--corrupt", required = true, paramLabel = "FILE", description = "The corrupt prompt; it must tokenize to as many tokens as --clean.")
    Path corrupt;
    @Option(names = "--no-bos", description = "Do not prepend the BOS token to the prompts.") boolean noBos;
    @Option(names = "--target", paramLabel = "TOKEN", description = "Target token (text of one token, or an id) of the logit difference at the last position.")
    String target;
    @Option(names = "--contrast", paramLabel = "TOKEN", description = "The token the target is compared with.") String contrast;
    @Option(names = "--metric", paramLabel = "logit_diff|loss", description = "logit_diff (the default; needs --target and --contrast) or loss "
            + "(mean next-token loss on the clean prompt's tokens).") String metric;
    @Option(names = "--json", description = "Print JSON for machines.") boolean json;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (LoadedModel m = modelOptions.load()) {
            PatchingMetric pm = metric(m);
            int[] a = InputOptions.ofText(clean, noBos).resolve(m).tokens(), b = InputOptions.ofText(corrupt, noBos).resolve(m).tokens();
            if (a.length != b.length) {
                throw new IllegalArgumentException("--clean " + clean + " is " + a.length + " tokens but --corrupt " + corrupt + " is " + b.length
                        + "; patching needs prompts of the same length (edit one so they tokenize alike)");
            }
            PatchingReport r = PatchingReport.of(Prompts.of(m, a), b, pm, PatchingSweep.run(m.transformer(), a, b, pm, () -> {}));
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOut.print(out, r);
                return 0;
            }
            print(out, r);
        }
        return 0;
    }

    private PatchingMetric metric(LoadedModel m) {
        String kind = metric == null ? "logit_diff" : metric;
        return switch (kind) {
            case "loss" -> {
                if (target != null || contrast != null) throw new IllegalArgumentException("--metric loss takes no --target or --contrast");
                yield PatchingMetric.loss();
            }
            case "logit_diff" -> {
                if (target == null || contrast == null) {
                    throw new IllegalArgumentException("the logit difference needs --target and --contrast (or use --metric loss)");
                }
                int t = TargetTokens.parse(target, m, "--target"), c = TargetTokens.parse(contrast, m, "--contrast");
                if (t == c) throw new IllegalArgumentException("--contrast is the target token itself; the difference would always be 0");
                yield PatchingMetric.logitDiff(t, c);
            }
            default -> throw new IllegalArgumentException("--metric " + Text.quoteInput(kind) + ": use logit_diff or loss");
        };
    }

    private static void print(PrintWriter out, PatchingReport r) {
        String what = r.metric().equals("loss") ? "loss" : "logit(" + Text.quote(r.target().text()) + ") − logit(" + Text.quote(r.contrast().text()) + ")";
        out.printf("model %s, metric %s: clean %.4f, corrupt %.4f%n", r.model(), what, r.clean_metric(), r.corrupt_metric());
        if (!r.normalizable()) out.println("clean and corrupt give the same metric: raw values only");
        for (PatchingReport.Grid g : r.grids()) {
            List<List<Double>> v = r.normalizable() ? g.normalized() : g.values();
            out.printf("%n%s (%s), %s per layer × %s%n", g.name(), g.hook(), r.normalizable() ? "(patched − corrupt)/(clean − corrupt)" : "metric", g.columns());
            out.printf("%5s", "");
            for (int j = 0; j < v.getFirst().size(); j++) {
                out.printf(" %8s", g.columns().equals("head") ? "H" + j : column(r.tokens().get(j).text()));
            }
            out.println();
            for (int l = 0; l < v.size(); l++) {
                out.printf("%5s", "L" + l);
                for (double x : v.get(l)) out.printf(" %8.3f", x);
                out.println();
            }
        }
    }

    /** A token as a column header: quoted, cut to the column's width. */
    private static String column(String text) {
        String q = Text.quote(text);
        return q.length() > 8 ? q.substring(0, 7) + "…" : q;
    }
}
