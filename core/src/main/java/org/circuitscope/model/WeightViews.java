package org.circuitscope.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.circuitscope.tensor.Tensor;

/**
 * Every parameter of a model, typed: the embeddings, one {@link LayerWeights} per block, the
 * final LayerNorm and the unembedding. Built once from tensors under state-dict names (a
 * model's {@link Weights}, or a gradient buffer of the same shapes).
 *
 * @param wE      {@code embed.W_E} {@code [d_vocab, d_model]}
 * @param wPos    {@code pos_embed.W_pos} {@code [n_ctx, d_model]}; null for rotary models
 * @param lnFinal {@code ln_final.w/b} (b null for RMS); null unless normalization_type is LN or RMS
 * @param wU      {@code unembed.W_U} {@code [d_model, d_vocab]}
 * @param bU      {@code unembed.b_U} {@code [d_vocab]}
 */
public record WeightViews(Tensor wE, Tensor wPos, List<LayerWeights> layers, NormWeights lnFinal, Tensor wU, Tensor bU) {
    public WeightViews {
        layers = List.copyOf(layers);
    }

    /** Looks every parameter of {@code cfg} up by state-dict name. */
    public static WeightViews of(ModelConfig cfg, Function<String, Tensor> byName) {
        List<LayerWeights> layers = new ArrayList<>(cfg.nLayers());
        for (int l = 0; l < cfg.nLayers(); l++) layers.add(LayerWeights.of(cfg, l, byName));
        NormWeights lnFinal = LayerWeights.norm(cfg, byName, WeightNames.LN_FINAL_W, WeightNames.LN_FINAL_B);
        return new WeightViews(byName.apply(WeightNames.W_E), cfg.rotary() ? null : byName.apply(WeightNames.W_POS), layers, lnFinal,
                byName.apply(WeightNames.W_U), byName.apply(WeightNames.B_U));
    }

    /** Block {@code l}'s parameters. */
    public LayerWeights layer(int l) {
        if (l < 0 || l >= layers.size()) throw new IndexOutOfBoundsException("layer " + l + " is outside 0.." + (layers.size() - 1));
        return layers.get(l);
    }
}
