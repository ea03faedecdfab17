package org.circuitscope.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.circuitscope.features.ActiveFeature;
import org.circuitscope.features.CorpusFeatures;
import org.circuitscope.features.FeatureLabel;
import org.circuitscope.features.FeatureLogits;
import org.circuitscope.features.TokenFeatures;
import org.circuitscope.sae.Sae;
import org.circuitscope.sae.SaeSet;
import org.circuitscope.sae.SparseFeatures;

/**
 * {@code features}: per token, the strongest active features over every SAE loaded
 * ({@link TokenFeatures}), each with its activation and label ({@link FeatureLabel}).
 *
 * @param saes   the SAEs read, in order
 * @param tokens every position of the prompt, with its top features (empty where none is active)
 */
public record FeaturesReport(String model, List<SaeRef> saes, int top, List<Row> tokens) {

    /** An SAE: its name (the {@code <sae>} of feature ids), hook point, architecture and width. */
    public record SaeRef(String name, String hook_name, String architecture, int d_sae) {
        public static SaeRef of(Sae s) {
            return new SaeRef(s.name(), s.config().hookName(), s.config().architecture().saeLensName(), s.config().dSae());
        }
    }

    /** A token, how many features are active on it in all SAEs together (L0), and the strongest ones. */
    public record Row(TokenRef token, int active, List<Feature> features) {}

    /** A feature on a token: {@code <sae>:<index>}, its activation and one-line label. */
    public record Feature(String feature, String sae, int index, double activation, String label) {}

    public static FeaturesReport of(Prompt p, SaeSet set, Map<String, SparseFeatures> encoded, FeatureLogits logits,
                                    CorpusFeatures corpus, int top) {
        List<Row> rows = new ArrayList<>();
        for (int q = 0; q < p.length(); q++) {
            int active = 0;
            for (SparseFeatures f : encoded.values()) active += f.active(q);
            List<Feature> fs = new ArrayList<>();
            for (ActiveFeature a : TokenFeatures.top(encoded, q, top)) {
                fs.add(new Feature(a.id().toString(), a.id().sae(), a.id().index(), a.activation(), FeatureLabel.of(a.id(), logits, corpus, p::text)));
            }
            rows.add(new Row(p.token(q), active, List.copyOf(fs)));
        }
        return new FeaturesReport(p.model(), set.saes().stream().map(SaeRef::of).toList(), top, List.copyOf(rows));
    }
}
