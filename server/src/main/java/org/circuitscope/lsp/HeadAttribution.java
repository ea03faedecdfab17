package org.circuitscope.lsp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.circuitscope.circuits.LogitDirection;
import org.circuitscope.circuits.SourceAttribution;
import org.circuitscope.model.KeyValueCache;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Kernels;
import org.circuitscope.tensor.WorkerPool;
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
 * queries, keys and values in the document's {@link KeyValueCache} by the kernels'
 * {@code segmentDots}, layers in parallel, in O(layers·pos·d_model): it reads every layer's
 * keys and values once (74 MB at 1,000 tokens of GPT-2 small, a few milliseconds).
 * The per-source split is built only for the heads that show it. The test
 * {@code HeadAttributionTest} checks the results equal the library's on a full cache and the
 * effect of removing the head.
 */
final class HeadAttribution {
    private HeadAttribution() {}

    /** One source position's part of a head's contribution. */
    record Source(int source, double logit) {}

    /** A head's direct contribution to the logit and (when asked) its split over sources, largest |part| first. */
    record Head(int layer, int head, String label, double logit, List<Source> sources) {}

    /**
     * Every head's direct contribution to the logit of {@code target} read at position
     * {@code pos}, largest |logit| first; the first {@code withSources} of them with their
     * split over source positions.
     */
    static List<Head> at(PromptRun run, int pos, int target, int withSources, CancelChecker cancel) {
        ModelConfig c = run.model().config();
        if (pos < 0 || pos >= run.acts().length()) {
            throw new IndexOutOfBoundsException("position " + pos + " is outside the analysed positions 0.." + (run.acts().length() - 1));
        }
        Weights w = run.model().transformer().weights();
        KeyValueCache kv = run.acts().kv();
        double scale = c.normalizationType() == Normalization.NONE ? 1.0 : kv.finalScale()[pos];
        double[] u = LogitDirection.of(w, scale, target, -1).u();
        float[] uf = new float[u.length];
        for (int i = 0; i < u.length; i++) uf[i] = (float) u[i];
        int nh = c.nHeads(), layers = c.nLayers();
        // Per layer, [pos + 1, n_heads]: each source's score against the query, and its value read out along u.
        float[][] scores = new float[layers][], readOut = new float[layers][];
        double[] totals = new double[layers * nh];
        cancel.checkCanceled();
        WorkerPool.parallelFor(layers, l -> {
            layer(c, w, kv, l, pos, uf, scores[l] = new float[(pos + 1) * nh], readOut[l] = new float[(pos + 1) * nh]);
            for (int h = 0; h < nh; h++) {
                double t = 0;
                for (double x : parts(c, scores[l], readOut[l], h, pos)) t += x;
                totals[l * nh + h] = t;
            }
        });
        cancel.checkCanceled();
        List<Head> heads = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < nh; h++) heads.add(new Head(l, h, ModelConfig.headLabel(l, h), totals[l * nh + h], List.of()));
        }
        heads.sort(Comparator.comparingDouble((Head x) -> -Math.abs(x.logit())));
        for (int i = 0; i < Math.min(withSources, heads.size()); i++) {
            Head x = heads.get(i);
            double[] parts = parts(c, scores[x.layer()], readOut[x.layer()], x.head(), pos);
            List<Source> src = new ArrayList<>(parts.length);
            for (int s = 0; s < parts.length; s++) src.add(new Source(s, parts[s]));
            src.sort(Comparator.comparingDouble((Source y) -> -Math.abs(y.logit())));
            heads.set(i, new Head(x.layer(), x.head(), x.label(), x.logit(), List.copyOf(src)));
        }
        return heads;
    }

    /**
     * Layer l's scores q_pos·k_s (every head, s ≤ pos) and read-outs v_s·(W_O[h]·u), each
     * [pos + 1, n_heads]: three products of the kernels, no call per source and head.
     */
    private static void layer(ModelConfig c, Weights w, KeyValueCache kv, int l, int pos, float[] u, float[] scores, float[] readOut) {
        Kernels k = Kernels.get();
        int d = c.dModel(), nh = c.nHeads(), dh = c.dHead(), hd = nh * dh;
        float[] ou = new float[hd];
        k.segmentDots(w.data("blocks." + l + ".attn.W_O"), 0, d, hd, u, 0, 1, d, ou, 0);
        k.segmentDots(kv.keys(l), 0, hd, pos + 1, kv.queries(l), pos * hd, nh, dh, scores, 0);
        k.segmentDots(kv.values(l), 0, hd, pos + 1, ou, 0, nh, dh, readOut, 0);
    }

    /** Head h's part through each source s ≤ pos: A[pos, s] · (v_s · W_O[h] · u), the pattern row a softmax of the scores. */
    private static double[] parts(ModelConfig c, float[] scores, float[] readOut, int h, int pos) {
        int nh = c.nHeads();
        double inv = 1 / Math.sqrt(c.dHead()), max = Double.NEGATIVE_INFINITY, sum = 0;
        double[] a = new double[pos + 1];
        for (int s = 0; s <= pos; s++) max = Math.max(max, a[s] = scores[s * nh + h] * inv);
        for (int s = 0; s <= pos; s++) sum += (a[s] = Math.exp(a[s] - max));
        for (int s = 0; s <= pos; s++) a[s] = a[s] / sum * readOut[s * nh + h];
        return a;
    }
}
