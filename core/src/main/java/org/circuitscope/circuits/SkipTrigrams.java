package org.circuitscope.circuits;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.tensor.WorkerPool;

/**
 * A head's top skip-trigrams "[source] … [destination] → [out]": when the destination token
 * attends back to the source, the head raises the logit of out.
 *
 * <p>Method (the paper reads them off the two circuits; this is one exact, cheap choice):
 * <ol>
 * <li>the k largest entries OV[s, o] of the OV circuit W_E·W_OV·W_U (paper: W_U W_OV^h W_E) over
 *   the circuits' token set T give (source, out) pairs: what attending to s does to o's logit;</li>
 * <li>for each such source s, the destination d is the token of T with the highest QK score
 *   toward it, argmax_d QK[d, s] of W_E·W_QK·W_Eᵀ (paper: W_Eᵀ W_QK^h W_E): column s of the QK
 *   circuit, so the token that most wants to attend to s.</li>
 * </ol>
 * {@code score} is OV[s, o] (logit change per unit of attention), {@code qkScore} is QK[d, s]
 * (unscaled attention score, before 1/√d_head). The OV scan costs |T|²·d_head and each
 * destination |T|·d_model (one column of the QK circuit, {@link TokenCircuits#qkColumns}); neither
 * circuit is formed in full. Biases, positional terms and
 * LayerNorm are ignored.
 */
public final class SkipTrigrams {
    private SkipTrigrams() {}

    /** One skip-trigram, by token id. */
    public record SkipTrigram(int source, int destination, int out, double score, double qkScore) {}

    /**
     * {@link #top} of every head, [layer][head], the heads spread over the worker pool (each
     * head's search is the same arithmetic whichever thread runs it), reporting heads done.
     */
    public static List<List<SkipTrigram>> topOfEveryHead(TokenCircuits tc, ModelConfig c, int k, WorkProgress progress) {
        int nh = c.nHeads(), dh = c.dHead(), heads = c.nLayers() * nh, n = tc.size();
        @SuppressWarnings("unchecked")
        List<SkipTrigram>[] out = new List[heads];
        ConcurrentProgress done = new ConcurrentProgress(progress, heads);
        boolean large = (long) n * dh * n >= FactoredMatrix.SIMD_PRODUCT;
        for (int l = 0; l < c.nLayers(); l++) {
            // A layer's OV factors as two products for all its heads (not two per head), then each
            // head's scan of its own blocks of them in place.
            TokenCircuits.OvFactors f = large ? tc.ovFactors(l) : null;
            int layer = l;
            WorkerPool.parallelFor(nh, h -> {
                List<FactoredMatrix.Entry> top = f == null ? tc.ov(layer, h).top(k)
                        : FactoredMatrix.top(f.left(), c.keyValueHead(h) * dh, f.ldLeft(), f.right(), h * dh * n, n, n, dh, n, k);
                out[layer * nh + h] = trigrams(tc, layer, h, top);
                done.unitDone();
            });
        }
        return List.of(out);
    }

    /** The k skip-trigrams of a head with the largest OV entries, largest first. */
    public static List<SkipTrigram> top(TokenCircuits tc, int layer, int head, int k) {
        return trigrams(tc, layer, head, tc.ov(layer, head).top(k));
    }

    /** Each top OV entry (source, out) with its destination: the token whose QK score toward the source is highest. */
    private static List<SkipTrigram> trigrams(TokenCircuits tc, int layer, int head, List<FactoredMatrix.Entry> topOv) {
        int[] sources = topOv.stream().mapToInt(FactoredMatrix.Entry::row).distinct().toArray();
        double[][] toward = tc.qkColumns(layer, head, sources);
        Map<Integer, double[]> columns = new HashMap<>();
        for (int i = 0; i < sources.length; i++) columns.put(sources[i], toward[i]);
        List<SkipTrigram> out = new ArrayList<>();
        for (FactoredMatrix.Entry e : topOv) {
            double[] column = columns.get(e.row());
            int d = TopK.indices(column, 1)[0];
            out.add(new SkipTrigram(tc.token(e.row()), tc.token(d), tc.token(e.column()), e.value(), column[d]));
        }
        return out;
    }
}
