package org.circuitscope.circuits;

import java.util.function.Consumer;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.LayerWeights;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.Weights;

/**
 * The terms of {@link PathExpansion} as vectors in the residual stream, at every position at
 * once: what each path term adds to the final residual {@code blocks.L.hook_resid_post} with the
 * attention patterns and the normalisation scales frozen at the forward pass. PathExpansion
 * projects each term onto one logit's read-out direction; here the term stays a [pos, d_model]
 * array, so one unembedding turns a sum of terms into the logits of the whole vocabulary.
 *
 * <p>With R^{l,h}(S)[p] = Σ_{s≤p} A^{l,h}[p,s] ((P S[s]) ⊙ w1^l / s1^l[s]) W_V^{l,h} W_O^{l,h} the
 * part of head (l, h)'s output that comes from a residual source S (no biases), x0 = hook_embed +
 * hook_pos_embed, y^{a,i} = (z^{a,i} − ΣA^{a,i}·β^{a,i}) W_O^{a,i} head (a, i)'s non-bias output
 * and β its value bias (ln1.b·W_V + b_V):
 * <pre>
 *   direct                  x0
 *   head L{l}H{h}           R^{l,h}(x0)
 *   virtual L{a}H{i}->L{b}H{j}   R^{b,j}(y^{a,i})
 *   mlp MLP{l}              mlp_out^l
 *   mlp_virtual MLP{a}->L{b}H{j} R^{b,j}(mlp_out^a)
 *   bias                    Σ b_O^l + Σ ΣA^{l,h}·β^{l,h} W_O^{l,h} + Σ_{b,j} R^{b,j}(biases written before layer b)
 * </pre>
 * The terms add up to the final residual (the identity PathExpansion's doc derives); ln_final.b
 * and b_U act after the residual and are the unembedding's.
 */
public final class PathResiduals {
    private PathResiduals() {}

    /** One term: {@code kind} as in {@link PathExpansion}; {@code resid} [pos, d_model], float64. */
    public record Term(String kind, String label, double[] resid) {}

    /** The activations it reads: those of {@link PathExpansion#hooks}. */
    public static java.util.List<String> hooks(ModelConfig c) { return PathExpansion.hooks(c); }

    /** Number of virtual (two-head) terms: every head pair in different layers. */
    public static long virtualCount(ModelConfig c) {
        long nh = c.nHeads(), nl = c.nLayers();
        return nh * nh * nl * (nl - 1) / 2;
    }

    /**
     * Hands every term to {@code out}, one at a time (the caller keeps what it needs: a deep
     * model has n_heads²·n_layers²/2 virtual terms).
     */
    public static void forEach(Transformer model, ActivationCache cache, Consumer<Term> out) {
        new Expander(model.weights(), cache).run(out);
    }

    /** The frozen state of one forward pass and the head read-out R^{l,h}. */
    private static final class Expander {
        final Weights w;
        final ModelConfig c;
        final ActivationCache cache;
        final int t, d, nh, dh, nl;
        final Normalization nt;
        final double[][][] beta; // [layer][head][d_head]: value bias with ln1.b folded in
        final double[][][] rowSum; // [layer][head][pos]: Σ_k A[pos, k] (1 up to rounding)

        Expander(Weights w, ActivationCache cache) {
            this.w = w;
            this.c = w.config();
            this.cache = cache;
            t = cache.tokens().length;
            d = c.dModel();
            nh = c.nHeads();
            dh = c.dHead();
            nl = c.nLayers();
            nt = c.normalizationType();
            beta = new double[nl][nh][];
            rowSum = new double[nl][nh][];
            for (int l = 0; l < nl; l++) {
                LayerWeights.Attention at = w.layer(l).attn();
                float[] wv = at.wV().data(), bv = at.bV().data(), b1 = nt == Normalization.LN ? w.layer(l).ln1().b().data() : null;
                float[] a = cache.get(HookPoint.attn(l, "pattern")).data();
                for (int h = 0; h < nh; h++) {
                    int kvh = c.keyValueHead(h);
                    double[] be = new double[dh];
                    for (int e = 0; e < dh; e++) {
                        double s = bv[kvh * dh + e];
                        if (b1 != null) for (int i = 0; i < d; i++) s += b1[i] * wv[(kvh * d + i) * dh + e];
                        be[e] = s;
                    }
                    beta[l][h] = be;
                    double[] rs = new double[t];
                    for (int p = 0; p < t; p++) {
                        double r = 0;
                        for (int k = 0; k <= p; k++) r += a[(h * t + p) * t + k];
                        rs[p] = r;
                    }
                    rowSum[l][h] = rs;
                }
            }
        }

        void run(Consumer<Term> out) {
            float[] embed = cache.get(HookPoint.EMBED).data(), posEmbed = c.rotary() ? null : cache.get(HookPoint.POS_EMBED).data();
            double[] x0 = new double[t * d];
            for (int i = 0; i < x0.length; i++) x0[i] = posEmbed == null ? embed[i] : (double) embed[i] + posEmbed[i];
            out.accept(new Term(PathExpansion.DIRECT, c.rotary() ? "embed" : "embed+pos_embed", x0));
            double[] bias = new double[t * d];
            double[] biasesBefore = new double[t * d]; // biases written before the current layer, as later heads read them
            for (int l = 0; l < nl; l++) {
                LayerWeights.Attention at = w.layer(l).attn();
                float[] wo = at.wO().data(), bo = at.bO().data();
                for (int h = 0; h < nh; h++) {
                    String reader = ModelConfig.headLabel(l, h);
                    out.accept(new Term(PathExpansion.HEAD, reader, read(l, h, x0)));
                    for (int a = 0; a < l; a++) {
                        for (int i = 0; i < nh; i++) {
                            out.accept(new Term(PathExpansion.VIRTUAL, ModelConfig.headLabel(a, i) + "->" + reader, read(l, h, nonBiasOutput(a, i))));
                        }
                        if (!c.attnOnly()) out.accept(new Term(PathExpansion.MLP_VIRTUAL, "MLP" + a + "->" + reader, read(l, h, mlpOut(a))));
                    }
                    if (l > 0) add(bias, read(l, h, biasesBefore));
                }
                // This layer's own biases: b_O and each head's value bias, weighted by its pattern's row sums.
                double[] own = new double[t * d];
                for (int p = 0; p < t; p++) for (int o = 0; o < d; o++) own[p * d + o] = bo[o];
                for (int h = 0; h < nh; h++) {
                    double[] bw = new double[d];
                    for (int e = 0; e < dh; e++) for (int o = 0; o < d; o++) bw[o] += beta[l][h][e] * wo[(h * dh + e) * d + o];
                    for (int p = 0; p < t; p++) for (int o = 0; o < d; o++) own[p * d + o] += rowSum[l][h][p] * bw[o];
                }
                add(bias, own);
                add(biasesBefore, own);
                if (!c.attnOnly()) out.accept(new Term(PathExpansion.MLP, "MLP" + l, mlpOut(l)));
            }
            out.accept(new Term(PathExpansion.BIAS, "biases", bias));
        }

        /** R^{l,h}(S): head (l, h)'s output from source S [pos, d_model], through its frozen ln1 scale and pattern, without biases. */
        double[] read(int l, int h, double[] src) {
            LayerWeights lw = w.layer(l);
            float[] wv = lw.attn().wV().data(), wo = lw.attn().wO().data();
            float[] w1 = nt.hasWeight() ? lw.ln1().w().data() : null;
            float[] s1 = nt.scales() ? cache.get(HookPoint.ln(l, "ln1", "scale")).data() : null;
            float[] a = cache.get(HookPoint.attn(l, "pattern")).data();
            int kvh = c.keyValueHead(h);
            double[] v = new double[t * dh], x = new double[d];
            for (int s = 0; s < t; s++) {
                double mean = 0;
                if (nt.centers()) {
                    for (int i = 0; i < d; i++) mean += src[s * d + i];
                    mean /= d;
                }
                double scale = s1 == null ? 1 : s1[s];
                for (int i = 0; i < d; i++) x[i] = (src[s * d + i] - mean) / scale * (w1 == null ? 1 : w1[i]);
                for (int i = 0; i < d; i++) {
                    double xi = x[i];
                    if (xi == 0) continue;
                    int off = (kvh * d + i) * dh;
                    for (int e = 0; e < dh; e++) v[s * dh + e] += xi * wv[off + e];
                }
            }
            double[] out = new double[t * d], zp = new double[dh];
            for (int p = 0; p < t; p++) {
                java.util.Arrays.fill(zp, 0);
                for (int s = 0; s <= p; s++) {
                    double as = a[(h * t + p) * t + s];
                    if (as == 0) continue;
                    for (int e = 0; e < dh; e++) zp[e] += as * v[s * dh + e];
                }
                for (int e = 0; e < dh; e++) {
                    double ze = zp[e];
                    int off = (h * dh + e) * d;
                    for (int o = 0; o < d; o++) out[p * d + o] += ze * wo[off + o];
                }
            }
            return out;
        }

        /** y^{a,i}: head (a, i)'s output without its value bias, (z − ΣA·β) W_O, from hook_z. */
        double[] nonBiasOutput(int a, int i) {
            float[] z = cache.get(HookPoint.attn(a, "z")).data(), wo = w.layer(a).attn().wO().data();
            double[] out = new double[t * d];
            for (int s = 0; s < t; s++) {
                for (int e = 0; e < dh; e++) {
                    double ze = z[(s * nh + i) * dh + e] - rowSum[a][i][s] * beta[a][i][e];
                    int off = (i * dh + e) * d;
                    for (int o = 0; o < d; o++) out[s * d + o] += ze * wo[off + o];
                }
            }
            return out;
        }

        double[] mlpOut(int l) {
            float[] m = cache.get(HookPoint.mlpOut(l)).data();
            double[] out = new double[t * d];
            for (int i = 0; i < out.length; i++) out[i] = m[i];
            return out;
        }

        static void add(double[] acc, double[] x) {
            for (int i = 0; i < acc.length; i++) acc[i] += x[i];
        }
    }
}
