package org.circuitscope.features;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitscope.model.Hook;
import org.circuitscope.sae.FeatureId;
import org.circuitscope.sae.FeatureIntervention;
import org.circuitscope.sae.SaeSet;

/**
 * Features to ablate or scale as users write them: {@code resid0:123=0} (ablate),
 * {@code resid0:123=2} (double), {@code resid0:123} (ablate). Each one is checked against the
 * loaded SAEs, so an unknown SAE or an index out of range is one clear error before any pass.
 */
public final class FeatureScales {
    private FeatureScales() {}

    /** The multipliers by feature, in the order given; a feature named twice keeps its last multiplier. */
    public static Map<FeatureId, Double> parse(List<String> specs, SaeSet saes) {
        Map<FeatureId, Double> out = new LinkedHashMap<>();
        for (String spec : specs) {
            String s = spec == null ? "" : spec.strip();
            int eq = s.lastIndexOf('=');
            String id = eq < 0 ? s : s.substring(0, eq).strip();
            double scale = 0;
            if (eq >= 0) {
                String v = s.substring(eq + 1).strip();
                try {
                    scale = Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("feature '" + s + "': '" + v + "' is not a number; write <sae>:<index>=<multiplier>, e.g. resid0:123=0");
                }
                if (!Double.isFinite(scale)) throw new IllegalArgumentException("feature '" + s + "': the multiplier must be a finite number");
            }
            FeatureId f = FeatureId.parse(id);
            if (saes.isEmpty()) {
                throw new IllegalArgumentException("feature " + f + ": no SAE is loaded; name SAE folders (--sae DIR on the command line,"
                        + " 'saes:' in the front matter or the circuitscope.saes setting in the editor)");
            }
            saes.require(f);
            out.remove(f);
            out.put(f, scale);
        }
        return out;
    }

    /** The hooks of {@link FeatureIntervention} for these multipliers. */
    public static Map<String, Hook> hooks(SaeSet saes, Map<FeatureId, Double> scales) {
        return scales.isEmpty() ? Map.of() : new FeatureIntervention(saes, scales).hooks();
    }

    /** {@code maps} merged; where two name the same hook point, the earlier map's hook runs first and the later one reads its output. */
    @SafeVarargs
    public static Map<String, Hook> chain(Map<String, Hook>... maps) {
        Map<String, Hook> out = new LinkedHashMap<>();
        for (Map<String, Hook> m : maps) {
            m.forEach((name, h) -> out.merge(name, h, (first, second) -> (act, n) -> second.apply(first.apply(act, n), n)));
        }
        return out;
    }

    /** How a multiplier reads in reports: {@code resid0:123=0}. */
    public static String label(FeatureId f, double scale) {
        return f + "=" + (scale == Math.rint(scale) && Math.abs(scale) < 1e9 ? String.valueOf((long) scale) : String.valueOf(scale));
    }
}
