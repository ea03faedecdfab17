package org.circuitscope.engine;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.logging.Logger;
import org.circuitscope.features.CorpusFeatures;
import org.circuitscope.features.ScanCorpusFeatures;
import org.circuitscope.scan.ScanResult;

/**
 * The SAE feature contexts of the corpus scan a document names ({@link DocumentScans}: the
 * front matter's {@code scan:}, else the {@code circuitscope.scanDir} setting), for its hovers
 * and feature cards. The scan itself is read and checked against the model by {@link
 * DocumentScans}; this keeps the feature index built from each read scan (keyed by the scan's
 * value, so a rewritten scan is indexed again). A scan that cannot be used gives {@link
 * CorpusFeatures#NONE} and one log line here: the document still works without corpus
 * contexts, and the examples command reports the problem.
 */
final class CorpusFeaturesCache {
    private static final Logger LOG = Logger.getLogger(CorpusFeaturesCache.class.getName());

    private final Map<ScanResult, CorpusFeatures> indexed = Collections.synchronizedMap(new WeakHashMap<>());

    CorpusFeatures of(DocumentScans.Found found) {
        return found == null ? CorpusFeatures.NONE : indexed.computeIfAbsent(found.result(), ScanCorpusFeatures::of);
    }

    /** {@code find}'s scan as corpus features; NONE (and a log line) when it cannot be used. */
    CorpusFeatures of(java.util.function.Supplier<DocumentScans.Found> find) {
        try {
            return of(find.get());
        } catch (DocumentScans.ScanProblem p) {
            LOG.warning(() -> "no corpus contexts for SAE features: " + p.getMessage());
            return CorpusFeatures.NONE;
        }
    }
}
