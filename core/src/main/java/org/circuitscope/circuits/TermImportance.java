package org.circuitscope.circuits;

import java.util.LinkedHashMap;
import java.util.Map;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.LogitOps;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Kernels;

/**
 * How much each order of path terms matters (Elhage et al. 2021, §"Path expansion of logits" and
 * the term-importance figure of the two-layer model): the next-token loss when the logits keep
 * only some {@link PathResiduals} terms, with attention patterns and normalisation scales frozen
 * at the forward pass. With R_K the sum of the kept terms' residuals,
 * <pre>
 *   logits_K[p] = (P R_K[p] / s_f[p]) ⊙ w_f · W_U + b_f · W_U + b_U        loss_K = mean_p −log softmax(logits_K[p])[tok[p+1]]
 * </pre>
 * for the orders direct; direct + one-head (head terms); + virtual (two-head) terms; all terms
 * (adds the MLP terms; equal to "+ virtual" in attention-only models). Every order keeps the
 * bias terms: they do not depend on the tokens, and without them "all terms" would not be the
 * model. All terms give the model's own logits (patterns frozen at their values change nothing
 * on the pass they came from), so loss_all is the model's loss.
 *
 * <p>Marginal effect of a head's one-head term or of a virtual head: loss(all − that term) −
 * loss(all); positive when the term helps. Each order costs one unembedding [pos, d_model] ×
 * [d_model, d_vocab]; each marginal one more.
 */
public final class TermImportance {
    private TermImportance() {}

    /** Above this many virtual heads their marginal effects are skipped (one unembedding each). */
    public static final int MAX_VIRTUAL_MARGINALS = 1024;

    /**
     * Loss sums over {@code tokens} predicted positions (divide for the means); the maps are by
     * head / virtual head label and hold the loss sum with that term removed from "all";
     * {@code virtuals} is null when there were more than {@link #MAX_VIRTUAL_MARGINALS}.
     */
    public record Sums(int tokens, double model, double direct, double oneHead, double virtual, double all,
                       Map<String, Double> heads, Map<String, Double> virtuals) {

        /** Two texts' sums added (the same model). */
        public Sums plus(Sums o) {
            return new Sums(tokens + o.tokens, model + o.model, direct + o.direct, oneHead + o.oneHead, virtual + o.virtual, all + o.all,
                    merge(heads, o.heads), virtuals == null || o.virtuals == null ? null : merge(virtuals, o.virtuals));
        }

        private static Map<String, Double> merge(Map<String, Double> a, Map<String, Double> b) {
            Map<String, Double> m = new LinkedHashMap<>(a);
            b.forEach((k, v) -> m.merge(k, v, Double::sum));
            return m;
        }
    }

    /** The activations {@link #of} reads. */
    public static java.util.List<String> hooks(ModelConfig c) {
        java.util.List<String> n = new java.util.ArrayList<>(PathResiduals.hooks(c));
        if (c.normalizationType().scales() && !n.contains(HookPoint.LN_FINAL_SCALE)) n.add(HookPoint.LN_FINAL_SCALE);
        return n;
    }

    /** On a fresh forward pass. */
    public static Sums of(Transformer model, int[] tokens) { return of(model, model.runWithCache(tokens)); }

    /** On {@code cache} (with {@link #hooks} and the logits): the losses over its positions 0..n−2, each predicting the next token. */
    public static Sums of(Transformer model, ActivationCache cache) {
        ModelConfig c = model.config();
        int[] tok = cache.tokens();
        if (tok.length < 2) throw new IllegalArgumentException("term importance needs at least two tokens (one prediction), got " + tok.length);
        Unembed u = new Unembed(model.weights(), cache);
        int d = c.dModel(), n = tok.length * d;
        double[] direct = new double[n], oneHead = new double[n], virtual = new double[n], all = new double[n];
        PathResiduals.forEach(model, cache, term -> {
            double[] r = term.resid();
            switch (term.kind()) {
                case PathExpansion.DIRECT, PathExpansion.BIAS -> { add(direct, r); add(oneHead, r); add(virtual, r); }
                case PathExpansion.HEAD -> { add(oneHead, r); add(virtual, r); }
                case PathExpansion.VIRTUAL -> add(virtual, r);
                default -> { }
            }
            add(all, r);
        });
        boolean virtualMarginals = PathResiduals.virtualCount(c) <= MAX_VIRTUAL_MARGINALS;
        Map<String, Double> heads = new LinkedHashMap<>(), virtuals = virtualMarginals ? new LinkedHashMap<>() : null;
        // Second pass: terms are recomputed rather than kept (a deep model's virtual terms would not fit).
        double[] without = new double[n];
        PathResiduals.forEach(model, cache, term -> {
            boolean head = term.kind().equals(PathExpansion.HEAD), virt = term.kind().equals(PathExpansion.VIRTUAL) && virtualMarginals;
            if (!head && !virt) return;
            double[] r = term.resid();
            for (int i = 0; i < n; i++) without[i] = all[i] - r[i];
            (head ? heads : virtuals).put(term.label(), u.lossSum(without));
        });
        return new Sums(tok.length - 1, modelLossSum(cache, c.dVocab()), u.lossSum(direct), u.lossSum(oneHead), u.lossSum(virtual),
                u.lossSum(all), heads, virtuals);
    }

    /** Σ over positions of the model's own next-token loss, from the cache's logits. */
    static double modelLossSum(ActivationCache cache, int v) {
        float[] lg = cache.logits().data();
        int[] tok = cache.tokens();
        double s = 0;
        for (int p = 0; p + 1 < tok.length; p++) s += LogitOps.logSumExp(lg, p * v, v) - lg[p * v + tok[p + 1]];
        return s;
    }

    private static void add(double[] acc, double[] x) {
        for (int i = 0; i < acc.length; i++) acc[i] += x[i];
    }

    /** The frozen final normalisation and the unembedding: a residual [pos, d_model] to the loss sum of its logits. */
    private static final class Unembed {
        final int t, d, v;
        final int[] tok;
        final float[] wu, wf, sf;
        final double[] constant; // b_f · W_U + b_U
        final boolean centre;
        final float[] x, logits;

        Unembed(Weights w, ActivationCache cache) {
            ModelConfig c = w.config();
            tok = cache.tokens();
            t = tok.length;
            d = c.dModel();
            v = c.dVocab();
            Normalization nt = c.normalizationType();
            wu = w.wU().data();
            wf = nt.hasWeight() ? w.lnFinal().w().data() : null;
            sf = nt.scales() ? cache.get(HookPoint.LN_FINAL_SCALE).data() : null;
            centre = nt.centers();
            float[] bu = w.bU().data(), bf = nt == Normalization.LN ? w.lnFinal().b().data() : null;
            constant = new double[v];
            for (int j = 0; j < v; j++) constant[j] = bu[j];
            if (bf != null) for (int i = 0; i < d; i++) for (int j = 0; j < v; j++) constant[j] += (double) bf[i] * wu[i * v + j];
            x = new float[(t - 1) * d];
            logits = new float[(t - 1) * v];
        }

        /** Σ_{p < t−1} −log softmax(logits[p])[tok[p+1]] (the last position predicts nothing). */
        double lossSum(double[] resid) {
            int rows = t - 1;
            for (int p = 0; p < rows; p++) {
                double mean = 0;
                if (centre) {
                    for (int i = 0; i < d; i++) mean += resid[p * d + i];
                    mean /= d;
                }
                double scale = sf == null ? 1 : sf[p];
                for (int i = 0; i < d; i++) x[p * d + i] = (float) ((resid[p * d + i] - mean) / scale * (wf == null ? 1 : wf[i]));
            }
            Kernels.get().gemm(false, false, rows, v, d, x, 0, d, wu, 0, v, logits, 0, v, false);
            double sum = 0;
            for (int p = 0; p < rows; p++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < v; j++) max = Math.max(max, logits[p * v + j] + constant[j]);
                double z = 0;
                for (int j = 0; j < v; j++) z += Math.exp(logits[p * v + j] + constant[j] - max);
                sum += max + Math.log(z) - (logits[p * v + tok[p + 1]] + constant[tok[p + 1]]);
            }
            return sum;
        }
    }
}
