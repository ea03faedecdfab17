package org.circuitscope.model;

import java.util.List;
import java.util.function.Function;
import org.circuitscope.tensor.Tensor;

/**
 * The parameters of block {@code layer}, typed, so code reads {@code layer.attn().wO()} where it
 * would otherwise build {@code "blocks." + l + ".attn.W_O"}. Views: the tensors are the model's
 * own (or, from a gradient buffer, the gradients'), not copies.
 *
 * @param ln1 {@code blocks.l.ln1.w/b}; null unless normalization_type is LN or RMS (whose b is null)
 * @param ln2 {@code blocks.l.ln2.w/b}; null unless normalization_type is LN or RMS and the model has MLPs
 * @param mlp null for attention-only models
 */
public record LayerWeights(int layer, Attention attn, NormWeights ln1, NormWeights ln2, Mlp mlp) {

    /**
     * {@code blocks.l.attn.*}: W_Q {@code [head, d_model, d_head]}, W_K, W_V {@code
     * [kv_head, d_model, d_head]} (kv_head = head unless grouped-query, when they are {@code
     * _W_K}, {@code _W_V}; head h reads kv head {@link ModelConfig#keyValueHead}), W_O {@code
     * [head, d_head, d_model]}, b_Q {@code [head, d_head]}, b_K, b_V {@code [kv_head, d_head]},
     * b_O {@code [d_model]}.
     */
    public record Attention(Tensor wQ, Tensor wK, Tensor wV, Tensor wO, Tensor bQ, Tensor bK, Tensor bV, Tensor bO) {
        /** W_Q, W_K, W_V: the three input projections, in that order. */
        public List<Tensor> wQkv() { return List.of(wQ, wK, wV); }

        /** b_Q, b_K, b_V, in that order. */
        public List<Tensor> bQkv() { return List.of(bQ, bK, bV); }
    }

    /**
     * {@code blocks.l.mlp.*}: W_in {@code [d_model, d_mlp]}, b_in, W_out {@code [d_mlp, d_model]},
     * b_out, and for a gated MLP W_gate {@code [d_model, d_mlp]} (null otherwise).
     */
    public record Mlp(Tensor wIn, Tensor bIn, Tensor wOut, Tensor bOut, Tensor wGate) {
        public Mlp(Tensor wIn, Tensor bIn, Tensor wOut, Tensor bOut) { this(wIn, bIn, wOut, bOut, null); }

        public boolean gated() { return wGate != null; }
    }

    /** Block {@code l}'s tensors looked up by state-dict name in {@code byName} (weights, or anything shaped like them). */
    static LayerWeights of(ModelConfig cfg, int l, Function<String, Tensor> byName) {
        Attention attn = new Attention(
                byName.apply(WeightNames.attn(l, "W_Q")), byName.apply(WeightNames.keyValue(cfg, l, "W_K")),
                byName.apply(WeightNames.keyValue(cfg, l, "W_V")), byName.apply(WeightNames.attn(l, "W_O")),
                byName.apply(WeightNames.attn(l, "b_Q")), byName.apply(WeightNames.keyValue(cfg, l, "b_K")),
                byName.apply(WeightNames.keyValue(cfg, l, "b_V")), byName.apply(WeightNames.attn(l, "b_O")));
        boolean mlp = !cfg.attnOnly();
        return new LayerWeights(l, attn,
                norm(cfg, byName, WeightNames.ln(l, "ln1", "w"), WeightNames.ln(l, "ln1", "b")),
                mlp ? norm(cfg, byName, WeightNames.ln(l, "ln2", "w"), WeightNames.ln(l, "ln2", "b")) : null,
                mlp ? new Mlp(byName.apply(WeightNames.mlp(l, "W_in")), byName.apply(WeightNames.mlp(l, "b_in")),
                        byName.apply(WeightNames.mlp(l, "W_out")), byName.apply(WeightNames.mlp(l, "b_out")),
                        cfg.architecture().gatedMlp() ? byName.apply(WeightNames.mlp(l, "W_gate")) : null) : null);
    }

    /** The normalisation's own weights: w and b for LN, w for RMS, null for the folded forms and none. */
    static NormWeights norm(ModelConfig cfg, Function<String, Tensor> byName, String w, String b) {
        Normalization n = cfg.normalizationType();
        if (!n.hasWeight()) return null;
        return new NormWeights(byName.apply(w), n == Normalization.LN ? byName.apply(b) : null);
    }
}
