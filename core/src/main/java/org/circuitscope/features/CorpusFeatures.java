package org.circuitscope.features;

import java.util.List;
import java.util.Optional;
import org.circuitscope.sae.FeatureId;

/**
 * A corpus scan's view of features: the contexts where each was most active and the
 * histogram of its activations over the corpus, filled from a scan run with SAEs
 * ({@link ScanCorpusFeatures}); without one {@link #NONE} answers for every feature, and hovers
 * and feature cards show the document alone.
 */
public interface CorpusFeatures {
    /** A corpus context: the text before the token, the token, the text after, and the activation on the token. */
    record Context(String document, String before, String text, String after, double activation) {}

    /**
     * What the scan holds of one feature: its top contexts, strongest first, and a histogram of its
     * nonzero activations. {@code top_contexts} in snake_case: the record is part of the feature
     * card's JSON, whose page reads that name.
     */
    record Feature(List<Context> top_contexts, Histogram histogram) {}

    Optional<Feature> of(FeatureId id);

    CorpusFeatures NONE = id -> Optional.empty();
}
