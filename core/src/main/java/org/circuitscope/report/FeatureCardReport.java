package org.circuitscope.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.circuitscope.features.CorpusFeatures;
import org.circuitscope.features.FeatureLabel;
import org.circuitscope.features.FeatureLogits;
import org.circuitscope.features.Histogram;
import org.circuitscope.model.Weights;
import org.circuitscope.sae.FeatureId;
import org.circuitscope.sae.Sae;

/**
 * {@code circuitscope.featureCard}: one SAE feature on a document. Its activation at every
 * position, a histogram of the nonzero ones, the top contexts (the positions where it is most
 * active, with the text around them), the tokens its decoder row promotes and suppresses
 * through the unembed ({@link FeatureLogits}, the final LayerNorm's scale frozen at its mean over
 * the document), the decoder row's norm, and what a corpus scan holds of it (null without one).
 *
 * @param activations  the feature's activation at each position of {@code tokens}
 * @param active_tokens positions where it is nonzero
 * @param logit_note   how the logits were computed (or why there are none)
 */
public record FeatureCardReport(String model, String feature, String sae, int index, String hook_name, double decoder_norm,
                                String label, List<TokenRef> tokens, float[] activations, int active_tokens, Histogram histogram,
                                List<Context> top_contexts, List<TokenLogit> promoted, List<TokenLogit> suppressed, String logit_note,
                                CorpusFeatures.Feature corpus) {

    /** A position where the feature fires: the token, the text before and after it, and the activation. */
    public record Context(TokenRef token, String before, String text, String after, double activation) {}

    /** A token outside the prompt and its logit change per unit of activation. */
    public record TokenLogit(TokenRef token, double logit) {}

    public static final int CONTEXTS = 10, BEFORE = 8, AFTER = 3, BINS = 20;

    /**
     * @param acts       the feature's activation at each position of the prompt
     * @param finalScale the final normalisation's scale the logits use (the document's mean)
     */
    public static FeatureCardReport of(Prompt p, Sae sae, FeatureId f, float[] acts, Weights w, double finalScale, FeatureLogits logits,
                                       CorpusFeatures corpus) {
        float[] row = sae.decoderRow(f.index());
        double norm = 0;
        for (float x : row) norm += (double) x * x;
        norm = Math.sqrt(norm);
        List<TokenRef> tokens = IntStream.range(0, p.length()).mapToObj(p::token).toList();
        int active = 0;
        for (float a : acts) if (a > 0) active++;
        List<Context> contexts = new ArrayList<>();
        IntStream.range(0, acts.length).filter(q -> acts[q] > 0).boxed()
                .sorted(Comparator.comparingDouble((Integer q) -> -acts[q]).thenComparingInt(q -> q)).limit(CONTEXTS)
                .forEach(q -> contexts.add(new Context(p.token(q), join(p, Math.max(0, q - BEFORE), q), p.text(p.ids()[q]),
                        join(p, q + 1, Math.min(p.length(), q + 1 + AFTER)), acts[q])));
        FeatureLogits.Result r = FeatureLogits.compute(w, sae, f.index(), finalScale, FeatureLogits.KEPT);
        String note = r.direct()
                ? "logit change per unit of activation: W_dec[" + f.index() + "] at " + sae.config().hookName()
                        + (sae.config().hookName().endsWith("mlp.hook_post") ? " through W_out" : "")
                        + ", the final LayerNorm (scale frozen at its mean over this document, " + String.format(java.util.Locale.ROOT, "%.3f", finalScale)
                        + "), then W_U"
                : sae.config().hookName() + " reaches the logits only through a nonlinearity: there is no direct path to read";
        return new FeatureCardReport(p.model(), f.toString(), f.sae(), f.index(), sae.config().hookName(), norm,
                FeatureLabel.of(f, logits, corpus, p::text), tokens, acts, active, Histogram.of(acts, BINS), List.copyOf(contexts),
                refs(p, r.promoted()), refs(p, r.suppressed()), note, corpus.of(f).orElse(null));
    }

    private static List<TokenLogit> refs(Prompt p, List<FeatureLogits.TokenLogit> ts) {
        return ts.stream().map(t -> new TokenLogit(p.outside(t.token()), t.logit())).toList();
    }

    private static String join(Prompt p, int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int q = from; q < to; q++) b.append(p.text(p.ids()[q]));
        return b.toString();
    }
}
