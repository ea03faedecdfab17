package org.circuitscope.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import org.circuitscope.circuits.DirectLogitAttribution;
import org.circuitscope.circuits.GradientAttribution;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.model.RunOptions;
import org.circuitscope.report.DirectAttributionReport;
import org.circuitscope.report.GradientAttributionReport;
import org.circuitscope.report.TokenValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Direct logit attribution of every component, and per head the source positions it read. */
@Command(name = "attribute", mixinStandardHelpOptions = true,
        description = "Attribute a logit (or a logit difference against --contrast) at a position: every component's direct contribution and, per head, each source token's part.")
final class AttributeCommand implements Callable<Integer> {
    enum Method {
        direct, saliency, input_x_gradient, integrated_gradients;

        String spelling() { return name().replace('_', '-'); }
    }

    @Mixin ModelOptions modelOptions;
    @Mixin InputOptions input;
    @Mixin PositionOptions at;
    @Option(names = "--contrast", paramLabel = "ID|TEXT", description = "Attribute logit(target) − logit(contrast) instead of the target's logit.")
    String contrast;
    @Option(names = "--method", defaultValue = "direct", paramLabel = "METHOD",
            description = "direct (direct logit attribution + per-head source attribution), or a gradient method on the target's log-probability:"
                    + " saliency, input-x-gradient, integrated-gradients.")
    String method;
    @Option(names = "--steps", defaultValue = "50", description = "Integrated-gradients steps, 1 to " + GradientAttribution.MAX_STEPS + " (default ${DEFAULT-VALUE}).") int steps;
    @Option(names = "--top", defaultValue = "10", description = "Components and heads shown in text output (default ${DEFAULT-VALUE}; --json lists all).") int top;
    @Option(names = "--json", description = "Print JSON for machines.") boolean json;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Method mth = parseMethod(method);
        if (top < 1) throw new IllegalArgumentException("--top must be at least 1");
        if (mth != Method.direct) return gradient(GradientAttribution.Method.parse(mth.spelling()));
        try (LoadedModel m = modelOptions.load()) {
            PositionOptions.Explained e = at.explain(m, input, RunOptions.names(DirectAttributionReport.hooks(m.config())));
            int p = e.position(), t = e.target();
            int c = contrast == null ? -1 : TargetTokens.parse(contrast, m, "--contrast");
            if (c == t) throw new IllegalArgumentException("--contrast is the target token itself (" + t + "); the difference would be 0");
            DirectAttributionReport r = DirectAttributionReport.of(Prompts.of(m, e.ids()), e.cache(), p, t, c);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOut.print(out, r);
            } else {
                print(out, r);
            }
        }
        return 0;
    }

    /** Gradient attributions of the target's log-probability to each input token. */
    private int gradient(GradientAttribution.Method gm) throws Exception {
        if (contrast != null) throw new IllegalArgumentException("--contrast applies to --method direct only");
        // Checked before the model loads: each step is a forward and a backward pass, so a huge count would run for hours in silence.
        if (steps < 1 || steps > GradientAttribution.MAX_STEPS) {
            throw new IllegalArgumentException("--steps " + steps + " is outside 1–" + GradientAttribution.MAX_STEPS
                    + " (each step is a forward and a backward pass; a few dozen are usually enough)");
        }
        try (LoadedModel m = modelOptions.load()) {
            InputOptions.Prompt prompt = input.resolve(m);
            int[] ids = prompt.tokens();
            int p = at.position(ids.length);
            int t = at.target(m, ids, p, m.transformer().forward(ids));
            GradientAttributionReport r = GradientAttributionReport.of(Prompts.of(m, ids), p, t, gm, steps);
            boolean ig = gm == GradientAttribution.Method.INTEGRATED_GRADIENTS;
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOut.print(out, r);
                return 0;
            }
            out.printf("model %s, position %d %s: %s of log p(%s) = %.4f%s%n", r.model(), p, Text.quote(r.token().text()), gm.label(),
                    Text.quote(r.target().text()), r.logprob(), ig ? String.format(" (baseline %.4f, %d steps, completeness error %.2e)",
                            r.baseline_logprob(), r.steps(), r.completeness_error()) : "");
            for (TokenValue tv : r.tokens()) {
                out.printf("  %4d  %-16s %+.4f%n", tv.token().position(), Text.quote(tv.token().text()), tv.value());
            }
        }
        return 0;
    }

    private static Method parseMethod(String s) {
        for (Method x : Method.values()) if (x.spelling().equalsIgnoreCase(s)) return x;
        throw new IllegalArgumentException("--method " + Text.quoteInput(s) + " is not a method; use direct, saliency, input-x-gradient or integrated-gradients");
    }

    private void print(PrintWriter out, DirectAttributionReport r) {
        out.printf("model %s, position %d %s: %s%s = %.4f (components sum to %.4f)%n", r.model(), r.position(), Text.quote(r.token().text()),
                "logit " + Text.quote(r.target().text()), r.contrast() == null ? "" : " − logit " + Text.quote(r.contrast().text()),
                r.value(), r.sum());
        List<DirectLogitAttribution.Component> comps = new ArrayList<>(r.components());
        comps.sort(Comparator.comparingDouble(x -> -Math.abs(x.value())));
        out.println("direct contributions (largest first):");
        for (int i = 0; i < Math.min(top, comps.size()); i++) out.printf("  %-24s %10.4f%n", comps.get(i).label(), comps.get(i).value());
        List<DirectAttributionReport.Head> heads = r.heads();
        out.println("heads by source token (top 3 sources each):");
        for (int i = 0; i < Math.min(top, heads.size()); i++) {
            DirectAttributionReport.Head h = heads.get(i);
            List<TokenValue> src = h.sources();
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < Math.min(3, src.size()); k++) {
                TokenValue s = src.get(k);
                sb.append(String.format("%d %s %+.4f  ", s.token().position(), Text.quote(s.token().text()), s.value()));
            }
            out.printf("  %-6s %10.4f   %s%n", h.label(), h.total(), sb.toString().trim());
        }
    }
}
