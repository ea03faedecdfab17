package org.circuitscope.circuits;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;

/**
 * Memory management in the residual stream (the framework paper: some components seem to
 * delete what others wrote, freeing its dimensions). Over the positions of one or more runs,
 * each component's mean output m (embed, pos_embed, each head's {@code hook_result}, each
 * MLP's {@code hook_mlp_out}) is compared with what came before it:
 * <ul>
 * <li>with every earlier writer w that reaches it ({@link ChannelComponent#reaches}):
 *   cos(m, m_w), and the part of w's mean output it removes, erased = −m·m_w / ‖m_w‖²
 *   (1 when it writes exactly −m_w);</li>
 * <li>with the mean of the stream it reads (resid_pre of its layer for a head, resid_mid for a
 *   sequential MLP, resid_pre for a parallel one): cos(m, mean input).</li>
 * </ul>
 * A pair whose cosine is at most −threshold is reported as an eraser. Biases (b_O, b_out) are
 * outside hook_result but inside hook_mlp_out, as in TransformerLens.
 */
public final class MemoryManagement {
    private MemoryManagement() {}

    /** A later component against an earlier writer. */
    public record Pair(String reader, String writer, double cosine, double erased) {}

    /** A component against the mean of the residual stream it reads. */
    public record Reading(String component, String input, double cosine, double norm) {}

    public record Result(int samples, double threshold, List<Reading> readings, List<Pair> erasers, List<Pair> pairs) {}

    /** The hooks {@link #compute} reads. */
    public static List<String> hooks(ModelConfig c) {
        List<String> n = new ArrayList<>(List.of(HookPoint.EMBED));
        if (!c.rotary()) n.add(HookPoint.POS_EMBED);
        for (int l = 0; l < c.nLayers(); l++) {
            n.add(HookPoint.residPre(l));
            n.add(HookPoint.attn(l, "result"));
            if (!c.attnOnly()) {
                if (!c.architecture().parallelAttnMlp()) n.add(HookPoint.residMid(l));
                n.add(HookPoint.mlpOut(l));
            }
        }
        return List.copyOf(n);
    }

    public static Result compute(ModelConfig c, List<ActivationCache> runs, int skip, double threshold) {
        int d = c.dModel(), nh = c.nHeads();
        int n = PositionRows.count(runs, skip);
        List<ChannelComponent> comps = new ArrayList<>();
        List<double[]> means = new ArrayList<>();
        comps.add(new ChannelComponent(ChannelComponent.Kind.EMBED, -1, -1, (char) 0));
        means.add(PositionRows.mean(runs, HookPoint.EMBED, d, 0, d, skip));
        if (!c.rotary()) {
            comps.add(new ChannelComponent(ChannelComponent.Kind.POS_EMBED, -1, -1, (char) 0));
            means.add(PositionRows.mean(runs, HookPoint.POS_EMBED, d, 0, d, skip));
        }
        List<Reading> readings = new ArrayList<>();
        for (int l = 0; l < c.nLayers(); l++) {
            double[] headInput = PositionRows.mean(runs, HookPoint.residPre(l), d, 0, d, skip);
            for (int h = 0; h < nh; h++) {
                double[] m = PositionRows.mean(runs, HookPoint.attn(l, "result"), nh * d, h * d, d, skip);
                comps.add(new ChannelComponent(ChannelComponent.Kind.HEAD, l, h, (char) 0));
                means.add(m);
                readings.add(new Reading(ModelConfig.headLabel(l, h), HookPoint.residPre(l), cosine(m, headInput), norm(m)));
            }
            if (!c.attnOnly()) {
                String in = c.architecture().parallelAttnMlp() ? HookPoint.residPre(l) : HookPoint.residMid(l);
                double[] m = PositionRows.mean(runs, HookPoint.mlpOut(l), d, 0, d, skip);
                comps.add(new ChannelComponent(ChannelComponent.Kind.MLP, l, -1, (char) 0));
                means.add(m);
                readings.add(new Reading("MLP" + l, in, cosine(m, PositionRows.mean(runs, in, d, 0, d, skip)), norm(m)));
            }
        }
        List<Pair> pairs = new ArrayList<>();
        for (int r = 0; r < comps.size(); r++) {
            ChannelComponent reader = comps.get(r);
            if (reader.layer() < 0) continue;
            for (int w = 0; w < comps.size(); w++) {
                ChannelComponent writer = comps.get(w);
                if (w == r || !writer.reaches(reader, c)) continue;
                double[] mr = means.get(r), mw = means.get(w);
                double ww = dot(mw, mw);
                pairs.add(new Pair(reader.label(), writer.label(), cosine(mr, mw), ww == 0 ? 0 : -dot(mr, mw) / ww));
            }
        }
        pairs.sort(Comparator.comparingDouble(Pair::cosine));
        List<Pair> erasers = pairs.stream().filter(p -> p.cosine() <= -threshold).toList();
        return new Result(n, threshold, List.copyOf(readings), erasers, List.copyOf(pairs));
    }

    static double cosine(double[] a, double[] b) {
        double na = norm(a), nb = norm(b);
        return na == 0 || nb == 0 ? 0 : dot(a, b) / (na * nb);
    }

    private static double norm(double[] a) { return Math.sqrt(dot(a, a)); }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
