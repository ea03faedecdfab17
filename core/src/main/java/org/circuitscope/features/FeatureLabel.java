package org.circuitscope.features;

import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import org.circuitscope.sae.FeatureId;

/**
 * A feature's one-line label: its top 3 promoted tokens through the unembed, and its top
 * corpus context when a scan with feature contexts is there, e.g.
 * {@code → " Lord" " God" " LORD" · "…the word of the [Lord]…"}.
 */
public final class FeatureLabel {
    public static final int TOKENS = 3;

    private FeatureLabel() {}

    public static String of(FeatureId f, FeatureLogits logits, CorpusFeatures corpus, IntFunction<String> tokenText) {
        StringBuilder b = new StringBuilder();
        List<Integer> top = logits.topTokens(f, TOKENS);
        if (top.isEmpty()) b.append("no direct path to the logits");
        else {
            b.append("→");
            for (int t : top) b.append(' ').append(quote(tokenText.apply(t)));
        }
        Optional<CorpusFeatures.Feature> c = corpus.of(f);
        if (c.isPresent() && !c.get().top_contexts().isEmpty()) {
            CorpusFeatures.Context x = c.get().top_contexts().getFirst();
            b.append(" · \"…").append(clip(x.before(), 24, true)).append('[').append(x.text()).append(']').append(clip(x.after(), 12, false)).append("…\"");
        }
        return b.toString();
    }

    static String quote(String s) { return "\"" + s.replace("\n", "\\n").replace("\"", "\\\"") + "\""; }

    private static String clip(String s, int max, boolean keepEnd) {
        String t = s.replace("\n", " ");
        if (t.length() <= max) return t;
        return keepEnd ? t.substring(t.length() - max) : t.substring(0, max);
    }
}
