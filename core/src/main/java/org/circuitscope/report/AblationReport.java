package org.circuitscope.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.circuitscope.features.FeatureScales;
import org.circuitscope.sae.FeatureId;
import org.circuitscope.circuits.Ablation;
import org.circuitscope.circuits.HeadIndex;
import org.circuitscope.circuits.InterventionMetric;

/**
 * {@code ablate}: zero or mean {@link Ablation} of heads, and ablating or scaling SAE features
 * ({@link org.circuitscope.sae.FeatureIntervention}), measured per position by the change
 * in log-probability of the actual next token.
 *
 * @param mode              {@code zero} or {@code mean}
 * @param mean_change       mean of {@code change} over the positions
 * @param mean_loss         mean next-token loss (nats) of the clean run
 * @param ablated_mean_loss the same with the heads ablated
 * @param positions         every position but the last
 * @param features          SAE features scaled in the same pass, as {@code <sae>:<index>=<multiplier>} (null when none;
 *                          {@code heads} may then be empty)
 */
public record AblationReport(String model, List<String> heads, String mode, double mean_change, double mean_loss, double ablated_mean_loss,
                             List<Row> positions, List<String> features) {

    /** {@code token} at a position, the {@code next} token it predicts, and that prediction's log-probability clean and ablated. */
    public record Row(TokenRef token, TokenRef next, double logprob, double ablated_logprob, double change) {}

    public static AblationReport of(Prompt p, List<HeadIndex> heads, Ablation.Mode mode, List<InterventionMetric.PositionEffect> effects) {
        return of(p, heads, Map.of(), mode, effects);
    }

    /** With SAE features scaled too ({@code features}: multiplier by feature, 0 ablates), reported as {@code resid0:123=0}. */
    public static AblationReport of(Prompt p, List<HeadIndex> heads, Map<FeatureId, Double> features, Ablation.Mode mode,
                                    List<InterventionMetric.PositionEffect> effects) {
        List<Row> rows = new ArrayList<>();
        double change = 0, clean = 0, ablated = 0;
        for (InterventionMetric.PositionEffect e : effects) {
            int q = e.position();
            rows.add(new Row(p.token(q), p.token(q + 1), e.clean(), e.intervened(), e.change()));
            change += e.change();
            clean -= e.clean();
            ablated -= e.intervened();
        }
        int n = Math.max(1, rows.size());
        return new AblationReport(p.model(), heads.stream().map(HeadIndex::label).toList(), mode.name().toLowerCase(java.util.Locale.ROOT),
                change / n, clean / n, ablated / n, List.copyOf(rows),
                features.isEmpty() ? null : features.entrySet().stream().map(e -> FeatureScales.label(e.getKey(), e.getValue())).toList());
    }
}
