package org.circuitscope.circuits;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.LayerWeights;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.WeightNames;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.WorkerPool;

/**
 * Path expansion of one logit (Elhage et al. 2021, "A Mathematical Framework", §2–3) on a
 * prompt, exact at the forward pass it comes from.
 *
 * <p>Freeze every attention pattern A^{l,h} (paper: A^h) and every LayerNorm scale at their
 * values in the forward pass. Each LayerNorm is then affine, LN(x) = P x / s ⊙ w + b with P the
 * centring projection, and each layer is affine in the residual stream, so the logit of token
 * t at position p splits into a sum. With u the frozen read-out direction of {@link
 * LogitDirection} (W_U[:, t] with ln_final's weight folded in, centred, over s_f[p]), g^{l,h} =
 * P(w1^l ⊙ W_V^{l,h} W_O^{l,h} u) the direction head (l, h) reads for that logit, β^{l,h} =
 * ln1.b^l·W_V^{l,h} + b_V^{l,h} its value bias, x0 = W_E[tok] + W_pos (hook_embed +
 * hook_pos_embed) and c^{l,h}[s] = A^{l,h}[p, s] / s1^l[s] (s1 = blocks.l.ln1.hook_scale):
 * <pre>
 *   direct            x0[p] · u                                        (paper: W_U W_E, plus W_pos)
 *   head L{l}H{h}     Σ_s c^{l,h}[s] x0[s] · g^{l,h}                   (W_U W_O^h W_V^h W_E ⊗ A^h)
 *   virtual L{a}H{i}->L{b}H{j}  (a &lt; b)
 *                     Σ_s c^{b,j}[s] (z^{a,i}[s] − ΣA^{a,i}[s,·] β^{a,i}) W_O^{a,i} · g^{b,j}
 *                                                                      (W_U W_OV^{j} W_OV^{i} W_E ⊗ A^j A^i)
 *   mlp MLP{l}        mlp_out^l[p] · u
 *   mlp_virtual MLP{a}->L{b}H{j}   Σ_s c^{b,j}[s] mlp_out^a[s] · g^{b,j}
 *   bias L{l}H{h}.b_V            ΣA^{l,h}[p,·] β^{l,h} W_O^{l,h} · u
 *   bias blocks.{l}.attn.b_O     b_O^l · u
 *   bias biases->L{b}H{j}        Σ_s c^{b,j}[s] (Σ_{a&lt;b} b_O^a + ΣA^{a,i}[s,·] β^{a,i} W_O^{a,i}) · g^{b,j}
 *   bias ln_final.b, unembed.b_U b_f · W_U[:, t],  b_U[t]
 * </pre>
 * (z = hook_z, so z − ΣA·β is the part of a head's value that came through ln1's centred,
 * scaled input.) The terms sum to the model's logit to float precision.
 *
 * <p>How far it expands: every head output is a source for later heads, and a virtual term
 * L{a}H{i}->L{b}H{j} takes the whole non-bias output of L{a}H{i} as L{b}H{j} reads it. In one-
 * and two-layer attention-only models this is exactly the paper's virtual head (x0 through two
 * heads); in deeper models, longer chains (x0 → L0H0 → L1H1 → L2H2) are folded into the pair
 * of their last two heads (here L1H1->L2H2), so nothing is dropped and nothing counted twice.
 * MLP outputs, taken at their value in the forward pass (bias included), are sources like heads
 * and are not expanded through the nonlinearity: MLP{l} is their direct effect and
 * MLP{a}->L{b}H{j} their effect through a later head. Every bias (b_O, the value bias with
 * ln1.b, and what later heads read of earlier biases) is a bias term. Normalization none, LN and
 * LNPre are all handled (no P and s = 1 without normalization; w = 1, b = 0 for LNPre), and so
 * are RMS and RMSPre (no P, no b: RMSNorm does not centre and has no bias; w = 1 for RMSPre).
 *
 * <p>Other families. Rotary models have no W_pos: x0 = W_E[tok] (the direct term is labelled
 * {@code embed}); the rotation acts on queries and keys only, so with the patterns frozen as the
 * forward pass recorded them the value paths above are unchanged. Grouped-query attention:
 * head (l, h) reads the value head g = {@link ModelConfig#keyValueHead}(h), so W_V^{l,h} and
 * b_V^{l,h} above are {@code _W_V[g]}, {@code _b_V[g]}. Parallel blocks (GPT-NeoX): the MLP
 * reads resid_pre rather than resid_mid, which changes nothing here (MLP outputs are taken as
 * recorded, and every head still reads the embeddings plus the outputs of earlier layers), so
 * the terms still sum to the logit.
 */
public final class PathExpansion {
    private PathExpansion() {}

    public static final String DIRECT = "direct", HEAD = "head", VIRTUAL = "virtual", MLP = "mlp",
            MLP_VIRTUAL = "mlp_virtual", BIAS = "bias";

    /** One term: {@code kind} is one of direct, head, virtual, mlp, mlp_virtual, bias. */
    public record Term(String kind, String label, double value) {}

    /**
     * @param logit the model's logit for {@code target} at {@code position} (from the forward pass)
     * @param sum   Σ of the terms, float64 (equals {@code logit} to float precision)
     * @param terms every term, largest |value| first
     */
    public record Result(int position, int target, double logit, double sum, List<Term> terms) {}

    /** The activations {@link #expand(Transformer, ActivationCache, int, int)} reads. */
    public static List<String> hooks(ModelConfig c) {
        List<String> n = new ArrayList<>(List.of(HookPoint.EMBED));
        if (!c.rotary()) n.add(HookPoint.POS_EMBED);
        boolean norm = c.normalizationType().scales();
        if (norm) n.add(HookPoint.LN_FINAL_SCALE);
        for (int l = 0; l < c.nLayers(); l++) {
            n.add(HookPoint.attn(l, "pattern"));
            n.add(HookPoint.attn(l, "z"));
            if (norm) n.add(HookPoint.ln(l, "ln1", "scale"));
            if (!c.attnOnly()) n.add(HookPoint.mlpOut(l));
        }
        return n;
    }

    /** Expands on a fresh forward pass over {@code tokens}. */
    public static Result expand(Transformer model, int[] tokens, int pos, int target) {
        return expand(model, model.runWithCache(tokens), pos, target);
    }

    /**
     * Expands on {@code cache}, which must hold hook_embed, hook_pos_embed (unless rotary) and, per layer,
     * attn.hook_pattern, attn.hook_z, ln1 / ln_final hook_scale (when normalized) and
     * hook_mlp_out (when the model has MLPs).
     */
    public static Result expand(Transformer model, ActivationCache cache, int pos, int target) {
        Weights w = model.weights();
        ModelConfig c = model.config();
        int t = cache.tokens().length, d = c.dModel(), nh = c.nHeads(), dh = c.dHead(), nl = c.nLayers(), v = c.dVocab();
        LogitDirection.checkPosition(pos, t);
        LogitDirection dir = LogitDirection.of(w, cache, pos, target, -1);
        double[] u = dir.u();
        Normalization nt = c.normalizationType();
        // norm: divided by a frozen scale; centre: LayerNorm's P; weighted: ln1.w; ln: ln1.b too.
        boolean norm = nt.scales(), centre = nt.centers(), weighted = nt.hasWeight(), ln = nt == Normalization.LN;
        float[] embed = cache.get(HookPoint.EMBED).data(), posEmbed = c.rotary() ? null : cache.get(HookPoint.POS_EMBED).data();
        double[] x0 = new double[(pos + 1) * d];
        for (int i = 0; i < x0.length; i++) x0[i] = posEmbed == null ? embed[i] : (double) embed[i] + posEmbed[i];

        List<Term> terms = new ArrayList<>();
        terms.add(new Term(DIRECT, c.rotary() ? "embed" : "embed+pos_embed", dot(x0, pos * d, u)));

        // Per head: g (the direction it reads), β (value bias), coefficients c[s], row sums of A over s' ≤ s.
        double[][][] g = new double[nl][nh][], beta = new double[nl][nh][], coef = new double[nl][nh][], rowSum = new double[nl][nh][];
        for (int l = 0; l < nl; l++) {
            LayerWeights lw = w.layer(l);
            float[] wv = lw.attn().wV().data(), wo = lw.attn().wO().data(), bv = lw.attn().bV().data(), bo = lw.attn().bO().data();
            float[] w1 = weighted ? lw.ln1().w().data() : null, b1 = ln ? lw.ln1().b().data() : null;
            float[] a = cache.get(HookPoint.attn(l, "pattern")).data();
            float[] s1 = norm ? cache.get(HookPoint.ln(l, "ln1", "scale")).data() : null;
            for (int h = 0; h < nh; h++) {
                int kvh = c.keyValueHead(h); // the value head this query head reads
                double[] ao = woTimes(wo, h, dh, d, u);
                double[] y = new double[d];
                for (int i = 0; i < d; i++) {
                    double s = 0;
                    for (int e = 0; e < dh; e++) s += wv[(kvh * d + i) * dh + e] * ao[e];
                    y[i] = weighted ? s * w1[i] : s;
                }
                if (centre) LogitDirection.centre(y);
                g[l][h] = y;
                double[] be = new double[dh];
                for (int e = 0; e < dh; e++) {
                    double s = bv[kvh * dh + e];
                    if (ln) for (int i = 0; i < d; i++) s += b1[i] * wv[(kvh * d + i) * dh + e];
                    be[e] = s;
                }
                beta[l][h] = be;
                double[] cf = new double[pos + 1], rs = new double[pos + 1];
                for (int s = 0; s <= pos; s++) {
                    cf[s] = a[(h * t + pos) * t + s] / (norm ? (double) s1[s] : 1.0);
                    double r = 0;
                    for (int k = 0; k <= s; k++) r += a[(h * t + s) * t + k];
                    rs[s] = r;
                }
                coef[l][h] = cf;
                rowSum[l][h] = rs;
                String label = ModelConfig.headLabel(l, h);
                double single = 0;
                for (int s = 0; s <= pos; s++) single += cf[s] * dot(x0, s * d, y);
                terms.add(new Term(HEAD, label, single));
                terms.add(new Term(BIAS, label + ".b_V", rs[pos] * dot(be, ao)));
            }
            terms.add(new Term(BIAS, WeightNames.attn(l, "b_O"), dotF(bo, 0, u)));
            if (!c.attnOnly()) {
                terms.add(new Term(MLP, "MLP" + l, dotF(cache.get(HookPoint.mlpOut(l)).data(), pos * d, u)));
            }
        }

        // What each head of layer b reads from earlier heads, MLPs and biases: independent per reading head, so in parallel.
        int readers = Math.max(0, nl - 1) * nh; // no readers without a second layer (none at all in a zero-layer model)
        double[][] virt = new double[readers][], mlpVirt = new double[readers][];
        double[] biases = new double[readers];
        WorkerPool.parallelFor(readers, r -> {
            int b = 1 + r / nh, j = r % nh;
            double[] gj = g[b][j], cf = coef[b][j], vt = new double[b * nh], mv = new double[b];
            double bs = 0;
            for (int a = 0; a < b; a++) {
                LayerWeights.Attention at = w.layer(a).attn();
                float[] wo = at.wO().data(), z = cache.get(HookPoint.attn(a, "z")).data();
                bs += dotF(at.bO().data(), 0, gj) * sum(cf);
                for (int i = 0; i < nh; i++) {
                    double[] m = woTimes(wo, i, dh, d, gj);
                    double bm = dot(beta[a][i], m), x = 0;
                    for (int s = 0; s <= pos; s++) {
                        double zm = 0;
                        for (int e = 0; e < dh; e++) zm += z[(s * nh + i) * dh + e] * m[e];
                        x += cf[s] * (zm - rowSum[a][i][s] * bm);
                        bs += cf[s] * rowSum[a][i][s] * bm;
                    }
                    vt[a * nh + i] = x;
                }
                if (!c.attnOnly()) {
                    float[] mo = cache.get(HookPoint.mlpOut(a)).data();
                    for (int s = 0; s <= pos; s++) mv[a] += cf[s] * dotF(mo, s * d, gj);
                }
            }
            virt[r] = vt;
            mlpVirt[r] = mv;
            biases[r] = bs;
        });
        for (int r = 0; r < readers; r++) {
            int b = 1 + r / nh, j = r % nh;
            String reader = ModelConfig.headLabel(b, j);
            for (int a = 0; a < b; a++) {
                for (int i = 0; i < nh; i++) terms.add(new Term(VIRTUAL, ModelConfig.headLabel(a, i) + "->" + reader, virt[r][a * nh + i]));
                if (!c.attnOnly()) terms.add(new Term(MLP_VIRTUAL, "MLP" + a + "->" + reader, mlpVirt[r][a]));
            }
            terms.add(new Term(BIAS, "biases->" + reader, biases[r]));
        }
        if (ln) terms.add(new Term(BIAS, WeightNames.LN_FINAL_B, dir.lnBias()));
        terms.add(new Term(BIAS, WeightNames.B_U, dir.unembedBias()));

        double total = 0;
        for (Term x : terms) total += x.value();
        terms.sort(Comparator.comparingDouble((Term x) -> -Math.abs(x.value())));
        return new Result(pos, target, cache.logits().data()[pos * v + target], total, List.copyOf(terms));
    }

    /** W_O[h] [d_head, d_model] times x [d_model]: a d_head vector. */
    private static double[] woTimes(float[] wo, int h, int dh, int d, double[] x) {
        double[] out = new double[dh];
        for (int e = 0; e < dh; e++) {
            double s = 0;
            int off = (h * dh + e) * d;
            for (int o = 0; o < d; o++) s += wo[off + o] * x[o];
            out[e] = s;
        }
        return out;
    }

    private static double dot(double[] x, int off, double[] y) {
        double s = 0;
        for (int i = 0; i < y.length; i++) s += x[off + i] * y[i];
        return s;
    }

    private static double dot(double[] x, double[] y) { return dot(x, 0, y); }

    private static double dotF(float[] x, int off, double[] y) {
        double s = 0;
        for (int i = 0; i < y.length; i++) s += x[off + i] * y[i];
        return s;
    }

    private static double sum(double[] x) {
        double s = 0;
        for (double e : x) s += e;
        return s;
    }
}
