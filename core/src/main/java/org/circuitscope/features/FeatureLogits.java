package org.circuitscope.features;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.circuitscope.circuits.DirectionLogits;
import org.circuitscope.model.LogitOps;
import org.circuitscope.model.Weights;
import org.circuitscope.sae.FeatureId;
import org.circuitscope.sae.Sae;
import org.circuitscope.sae.SaeSet;

/**
 * The tokens a feature promotes and suppresses through the direct path: its decoder row
 * W_dec[i] written at the SAE's hook point and read by the unembed ({@link DirectionLogits}:
 * W_out first for an MLP's hook_post, the final LayerNorm with its scale frozen, then W_U).
 * One instance per model and SAE set memoises every feature's lists at scale 1: a positive
 * scale does not change their order, so the labels in hovers never depend on the token.
 */
public final class FeatureLogits {
    /** A token and its logit change per unit of activation. */
    public record TokenLogit(int token, double logit) {}

    /**
     * The {@code k} most promoted (largest first) and most suppressed (most negative first)
     * tokens; {@code direct} is false, and both lists empty, where the hook has no direct path.
     */
    public record Result(boolean direct, List<TokenLogit> promoted, List<TokenLogit> suppressed) {}

    /** Tokens kept per feature in the memo (a label shows 3, a card 10). */
    public static final int KEPT = 10;

    private final Weights weights;
    private final SaeSet saes;
    private final Map<FeatureId, Result> memo = new ConcurrentHashMap<>();

    public FeatureLogits(Weights weights, SaeSet saes) {
        this.weights = weights;
        this.saes = saes;
    }

    /** The feature's lists at final scale 1 (memoised). */
    public Result of(FeatureId f) {
        return memo.computeIfAbsent(f, x -> compute(weights, saes.require(x), x.index(), 1.0, KEPT));
    }

    /** The first {@code n} promoted tokens' ids, strongest first (empty without a direct path). */
    public List<Integer> topTokens(FeatureId f, int n) {
        List<TokenLogit> p = of(f).promoted();
        List<Integer> out = new ArrayList<>();
        for (TokenLogit t : p.subList(0, Math.min(n, p.size()))) out.add(t.token());
        return out;
    }

    /** The lists for one feature with the final normalisation's scale frozen at {@code finalScale}. */
    public static Result compute(Weights w, Sae sae, int index, double finalScale, int k) {
        double[] logits = DirectionLogits.logits(w, sae.config().hookName(), sae.decoderRow(index), finalScale);
        if (logits == null) return new Result(false, List.of(), List.of());
        double[] negated = new double[logits.length];
        for (int t = 0; t < logits.length; t++) negated[t] = -logits[t];
        List<TokenLogit> up = new ArrayList<>(), down = new ArrayList<>();
        for (LogitOps.Scored s : LogitOps.topK(logits, k)) up.add(new TokenLogit(s.token(), s.score()));
        for (LogitOps.Scored s : LogitOps.topK(negated, k)) down.add(new TokenLogit(s.token(), -s.score()));
        return new Result(true, List.copyOf(up), List.copyOf(down));
    }
}
