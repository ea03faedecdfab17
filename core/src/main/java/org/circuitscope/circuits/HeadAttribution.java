package org.circuitscope.circuits;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.circuitscope.circuits.LogitDirection;
import org.circuitscope.circuits.SourceAttribution;
import org.circuitscope.model.KeyValueCache;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.DType;
import org.circuitscope.tensor.Kernels;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.tensor.WeightGemm;
import org.circuitscope.tensor.WorkerPool;

/**
 * The per-head direct attribution that a hover and inlay hints show at one query position: the circuits
 * library's {@link SourceAttribution} (part(l, h, s) = A[p, s]·(v_s·W_O)·u with the library's
 * read-out direction u = {@link LogitDirection}), evaluated on the single query row p.
 *
 * <p>Why not call {@link SourceAttribution#compute} on a cache: it reads hook_pattern
 * [head, pos, pos] of every layer, 576 MB for a 1,000-token prompt on GPT-2 small, which does
 * not fit a document's memory budget and would cost a full forward pass per hover. Row p of
 * the pattern is softmax_s(q_p·k_s/√d_head) over s ≤ p, and a head's total over its sources is
 * Σ_s A[p, s]·v_s·W_O[h]·u = (z_p,h·W_O[h])·u with z_p,h its attention output (hook_z) and
 * z_p,h·W_O[h] its result row (hook_result). So the totals of every head read only W_O and the
 * z rows at p from the document's {@link KeyValueCache}, and the per-source split, built for the
 * few heads that show it, reads those heads' slices of the cached queries, keys and values and
 * their rows of W_O: about 30 MB per hover at 1,000 tokens of GPT-2 small (W_O), not the 74 MB
 * of every key and value. The result rows do not depend on the token read out, so the cache
 * keeps them for the last positions hovered ({@link KeyValueCache#derivedRow}): the next hover
 * there, after an edit past it, reads those rows (5.8 MB on TinyLlama) instead of W_O (184 MB
 * in BF16). The test
 * {@code HeadAttributionTest} checks the results equal the library's on a full cache and the
 * effect of removing the head.
 */
public final class HeadAttribution {
    private HeadAttribution() {}

    /** One source position's part of a head's contribution. */
    public record Source(int source, double logit) {}

    /** A head's direct contribution to the logit and (when asked) its split over sources, largest |part| first. */
    public record Head(int layer, int head, String label, double logit, List<Source> sources) {}

    /**
     * Every head's direct contribution to the logit of {@code target} read at position
     * {@code pos}, largest |logit| first; the first {@code withSources} of them with their
     * split over source positions.
     */
    public static List<Head> at(Weights w, KeyValueCache kv, int analysed, int pos, int target, int withSources, Runnable checkpoint) {
        ModelConfig c = w.config();
        if (pos < 0 || pos >= analysed) {
            throw new IndexOutOfBoundsException("position " + pos + " is outside the analysed positions 0.." + (analysed - 1));
        }
        double scale = c.normalizationType() == Normalization.NONE ? 1.0 : kv.finalScale()[pos];
        double[] u = LogitDirection.of(w, scale, target, -1).u();
        float[] uf = new float[u.length];
        for (int i = 0; i < u.length; i++) uf[i] = (float) u[i];
        int nh = c.nHeads(), dh = c.dHead(), d = c.dModel(), layers = c.nLayers();
        checkpoint.run();
        // Each head's total is its result row (hook_result: z_pos,h·W_O[h]) read out along u. The result rows
        // depend on the position only, not on the token read out: made once per position and kept with the
        // cache, so hovers on one token after typing past it read 22 × 32 rows, not all of W_O, on TinyLlama.
        float[] results = kv.derivedRow(pos, HOOK_RESULT, w, () -> results(w, kv, pos));
        float[] totals = new float[layers * nh];
        Kernels.get().segmentDots(results, 0, d, layers * nh, uf, 0, 1, d, totals, 0, layers * nh);
        checkpoint.run();
        List<Head> heads = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < nh; h++) heads.add(new Head(l, h, ModelConfig.headLabel(l, h), totals[l * nh + h], List.of()));
        }
        heads.sort(Comparator.comparingDouble((Head x) -> -Math.abs(x.logit())));
        for (int i = 0; i < Math.min(withSources, heads.size()); i++) {
            Head x = heads.get(i);
            double[] parts = parts(c, kv, x.layer(), x.head(), pos, outTimesU(w.layer(x.layer()).attn().wO(), x.head(), dh, d, uf));
            List<Source> src = new ArrayList<>(pos + 1);
            for (int s = 0; s <= pos; s++) src.add(new Source(s, parts[s]));
            src.sort(Comparator.comparingDouble((Source y) -> -Math.abs(y.logit())));
            heads.set(i, new Head(x.layer(), x.head(), x.label(), x.logit(), List.copyOf(src)));
        }
        return heads;
    }

    /** The name of the per-head result rows kept with the cache: TransformerLens's hook point for them. */
    private static final String HOOK_RESULT = "attn.hook_result";

    /**
     * Every head's result row at {@code pos}, z_pos,h·W_O[h], [layer, head, d_model]: per layer one
     * batched product of the heads' z slices with their W_O rows (converted as read where W_O is
     * kept in 16 bits), not summed over heads.
     */
    private static float[] results(Weights w, KeyValueCache kv, int pos) {
        ModelConfig c = w.config();
        int nh = c.nHeads(), dh = c.dHead(), hd = nh * dh, d = c.dModel(), layers = c.nLayers();
        float[] out = new float[layers * nh * d];
        WorkerPool.parallelFor(layers, l -> new WeightGemm(Kernels.get())
                .gemmBatched(nh, 1, d, dh, kv.z(l), pos * hd, dh, dh, w.layer(l).attn().wO(), 0, d, dh * d, out, l * nh * d, d, d));
        return out;
    }

    /** W_O[h]·u: head h's d_head rows of W_O read out along u (a row at a time through a buffer where kept in 16 bits). */
    private static float[] outTimesU(Tensor wo, int h, int dh, int d, float[] uf) {
        Kernels k = Kernels.get();
        float[] ou = new float[dh];
        if (wo.dtype() == DType.F32) {
            k.segmentDots(wo.data(), h * dh * d, d, dh, uf, 0, 1, d, ou, 0, dh);
        } else {
            float[] row = new float[d];
            for (int r = 0; r < dh; r++) {
                wo.copyTo((h * dh + r) * d, row, 0, d);
                k.segmentDots(row, 0, d, 1, uf, 0, 1, d, ou, r, 1);
            }
        }
        return ou;
    }

    /**
     * Head (l, h)'s part through each source s ≤ pos, A[pos, s]·(v_s·W_O[h]·u): its pattern row
     * (softmax of q_pos·k_s/√d_head, with the cache's queries and keys as attention used them,
     * rotated for rotary models) and read-outs from the head's slices of the cached rows.
     */
    private static double[] parts(ModelConfig c, KeyValueCache kv, int l, int h, int pos, float[] ou) {
        Kernels k = Kernels.get();
        // Key and value rows are n_key_value_heads wide: query head h reads its group's key/value head.
        int dh = c.dHead(), hd = c.nHeads() * dh, kvd = c.nKeyValueHeads() * dh, g = c.keyValueHead(h), n = pos + 1;
        float[] a = new float[n], r = new float[n];
        k.segmentDots(kv.keys(l), g * dh, kvd, n, kv.queries(l), pos * hd + h * dh, 1, dh, a, 0, n);
        k.segmentDots(kv.values(l), g * dh, kvd, n, ou, 0, 1, dh, r, 0, n);
        float inv = (float) (1 / Math.sqrt(dh));
        for (int s = 0; s < n; s++) a[s] *= inv;
        k.softmax(a, 0, n);
        double[] parts = new double[n];
        for (int s = 0; s < n; s++) parts[s] = (double) a[s] * r[s];
        return parts;
    }
}
