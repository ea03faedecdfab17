package org.circuitscope.lsp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.Weights;
import org.eclipse.lsp4j.jsonrpc.CancelChecker;

/**
 * TO BE REPLACED by the circuits library's direct logit attribution, path expansion, gradient
 * attributions, skip-trigrams and composition scores once they are merged.
 *
 * <p>Direct attribution through a head, as in TransformerLens's
 * {@code cache.stack_head_results} + {@code apply_ln_to_stack}: the final LayerNorm is linear
 * once its scale σ is frozen, so head h's part of the logit of token t at position q is
 * <pre>  DLA(h) = z[q,h]·W_O[h] · ũ / σ[q],   ũ = centre_d(w_ln ⊙ (W_U[:,t] − mean_v W_U[:,v]))</pre>
 * (the vocabulary mean makes it a contribution to the logit relative to the mean logit, which
 * is what the softmax sees). Since z[q,h] = Σ_s A[h,q,s]·v[s,h], source s's share is
 * A[h,q,s]·(v[s,h]·W_O[h]·ũ)/σ[q], and the shares sum to the head's contribution.
 */
public final class SimpleCircuitAnalyses implements CircuitAnalyses {

    @Override
    public List<HeadContribution> directHeads(PromptRun run, int q, int target, boolean withSources, CancelChecker cancel) {
        ModelConfig c = run.model().config();
        Weights w = run.model().transformer().weights();
        int d = c.dModel(), nh = c.nHeads(), dh = c.dHead(), t = run.length();
        double[] u = direction(run.model(), target);
        boolean norm = c.normalizationType() != Normalization.NONE;
        List<String> names = new ArrayList<>();
        if (norm) names.add(HookPoint.LN_FINAL_SCALE);
        for (int l = 0; l < c.nLayers(); l++) {
            if (withSources) { names.add(HookPoint.attn(l, "v")); names.add(HookPoint.attn(l, "pattern")); }
            else names.add(HookPoint.attn(l, "z"));
        }
        // One call, so activations the first pass did not keep cost one extra pass, not one per layer.
        var acts = run.acts().getAll(names, cancel);
        double scale = norm ? acts.get(HookPoint.LN_FINAL_SCALE).data()[q] : 1;
        List<HeadContribution> out = new ArrayList<>();
        for (int l = 0; l < c.nLayers(); l++) {
            cancel.checkCanceled();
            float[] v = withSources ? acts.get(HookPoint.attn(l, "v")).data() : null;
            float[] a = withSources ? acts.get(HookPoint.attn(l, "pattern")).data() : null;
            float[] z = withSources ? null : acts.get(HookPoint.attn(l, "z")).data();
            float[] wo = w.data("blocks." + l + ".attn.W_O");
            for (int h = 0; h < nh; h++) {
                double[] wou = new double[dh]; // W_O[h]·ũ
                for (int i = 0; i < dh; i++) {
                    double s = 0;
                    for (int j = 0; j < d; j++) s += wo[(h * dh + i) * d + j] * u[j];
                    wou[i] = s;
                }
                List<SourceContribution> src = new ArrayList<>();
                double total = 0;
                if (!withSources) {
                    for (int i = 0; i < dh; i++) total += z[(q * nh + h) * dh + i] * wou[i];
                    out.add(new HeadContribution(l, h, ModelConfig.headLabel(l, h), total / scale, List.of()));
                    continue;
                }
                for (int s = 0; s <= q; s++) {
                    double dot = 0;
                    for (int i = 0; i < dh; i++) dot += v[(s * nh + h) * dh + i] * wou[i];
                    double share = a[(h * t + q) * t + s] * dot / scale;
                    total += share;
                    src.add(new SourceContribution(s, share));
                }
                src.sort(Comparator.comparingDouble((SourceContribution x) -> -Math.abs(x.logit())));
                out.add(new HeadContribution(l, h, ModelConfig.headLabel(l, h), total, List.copyOf(src)));
            }
        }
        out.sort(Comparator.comparingDouble((HeadContribution x) -> -Math.abs(x.logit())));
        return out;
    }

    /** ũ for a target token: the final LayerNorm's weight times the centred unembedding column, centred over d_model. */
    static double[] direction(ModelHandle m, int target) {
        ModelConfig c = m.config();
        Weights w = m.transformer().weights();
        int d = c.dModel(), vocab = c.dVocab();
        double[] mean = m.memo("W_U.mean", x -> {
            float[] wu = w.data("unembed.W_U");
            double[] r = new double[d];
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int k = 0; k < vocab; k++) s += wu[j * vocab + k];
                r[j] = s / vocab;
            }
            return r;
        });
        float[] wu = w.data("unembed.W_U");
        float[] lnw = c.normalizationType() == Normalization.LN ? w.data("ln_final.w") : null;
        double[] u = new double[d];
        double avg = 0;
        for (int j = 0; j < d; j++) {
            u[j] = (wu[j * vocab + target] - mean[j]) * (lnw == null ? 1 : lnw[j]);
            avg += u[j];
        }
        // The LayerNorm subtracts each vector's mean first; projecting on a zero-mean ũ does the same.
        if (c.normalizationType() != Normalization.NONE) {
            avg /= d;
            for (int j = 0; j < d; j++) u[j] -= avg;
        }
        return u;
    }

    @Override
    public Object pathExpansion(PromptRun run, int pos, int target, CancelChecker cancel) {
        throw new NotYetAvailable("circuitscope.pathExpansion (path expansion of the logits)");
    }

    @Override
    public Object attribute(PromptRun run, int pos, int target, String method, CancelChecker cancel) {
        throw new NotYetAvailable("attribution method '" + method + "'");
    }

    @Override
    public Object skipTrigrams(ModelHandle model, int layer, int head, int k) {
        throw new NotYetAvailable("skip-trigrams");
    }

    @Override
    public Object composition(ModelHandle model, int layer, int head) {
        throw new NotYetAvailable("composition scores");
    }
}
