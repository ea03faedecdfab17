package org.circuitscope.circuits;

import java.util.ArrayList;
import java.util.List;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.LogitOps;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;

/**
 * The logit lens (nostalgebraist 2020; TransformerLens's {@code accumulated_resid} with
 * {@code apply_ln=True} then the unembedding): decode the residual stream after each layer as
 * if it were the last,
 * <pre>
 *   lens_k[p] = LN_final(r_k[p]) · W_U + b_U,   r_0 = blocks.0.hook_resid_pre, r_{l+1} = blocks.l.hook_resid_post
 * </pre>
 * where LN_final recomputes its mean (LayerNorm only; RMSNorm does not centre) and scale for r_k (nothing is frozen here: each
 * intermediate residual gets its own scale). The last entry decodes the final residual and so
 * equals the model's logits.
 */
public final class LogitLens {
    private LogitLens() {}

    /** A token with its lens logit and log-probability. */
    public record Prediction(int token, double logit, double logprob) {}

    /**
     * One residual stream read-out. {@code target*} are null when no target was asked for;
     * {@code targetRank} is 1 for the top token.
     */
    public record Layer(int index, String hook, List<Prediction> top, Integer target, Double targetLogit, Double targetLogprob,
                        Integer targetRank) {}

    public record Result(int position, List<Layer> layers) {}

    /** The residual streams the lens reads, in order: resid_pre of layer 0, then every resid_post. */
    public static List<String> hooks(ModelConfig c) {
        if (c.nLayers() == 0) {
            throw new IllegalArgumentException("model " + c.modelName() + " has no layers, so no residual stream between them to read;"
                    + " its logits are the direct path (see predict and bigrams)");
        }
        List<String> out = new ArrayList<>(List.of(HookPoint.residPre(0)));
        for (int l = 0; l < c.nLayers(); l++) out.add(HookPoint.residPost(l));
        return out;
    }

    /** Lens at {@code pos}: top {@code k} tokens per layer, and the target's standing when {@code target} ≥ 0. */
    public static Result compute(Transformer model, ActivationCache cache, int pos, int k, int target) {
        if (k < 1) throw new IllegalArgumentException("the number of top tokens must be at least 1, got " + k);
        LogitDirection.checkPosition(pos, cache.tokens().length);
        if (target >= 0) LogitDirection.checkToken("target", target, model.config().dVocab());
        List<Layer> layers = new ArrayList<>();
        List<String> hooks = hooks(model.config());
        for (int i = 0; i < hooks.size(); i++) {
            double[] logits = logits(model.weights(), cache.get(hooks.get(i)), pos);
            double[] lp = logSoftmax(logits);
            List<Prediction> top = new ArrayList<>();
            for (LogitOps.Scored s : LogitOps.topK(logits, k)) top.add(new Prediction(s.token(), s.score(), lp[s.token()]));
            layers.add(target < 0 ? new Layer(i, hooks.get(i), List.copyOf(top), null, null, null, null)
                    : new Layer(i, hooks.get(i), List.copyOf(top), target, logits[target], lp[target], LogitOps.rank(logits, target)));
        }
        return new Result(pos, List.copyOf(layers));
    }

    /** LN_final(resid[pos]) · W_U + b_U in float64, the scale recomputed for this residual. */
    public static double[] logits(Weights w, Tensor resid, int pos) {
        ModelConfig c = w.config();
        int d = c.dModel(), v = c.dVocab();
        float[] r = resid.data();
        double[] x = new double[d];
        for (int i = 0; i < d; i++) x[i] = r[pos * d + i];
        Normalization n = c.normalizationType();
        if (n.scales()) {
            if (n.centers()) LogitDirection.centre(x); // LayerNorm; RMSNorm only scales
            double var = 0;
            for (double e : x) var += e * e;
            double scale = Math.sqrt(var / d + c.eps());
            float[] lw = n.hasWeight() ? w.lnFinal().w().data() : null, lb = n == Normalization.LN ? w.lnFinal().b().data() : null;
            for (int i = 0; i < d; i++) {
                x[i] /= scale;
                if (lw != null) x[i] *= lw[i];
                if (lb != null) x[i] += lb[i];
            }
        }
        float[] wu = w.wU().data(), bu = w.bU().data();
        double[] out = new double[v];
        for (int j = 0; j < v; j++) out[j] = bu[j];
        for (int i = 0; i < d; i++) {
            double xi = x[i];
            int off = i * v;
            for (int j = 0; j < v; j++) out[j] += xi * wu[off + j];
        }
        return out;
    }

    static double[] logSoftmax(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double e : x) max = Math.max(max, e);
        double sum = 0;
        for (double e : x) sum += Math.exp(e - max);
        double lse = max + Math.log(sum);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] - lse;
        return out;
    }
}
