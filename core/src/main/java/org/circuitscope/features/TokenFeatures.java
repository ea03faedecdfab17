package org.circuitscope.features;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitscope.sae.FeatureId;
import org.circuitscope.sae.Sae;
import org.circuitscope.sae.SaeSet;
import org.circuitscope.sae.SparseFeatures;
import org.circuitscope.tensor.Tensor;

/**
 * The active features of tokens across every SAE of a set: each SAE encodes its own hook
 * point's activation ({@link Sae#encodeSparse}), and a token's features from all SAEs are merged,
 * strongest first (ties: SAE order, then index, so the order is the same on every run).
 */
public final class TokenFeatures {
    private TokenFeatures() {}

    /** The hook points the set's SAEs read, each once, in the set's order. */
    public static List<String> hooks(SaeSet set) {
        List<String> out = new ArrayList<>();
        for (Sae s : set.saes()) if (!out.contains(s.config().hookName())) out.add(s.config().hookName());
        return out;
    }

    /** Each SAE's sparse features over all positions of {@code acts} (hook name → {@code [pos, …]} activation). */
    public static Map<String, SparseFeatures> encode(SaeSet set, Map<String, Tensor> acts) {
        Map<String, SparseFeatures> out = new LinkedHashMap<>();
        for (Sae s : set.saes()) out.put(s.name(), s.encodeSparse(need(acts, s)));
        return out;
    }

    /** Each SAE's sparse features at position {@code p} only (a hover reads one token; the rows are independent). */
    public static Map<String, SparseFeatures> encodeRow(SaeSet set, Map<String, Tensor> acts, int p) {
        Map<String, SparseFeatures> out = new LinkedHashMap<>();
        for (Sae s : set.saes()) {
            Tensor x = need(acts, s);
            int width = x.size() / x.dim(0);
            float[] row = new float[width];
            System.arraycopy(x.data(), p * width, row, 0, width);
            out.put(s.name(), s.encodeSparse(Tensor.of(row, 1, width)));
        }
        return out;
    }

    /** The {@code top} strongest features at {@code row} of {@code perSae} (as {@link #encode} returns it), merged over SAEs. */
    public static List<ActiveFeature> top(Map<String, SparseFeatures> perSae, int row, int top) {
        List<ActiveFeature> all = new ArrayList<>();
        List<String> order = new ArrayList<>(perSae.keySet());
        perSae.forEach((name, f) -> {
            for (int j = 0; j < f.index()[row].length; j++) all.add(new ActiveFeature(new FeatureId(name, f.index()[row][j]), f.value()[row][j]));
        });
        all.sort(Comparator.comparingDouble((ActiveFeature a) -> -a.activation())
                .thenComparingInt(a -> order.indexOf(a.id().sae())).thenComparingInt(a -> a.id().index()));
        return List.copyOf(all.subList(0, Math.min(top, all.size())));
    }

    private static Tensor need(Map<String, Tensor> acts, Sae s) {
        Tensor x = acts.get(s.config().hookName());
        if (x == null) throw new IllegalArgumentException("no activation of " + s.config().hookName() + " for SAE " + s.name());
        return x;
    }
}
