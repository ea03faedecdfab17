package org.circuitscope.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import org.circuitscope.circuits.DirectLogitAttribution;
import org.circuitscope.circuits.GradientAttribution;
import org.circuitscope.circuits.SourceAttribution;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.RunOptions;
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
    @Option(names = "--steps", defaultValue = "50", description = "Integrated-gradients steps (default ${DEFAULT-VALUE}).") int steps;
    @Option(names = "--top", defaultValue = "10", description = "Components and heads shown in text output (default ${DEFAULT-VALUE}; --json lists all).") int top;
    @Option(names = "--json", description = "Print JSON for machines.") boolean json;
    @Spec CommandSpec spec;

    record Source(int position, int id, String text, double value) {}
    record Head(String label, int layer, int head, double total, List<Source> sources) {}
    record Result(String model, String method, int position, TargetTokens.Tok token, TargetTokens.Tok target, TargetTokens.Tok contrast,
                  double value, double sum, List<DirectLogitAttribution.Component> components, List<Head> heads) {}

    @Override
    public Integer call() throws Exception {
        Method mth = parseMethod(method);
        if (top < 1) throw new IllegalArgumentException("--top must be at least 1");
        if (mth != Method.direct) return gradient(GradientAttribution.Method.parse(mth.spelling()));
        try (LoadedModel m = modelOptions.load()) {
            PositionOptions.Explained e = at.explain(m, input, RunOptions.cacheAll());
            InputOptions.Prompt prompt = e.prompt();
            int[] ids = e.ids();
            int p = e.position(), t = e.target();
            ActivationCache cache = e.cache();
            int c = contrast == null ? -1 : TargetTokens.parse(contrast, m, "--contrast");
            if (c == t) throw new IllegalArgumentException("--contrast is the target token itself (" + t + "); the difference would be 0");
            DirectLogitAttribution.Result dla = DirectLogitAttribution.compute(m.transformer(), cache, p, t, c);
            List<Head> heads = new ArrayList<>();
            for (SourceAttribution.HeadSources h : SourceAttribution.compute(m.transformer(), cache, p, t, c)) {
                List<Source> src = new ArrayList<>();
                for (SourceAttribution.Source s : h.sources()) src.add(new Source(s.position(), s.token(), prompt.texts()[s.position()], s.value()));
                heads.add(new Head(h.label(), h.layer(), h.head(), h.total(), src));
            }
            Result r = new Result(m.name(), mth.spelling(), p, TargetTokens.tok(m, ids[p]), TargetTokens.tok(m, t),
                    c < 0 ? null : TargetTokens.tok(m, c), dla.value(), dla.sum(), dla.components(), heads);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOut.print(out, r);
            } else {
                print(out, r);
            }
        }
        return 0;
    }

    record TokenValue(int position, int id, String text, double value) {}
    record GradientResult(String model, String method, int position, TargetTokens.Tok token, TargetTokens.Tok target, int steps,
                          double logprob, Double baseline_logprob, Double completeness_error, List<TokenValue> tokens) {}

    /** Gradient attributions of the target's log-probability to each input token. */
    private int gradient(GradientAttribution.Method gm) throws Exception {
        if (contrast != null) throw new IllegalArgumentException("--contrast applies to --method direct only");
        try (LoadedModel m = modelOptions.load()) {
            InputOptions.Prompt prompt = input.resolve(m);
            int[] ids = prompt.tokens();
            int p = at.position(ids.length);
            int t = at.target(m, ids, p, m.transformer().forward(ids));
            GradientAttribution.Result g = GradientAttribution.compute(m.transformer(), ids, p, t, gm, steps);
            List<TokenValue> toks = new ArrayList<>();
            for (GradientAttribution.TokenAttribution a : g.tokens()) toks.add(new TokenValue(a.position(), a.token(), prompt.texts()[a.position()], a.value()));
            boolean ig = gm == GradientAttribution.Method.INTEGRATED_GRADIENTS;
            GradientResult r = new GradientResult(m.name(), gm.label(), p, TargetTokens.tok(m, ids[p]), TargetTokens.tok(m, t), g.steps(), g.f(),
                    ig ? g.fBaseline() : null, ig ? g.completenessError() : null, toks);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOut.print(out, r);
                return 0;
            }
            out.printf("model %s, position %d %s: %s of log p(%s) = %.4f%s%n", r.model(), p, Text.quote(r.token().text()), gm.label(),
                    Text.quote(r.target().text()), r.logprob(), ig ? String.format(" (baseline %.4f, %d steps, completeness error %.2e)",
                            r.baseline_logprob(), r.steps(), r.completeness_error()) : "");
            for (TokenValue tv : toks) {
                if (tv.position() > p) break;
                out.printf("  %4d  %-16s %+.4f%n", tv.position(), Text.quote(tv.text()), tv.value());
            }
        }
        return 0;
    }

    private static Method parseMethod(String s) {
        for (Method x : Method.values()) if (x.spelling().equalsIgnoreCase(s)) return x;
        throw new IllegalArgumentException("--method '" + s + "' is not a method; use direct, saliency, input-x-gradient or integrated-gradients");
    }

    private void print(PrintWriter out, Result r) {
        out.printf("model %s, position %d %s: %s%s = %.4f (components sum to %.4f)%n", r.model(), r.position(), Text.quote(r.token().text()),
                "logit " + Text.quote(r.target().text()), r.contrast() == null ? "" : " − logit " + Text.quote(r.contrast().text()),
                r.value(), r.sum());
        List<DirectLogitAttribution.Component> comps = new ArrayList<>(r.components());
        comps.sort(Comparator.comparingDouble(x -> -Math.abs(x.value())));
        out.println("direct contributions (largest first):");
        for (int i = 0; i < Math.min(top, comps.size()); i++) out.printf("  %-24s %10.4f%n", comps.get(i).label(), comps.get(i).value());
        List<Head> heads = new ArrayList<>(r.heads());
        heads.sort(Comparator.comparingDouble(x -> -Math.abs(x.total())));
        out.println("heads by source token (top 3 sources each):");
        for (int i = 0; i < Math.min(top, heads.size()); i++) {
            Head h = heads.get(i);
            List<Source> src = new ArrayList<>(h.sources());
            src.sort(Comparator.comparingDouble(x -> -Math.abs(x.value())));
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < Math.min(3, src.size()); k++) {
                Source s = src.get(k);
                sb.append(String.format("%d %s %+.4f  ", s.position(), Text.quote(s.text()), s.value()));
            }
            out.printf("  %-6s %10.4f   %s%n", h.label(), h.total(), sb.toString().trim());
        }
    }
}
