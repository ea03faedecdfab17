package org.circuitscope.lsp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.circuitscope.circuits.LogitDirection;
import org.circuitscope.circuits.SourceAttribution;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.eclipse.lsp4j.jsonrpc.CancelChecker;

/**
 * Hover's and inlay hints' per-head direct attribution at one query position: the circuits
 * library's {@link SourceAttribution} (part(l, h, s) = A[p, s]·(v_s·W_O)·u with the library's
 * read-out direction u = {@link LogitDirection}), evaluated on the single query row p.
 *
 * <p>Why not call {@link SourceAttribution#compute} on a cache: it reads hook_pattern
 * [head, pos, pos] of every layer, 576 MB for a 1,000-token prompt on GPT-2 small, which does
 * not fit a document's memory budget and would cost a full forward pass per hover. Row p of
 * the pattern is softmax_s(q_p·k_s/√d_head) over s ≤ p, so it is recomputed here from the
 * stored hook_q and hook_k (per-position, kept with hook_v by the first pass) in
 * O(layers·heads·pos·d_head). The test {@code HeadAttributionTest} checks the results equal
 * the library's on a full cache and the effect of removing the head.
 */
final class HeadAttribution {
    private HeadAttribution() {}

    /** One source position's part of a head's contribution. */
    record Source(int source, double logit) {}

    /** A head's direct contribution to the logit and (when asked) its split over sources, largest |part| first. */
    record Head(int layer, int head, String label, double logit, List<Source> sources) {}

    /** The activations read: per layer q, k, v (and the final LayerNorm scale). */
    static List<String> hooks(ModelConfig c) {
        List<String> names = new ArrayList<>();
        if (c.normalizationType() != Normalization.NONE) names.add(HookPoint.LN_FINAL_SCALE);
        for (int l = 0; l < c.nLayers(); l++) for (String x : new String[] {"q", "k", "v"}) names.add(HookPoint.attn(l, x));
        return names;
    }

    /** Every head's direct contribution to the logit of {@code target} read at position {@code pos}, largest |logit| first. */
    static List<Head> at(PromptRun run, int pos, int target, boolean withSources, CancelChecker cancel) {
        ModelConfig c = run.model().config();
        var w = run.model().transformer().weights();
        int d = c.dModel(), nh = c.nHeads(), dh = c.dHead();
        var acts = run.acts().getAll(hooks(c), cancel);
        // LogitDirection reads only ln_final.hook_scale from a cache; hand it a one-entry view.
        double[] u = LogitDirection.of(w, run.acts().cacheWith(c.normalizationType() == Normalization.NONE ? List.of() : List.of(HookPoint.LN_FINAL_SCALE), cancel),
                pos, target, -1).u();
        double inv = 1 / Math.sqrt(dh);
        List<Head> out = new ArrayList<>();
        for (int l = 0; l < c.nLayers(); l++) {
            cancel.checkCanceled();
            float[] q = acts.get(HookPoint.attn(l, "q")).data(), k = acts.get(HookPoint.attn(l, "k")).data(), v = acts.get(HookPoint.attn(l, "v")).data();
            float[] wo = w.data("blocks." + l + ".attn.W_O");
            for (int h = 0; h < nh; h++) {
                double[] ou = new double[dh];
                for (int e = 0; e < dh; e++) {
                    double s = 0;
                    for (int o = 0; o < d; o++) s += wo[(h * dh + e) * d + o] * u[o];
                    ou[e] = s;
                }
                double[] a = new double[pos + 1];
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int s = 0; s <= pos; s++) {
                    double x = 0;
                    for (int e = 0; e < dh; e++) x += q[(pos * nh + h) * dh + e] * k[(s * nh + h) * dh + e];
                    a[s] = x * inv;
                    max = Math.max(max, a[s]);
                }
                for (int s = 0; s <= pos; s++) sum += (a[s] = Math.exp(a[s] - max));
                List<Source> src = new ArrayList<>(withSources ? pos + 1 : 0);
                double total = 0;
                for (int s = 0; s <= pos; s++) {
                    double vo = 0;
                    for (int e = 0; e < dh; e++) vo += v[(s * nh + h) * dh + e] * ou[e];
                    double part = a[s] / sum * vo;
                    total += part;
                    if (withSources) src.add(new Source(s, part));
                }
                src.sort(Comparator.comparingDouble((Source x) -> -Math.abs(x.logit())));
                out.add(new Head(l, h, ModelConfig.headLabel(l, h), total, List.copyOf(src)));
            }
        }
        out.sort(Comparator.comparingDouble((Head x) -> -Math.abs(x.logit())));
        return out;
    }
}
