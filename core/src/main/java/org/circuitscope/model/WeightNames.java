package org.circuitscope.model;

/**
 * TransformerLens state-dict names, spelt here once: what a checkpoint on disk, a gradient map
 * and a user-visible label (a path-expansion term, say) call a parameter. Code that computes
 * with weights reads them through the typed views ({@link Weights#layer}, {@link LayerWeights}).
 */
public final class WeightNames {
    public static final String W_E = "embed.W_E";
    public static final String W_POS = "pos_embed.W_pos";
    public static final String LN_FINAL_W = "ln_final.w";
    public static final String LN_FINAL_B = "ln_final.b";
    public static final String W_U = "unembed.W_U";
    public static final String B_U = "unembed.b_U";

    private WeightNames() {}

    /** {@code blocks.l.attn.<what>} for W_Q, W_K, W_V, W_O, b_Q, b_K, b_V, b_O. */
    public static String attn(int l, String what) { return "blocks." + l + ".attn." + what; }

    /**
     * {@code blocks.l.attn.<what>} for W_K, W_V, b_K, b_V: under grouped-query attention
     * TransformerLens keeps the key/value heads as {@code _W_K} {@code [n_key_value_heads, d_model,
     * d_head]} (and {@code _W_V}, {@code _b_K}, {@code _b_V}), its W_K being their repeat.
     */
    public static String keyValue(ModelConfig c, int l, String what) {
        return attn(l, c.groupedQuery() ? "_" + what : what);
    }

    /** {@code blocks.l.mlp.<what>} for W_in, b_in, W_out, b_out and (gated MLPs) W_gate. */
    public static String mlp(int l, String what) { return "blocks." + l + ".mlp." + what; }

    /** {@code blocks.l.<ln>.<what>}; {@code ln} is "ln1" or "ln2", {@code what} "w" or "b". */
    public static String ln(int l, String ln, String what) { return "blocks." + l + "." + ln + "." + what; }
}
