package org.circuitscope.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.circuitscope.circuits.DirectLogitAttribution;
import org.circuitscope.circuits.SourceAttribution;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.ModelConfig;

/**
 * {@code attribute --method direct}: direct logit attribution of every component
 * ({@link DirectLogitAttribution}) and each head's split over source tokens
 * ({@link SourceAttribution}).
 *
 * @param position   the logits row explained (the model position of {@code token})
 * @param contrast   null unless the value is logit(target) − logit(contrast)
 * @param value      the model's logit (or logit difference)
 * @param sum        Σ of {@code components}, equal to {@code value} to float precision
 * @param components in forward order
 * @param heads      largest |total| first; each head's sources largest |value| first
 */
public record DirectAttributionReport(String model, String method, int position, TokenRef token, TokenRef target, TokenRef contrast,
                                      double value, double sum, List<DirectLogitAttribution.Component> components, List<Head> heads) {

    /** One head: its direct contribution ({@code total}, equal to its component) and its part through each source token. */
    public record Head(String label, int layer, int head, double total, List<TokenValue> sources) {}

    /** The activations {@link #of} reads. */
    public static List<String> hooks(ModelConfig c) {
        List<String> n = new ArrayList<>(DirectLogitAttribution.hooks(c));
        for (String h : SourceAttribution.hooks(c)) if (!n.contains(h)) n.add(h);
        return n;
    }

    /** On {@code cache} holding {@link #hooks}; {@code contrast} −1 for none. */
    public static DirectAttributionReport of(Prompt p, ActivationCache cache, int pos, int target, int contrast) {
        DirectLogitAttribution.Result dla = DirectLogitAttribution.compute(p.transformer(), cache, pos, target, contrast);
        List<Head> heads = new ArrayList<>();
        for (SourceAttribution.HeadSources h : SourceAttribution.compute(p.transformer(), cache, pos, target, contrast)) {
            List<TokenValue> src = new ArrayList<>();
            for (SourceAttribution.Source s : h.sources()) src.add(new TokenValue(p.token(s.position()), s.value()));
            src.sort(Comparator.comparingDouble((TokenValue x) -> -Math.abs(x.value())));
            heads.add(new Head(h.label(), h.layer(), h.head(), h.total(), List.copyOf(src)));
        }
        heads.sort(Comparator.comparingDouble((Head x) -> -Math.abs(x.total())));
        return new DirectAttributionReport(p.model(), "direct", pos, p.token(pos), p.target(pos, target),
                contrast < 0 ? null : p.outside(contrast), dla.value(), dla.sum(), dla.components(), List.copyOf(heads));
    }
}
