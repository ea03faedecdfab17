package org.circuitscope.features;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.circuitscope.sae.FeatureId;
import org.circuitscope.scan.ScanResult;
import org.circuitscope.scan.TopExample;

/**
 * {@link CorpusFeatures} read from a corpus scan with SAE features ({@code scan --sae}): a
 * feature's top contexts are the scan's top examples (text before the token, the token, text
 * after, the activation), its histogram the scan's bins with the empty ones at either end left
 * out and the last, open bin closed at the feature's largest activation.
 */
public final class ScanCorpusFeatures implements CorpusFeatures {
    private final Map<FeatureId, Feature> byId = new HashMap<>();

    private ScanCorpusFeatures(ScanResult scan) {
        double[] lower = scan.summary().spec().featureBins().lowerEdges();
        for (ScanResult.FeatureExamples f : scan.features()) {
            if (f.count() == 0) continue;
            List<Context> contexts = new ArrayList<>();
            for (TopExample e : f.examples()) contexts.add(context(e));
            byId.put(new FeatureId(f.sae(), f.index()), new Feature(List.copyOf(contexts), histogram(lower, f.histogram(), f.max())));
        }
    }

    /** The scan's features; {@link CorpusFeatures#NONE} when it has none. */
    public static CorpusFeatures of(ScanResult scan) {
        return scan.features().isEmpty() ? NONE : new ScanCorpusFeatures(scan);
    }

    @Override
    public Optional<Feature> of(FeatureId id) { return Optional.ofNullable(byId.get(id)); }

    static Context context(TopExample e) {
        List<String> t = e.tokens();
        return new Context(e.document(), String.join("", t.subList(0, e.focus())), t.get(e.focus()),
                String.join("", t.subList(e.focus() + 1, t.size())), e.score());
    }

    /** The nonempty run of bins: edges from the first nonempty bin's lower edge to the last one's upper (max for the open bin). */
    static Histogram histogram(double[] lower, List<Long> counts, double max) {
        int first = 0, last = counts.size() - 1;
        while (first <= last && counts.get(first) == 0) first++;
        while (last >= first && counts.get(last) == 0) last--;
        if (first > last) return new Histogram(List.of(), List.of());
        List<Double> edges = new ArrayList<>();
        for (int b = first; b <= last; b++) edges.add(lower[b]);
        edges.add(last + 1 < lower.length ? lower[last + 1] : Math.max(max, lower[last]));
        return new Histogram(List.copyOf(edges), List.copyOf(counts.subList(first, last + 1)));
    }
}
