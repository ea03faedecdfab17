package org.circuitscope.circuits;

import java.util.ArrayList;
import java.util.List;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.Transformer;

/**
 * Source-token attribution of each head's direct logit effect: which earlier positions, read
 * through which head, raised or lowered a target's logit (or a logit difference) at query
 * position p. A head's output at p is Σ_s A[p, s] v_s W_O (paper: h(x) = (A ⊗ W_O W_V)·x),
 * so with the read-out direction u of {@link LogitDirection} (final LayerNorm scale frozen):
 * <pre>
 *   part(l, h, s) = A^{l,h}[p, s] · (v^{l,h}_s · W_O^{l,h}) · u       (hook_pattern, hook_v, W_O)
 *   Σ_{s ≤ p} part(l, h, s) = result^{l,h}[p] · u = the head's {@link DirectLogitAttribution} term
 * </pre>
 * v includes b_V (and ln1.b through W_V), so the parts add up to the head's whole term.
 * Under grouped-query attention hook_v has n_key_value_heads heads and query head h reads
 * v of its key/value head {@link ModelConfig#keyValueHead}; the pattern is per query head, as
 * the forward pass recorded it (after rotary, for rotary models: values are never rotated).
 */
public final class SourceAttribution {
    private SourceAttribution() {}

    /** One source position: its token and what it contributed through the head. */
    public record Source(int position, int token, double value) {}

    /** One head: its total (Σ of its sources) and each source s ≤ p, in position order. */
    public record HeadSources(int layer, int head, String label, double total, List<Source> sources) {}

    /** On {@code cache} holding every hook_pattern and hook_v (and ln_final.hook_scale when normalized). */
    /** The activations {@link #compute} reads. */
    public static List<String> hooks(ModelConfig c) {
        List<String> n = new ArrayList<>();
        if (c.normalizationType() != Normalization.NONE) n.add(HookPoint.LN_FINAL_SCALE);
        for (int l = 0; l < c.nLayers(); l++) {
            n.add(HookPoint.attn(l, "pattern"));
            n.add(HookPoint.attn(l, "v"));
        }
        return n;
    }

    public static List<HeadSources> compute(Transformer model, ActivationCache cache, int pos, int target, int contrast) {
        ModelConfig c = model.config();
        int[] tokens = cache.tokens();
        int t = tokens.length, d = c.dModel(), nh = c.nHeads(), nkv = c.nKeyValueHeads(), dh = c.dHead();
        LogitDirection.checkPosition(pos, t);
        double[] u = LogitDirection.of(model.weights(), cache, pos, target, contrast).u();
        List<HeadSources> out = new ArrayList<>();
        for (int l = 0; l < c.nLayers(); l++) {
            float[] wo = model.weights().layer(l).attn().wO().data();
            float[] a = cache.get(HookPoint.attn(l, "pattern")).data(), vv = cache.get(HookPoint.attn(l, "v")).data();
            for (int h = 0; h < nh; h++) {
                double[] ou = new double[dh]; // W_O[h] · u: what a value vector must align with to move the logit
                for (int e = 0; e < dh; e++) {
                    double s = 0;
                    for (int o = 0; o < d; o++) s += wo[(h * dh + e) * d + o] * u[o];
                    ou[e] = s;
                }
                int g = c.keyValueHead(h);
                List<Source> src = new ArrayList<>(pos + 1);
                double total = 0;
                for (int s = 0; s <= pos; s++) {
                    double vo = 0;
                    for (int e = 0; e < dh; e++) vo += vv[(s * nkv + g) * dh + e] * ou[e];
                    double part = a[(h * t + pos) * t + s] * vo;
                    total += part;
                    src.add(new Source(s, tokens[s], part));
                }
                out.add(new HeadSources(l, h, ModelConfig.headLabel(l, h), total, List.copyOf(src)));
            }
        }
        return List.copyOf(out);
    }
}
