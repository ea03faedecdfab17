package org.circuitscope.circuits;

import java.util.ArrayList;
import java.util.List;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.WeightNames;
import org.circuitscope.model.Weights;

/**
 * Direct logit attribution: how much each component that writes to the residual stream adds,
 * directly, to a target's logit (or to the difference against a contrast token) at one
 * position. The final residual is the sum of its components,
 * <pre>
 *   r = embed + pos_embed + Σ_{l,h} result^{l,h} + Σ_l b_O^l + Σ_l mlp_out^l
 * </pre>
 * (hook_embed, hook_pos_embed, blocks.l.attn.hook_result, blocks.l.attn.b_O,
 * blocks.l.hook_mlp_out), and with the final LayerNorm scale frozen the logit is linear in r:
 * component x contributes x · u, u = P(w_f ⊙ (W_U[:, t] − W_U[:, c])) / s_f[p] (see {@link
 * LogitDirection}). That is TransformerLens's {@code apply_ln_to_stack} (centre each
 * component, divide by the final scale) followed by the dot with the unembedding direction,
 * with ln_final.w folded into that direction. The remaining constants, b_f · (W_U[:, t] −
 * W_U[:, c]) and b_U[t] − b_U[c], are components of their own ({@code ln_final.b},
 * {@code unembed.b_U}), so the components sum to the logit (difference) exactly up to float
 * rounding. A head's component includes its value bias b_V (it is part of hook_result).
 *
 * <p>Other families: rotary models have no pos_embed component (positions turn queries and
 * keys, they add nothing to the stream); RMSNorm's u has no centring and no ln_final.b (see
 * {@link LogitDirection}); parallel blocks (GPT-NeoX) write attention and MLP outputs to the
 * stream side by side, so the sum above holds unchanged; grouped-query attention changes
 * nothing here, hook_result being per query head.
 */
public final class DirectLogitAttribution {
    private DirectLogitAttribution() {}

    /**
     * {@code kind}: embed, pos_embed (not for rotary models), head, attn_bias, mlp or bias; labels
     * embed, pos_embed, L0H1, blocks.0.attn.b_O, MLP0, ln_final.b (LN only), unembed.b_U.
     */
    public record Component(String kind, String label, double value) {}

    /**
     * @param contrast −1 when none
     * @param value    the model's logit of {@code target} (minus that of {@code contrast}) at {@code position}
     * @param sum      Σ of the components (equals {@code value} to float precision)
     * @param components in forward order
     */
    public record Result(int position, int target, int contrast, double value, double sum, List<Component> components) {}

    /**
     * On {@code cache} holding hook_embed, hook_pos_embed, every attn.hook_result, hook_mlp_out
     * (models with MLPs) and ln_final.hook_scale (normalized models); {@code contrast} −1 for none.
     */
    /** The activations {@link #compute} reads. */
    public static List<String> hooks(ModelConfig c) {
        List<String> n = new ArrayList<>(List.of(HookPoint.EMBED));
        if (!c.rotary()) n.add(HookPoint.POS_EMBED);
        if (c.normalizationType() != Normalization.NONE) n.add(HookPoint.LN_FINAL_SCALE);
        for (int l = 0; l < c.nLayers(); l++) {
            n.add(HookPoint.attn(l, "result"));
            if (!c.attnOnly()) n.add(HookPoint.mlpOut(l));
        }
        return n;
    }

    public static Result compute(Transformer model, ActivationCache cache, int pos, int target, int contrast) {
        Weights w = model.weights();
        ModelConfig c = model.config();
        int t = cache.tokens().length, d = c.dModel(), nh = c.nHeads(), v = c.dVocab();
        LogitDirection.checkPosition(pos, t);
        LogitDirection dir = LogitDirection.of(w, cache, pos, target, contrast);
        List<Component> out = new ArrayList<>();
        out.add(new Component("embed", "embed", dir.dot(cache.get(HookPoint.EMBED).data(), pos * d)));
        if (!c.rotary()) out.add(new Component("pos_embed", "pos_embed", dir.dot(cache.get(HookPoint.POS_EMBED).data(), pos * d)));
        for (int l = 0; l < c.nLayers(); l++) {
            float[] r = cache.get(HookPoint.attn(l, "result")).data();
            for (int h = 0; h < nh; h++) out.add(new Component("head", ModelConfig.headLabel(l, h), dir.dot(r, (pos * nh + h) * d)));
            out.add(new Component("attn_bias", WeightNames.attn(l, "b_O"), dir.dot(w.layer(l).attn().bO().data(), 0)));
            if (!c.attnOnly()) out.add(new Component("mlp", "MLP" + l, dir.dot(cache.get(HookPoint.mlpOut(l)).data(), pos * d)));
        }
        if (c.normalizationType() == Normalization.LN) out.add(new Component("bias", WeightNames.LN_FINAL_B, dir.lnBias()));
        out.add(new Component("bias", WeightNames.B_U, dir.unembedBias()));
        double sum = 0;
        for (Component x : out) sum += x.value();
        float[] logits = cache.logits().data();
        double value = logits[pos * v + target] - (contrast < 0 ? 0.0 : logits[pos * v + contrast]);
        return new Result(pos, target, contrast, value, sum, List.copyOf(out));
    }
}
