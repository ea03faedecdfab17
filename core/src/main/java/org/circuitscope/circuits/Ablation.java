package org.circuitscope.circuits;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.Hook;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.RunOptions;
import org.circuitscope.model.Transformer;
import org.circuitscope.tensor.Tensor;

/**
 * Head ablation through a hook on {@code blocks.l.attn.hook_z} (as the TransformerLens
 * tutorials do):
 * <ul>
 * <li>zero: z^{l,h}[p] := 0 at every position, so the head writes nothing (result^{l,h} = z·W_O
 *   = 0; b_O, shared by the layer's heads, stays);</li>
 * <li>mean: z^{l,h}[p] := (1/T) Σ_{p'} z^{l,h}[p'], the mean over the T positions of this same
 *   prompt in a clean run (the single-prompt mean of the tutorials; it includes positions
 *   after p, so it is a reference value, not something the model could compute causally).</li>
 * </ul>
 * Several heads, in any layers, are ablated together in one pass. hook_z is per query head in
 * every family, so under grouped-query attention this ablates one query head; the other heads
 * reading its key/value head keep their output (ablating a shared key/value head is not offered).
 */
public final class Ablation {
    private Ablation() {}

    public enum Mode { ZERO, MEAN }

    /** @param heads labels; @param mode "zero" or "mean"; @param meanChange mean of the per-position changes */
    public record Result(List<String> heads, String mode, List<InterventionMetric.PositionEffect> positions, double meanChange) {}

    /** The hooks that ablate {@code heads}; {@code clean} must hold their layers' hook_z for MEAN (may be null for ZERO). */
    public static Map<String, Hook> hooks(ModelConfig c, List<HeadIndex> heads, Mode mode, ActivationCache clean) {
        Map<Integer, List<Integer>> byLayer = new LinkedHashMap<>();
        for (HeadIndex h : heads) {
            if (h.layer() < 0 || h.layer() >= c.nLayers() || h.head() < 0 || h.head() >= c.nHeads()) {
                throw new IllegalArgumentException("head " + h.label() + " is not in the model (" + c.nLayers() + " layers × " + c.nHeads() + " heads)");
            }
            byLayer.computeIfAbsent(h.layer(), k -> new ArrayList<>()).add(h.head());
        }
        int nh = c.nHeads(), dh = c.dHead();
        Map<String, Hook> hooks = new LinkedHashMap<>();
        byLayer.forEach((layer, hs) -> {
            String name = HookPoint.attn(layer, "z");
            double[][] mean = new double[nh][];
            if (mode == Mode.MEAN) {
                float[] z = clean.get(name).data();
                int t = z.length / (nh * dh);
                for (int h : hs) {
                    double[] m = new double[dh];
                    for (int p = 0; p < t; p++) for (int e = 0; e < dh; e++) m[e] += z[(p * nh + h) * dh + e];
                    for (int e = 0; e < dh; e++) m[e] /= t;
                    mean[h] = m;
                }
            }
            hooks.put(name, (act, n) -> {
                Tensor out = act.copy();
                float[] d = out.data();
                int t = act.dim(0);
                for (int h : hs) {
                    for (int p = 0; p < t; p++) {
                        for (int e = 0; e < dh; e++) d[(p * nh + h) * dh + e] = mode == Mode.MEAN ? (float) mean[h][e] : 0f;
                    }
                }
                return out;
            });
        });
        return hooks;
    }

    /** Logits [pos, d_vocab] of {@code tokens} with {@code heads} ablated. */
    public static Tensor logits(Transformer model, int[] tokens, List<HeadIndex> heads, Mode mode) {
        ActivationCache clean = mode == Mode.MEAN ? model.run(tokens, RunOptions.matching("blocks\\.\\d+\\.attn\\.hook_z")) : null;
        return model.run(tokens, RunOptions.none().withHooks(hooks(model.config(), heads, mode, clean))).logits();
    }

    /** Runs clean and ablated, and reports {@code metric} per position. */
    public static Result run(Transformer model, int[] tokens, List<HeadIndex> heads, Mode mode, InterventionMetric metric) {
        ActivationCache clean = model.run(tokens, RunOptions.matching("blocks\\.\\d+\\.attn\\.hook_z"));
        Tensor ablated = model.run(tokens, RunOptions.none().withHooks(hooks(model.config(), heads, mode, clean))).logits();
        List<InterventionMetric.PositionEffect> eff = metric.compare(tokens, clean.logits(), ablated);
        double mean = 0;
        for (InterventionMetric.PositionEffect e : eff) mean += e.change() / eff.size();
        return new Result(heads.stream().map(HeadIndex::label).toList(), mode.name().toLowerCase(), eff, eff.isEmpty() ? 0 : mean);
    }
}
