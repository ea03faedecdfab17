package org.circuitscope.engine;

import java.util.List;
import org.circuitscope.features.CorpusFeatures;
import org.circuitscope.features.FeatureLogits;
import org.circuitscope.sae.SaeSet;

/**
 * The sparse autoencoders a document's analysis uses and why any it names could not be used.
 *
 * @param set      the SAEs that load and fit the model (empty when none)
 * @param logits   each feature's promoted and suppressed tokens, memoised for this model and set
 * @param problems one per SAE folder that is missing, unreadable, clashing or made for another model
 * @param corpus   the features' corpus contexts and histograms from the document's corpus scan ({@link CorpusFeatures#NONE} without one)
 */
public record DocumentSaes(SaeSet set, FeatureLogits logits, List<Problem> problems, CorpusFeatures corpus) {

    public DocumentSaes {
        if (corpus == null) corpus = CorpusFeatures.NONE;
    }

    public DocumentSaes(SaeSet set, FeatureLogits logits, List<Problem> problems) {
        this(set, logits, problems, CorpusFeatures.NONE);
    }

    /** These SAEs with the corpus scan's view of their features. */
    public DocumentSaes withCorpus(CorpusFeatures c) { return new DocumentSaes(set, logits, problems, c); }

    /**
     * @param fromFrontMatter whether the folder was named in the front matter (the diagnostic sits
     *                        on its {@code saes:} line) or in the {@code circuitscope.saes} setting
     */
    public record Problem(String entry, boolean fromFrontMatter, String message) {}

    public static final DocumentSaes NONE = new DocumentSaes(SaeSet.empty(), null, List.of());

    public boolean isEmpty() { return set.isEmpty(); }
}
