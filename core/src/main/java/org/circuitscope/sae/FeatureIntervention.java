package org.circuitscope.sae;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitscope.model.Hook;
import org.circuitscope.tensor.Tensor;

/**
 * Ablating or scaling SAE features in the forward pass. For each chosen feature i of an SAE
 * with multiplier s (0 ablates), the hook at the SAE's hook point adds
 * <pre>  (s − 1) · a_i(x) · W_dec[i]  </pre>
 * to every token's activation x where a_i(x) &gt; 0. Only the feature's share of the
 * reconstruction changes: the SAE's reconstruction error x − x̂ stays in the stream, as in
 * SAELens's splicing with {@code use_error_term = True}, so an empty intervention leaves the
 * model exactly as it was. Activations are encoded from the clean activation at that hook
 * (before any other edit), so several SAEs on one hook do not see each other's edits.
 */
public final class FeatureIntervention {
    private final SaeSet saes;
    private final Map<FeatureId, Double> scales;

    public FeatureIntervention(SaeSet saes, Map<FeatureId, Double> scales) {
        for (var e : scales.entrySet()) {
            saes.require(e.getKey());
            if (e.getValue() == null || !Double.isFinite(e.getValue())) {
                throw new IllegalArgumentException("feature " + e.getKey() + ": the multiplier must be a finite number, got " + e.getValue());
            }
        }
        this.saes = saes;
        this.scales = Map.copyOf(scales);
    }

    public Map<FeatureId, Double> scales() { return scales; }

    /** One hook per hook point touched, for {@code RunOptions.withHooks}. */
    public Map<String, Hook> hooks() {
        Map<String, Map<Sae, Map<Integer, Double>>> byHook = new LinkedHashMap<>();
        scales.forEach((f, s) -> {
            Sae sae = saes.require(f);
            byHook.computeIfAbsent(sae.config().hookName(), h -> new LinkedHashMap<>())
                    .computeIfAbsent(sae, x -> new LinkedHashMap<>()).put(f.index(), s);
        });
        Map<String, Hook> hooks = new LinkedHashMap<>();
        byHook.forEach((hook, perSae) -> hooks.put(hook, (act, name) -> apply(act, perSae)));
        return hooks;
    }

    private static Tensor apply(Tensor act, Map<Sae, Map<Integer, Double>> perSae) {
        float[] out = act.data().clone();
        for (var e : perSae.entrySet()) {
            Sae sae = e.getKey();
            int dIn = sae.config().dIn(), dSae = sae.config().dSae();
            float[] f = sae.encode(act).data();
            int pos = f.length / dSae;
            for (var fs : e.getValue().entrySet()) {
                int i = fs.getKey();
                double mult = fs.getValue() - 1;
                float[] row = sae.decoderRow(i);
                for (int p = 0; p < pos; p++) {
                    float a = f[p * dSae + i];
                    if (a <= 0) continue;
                    float c = (float) (mult * a);
                    for (int j = 0; j < dIn; j++) out[p * dIn + j] += c * row[j];
                }
            }
        }
        return Tensor.of(out, act.shape());
    }

    /** The features of this intervention that belong to SAEs at {@code hookName}. */
    public List<FeatureId> at(String hookName) {
        return scales.keySet().stream().filter(f -> saes.require(f).config().hookName().equals(hookName)).toList();
    }
}
