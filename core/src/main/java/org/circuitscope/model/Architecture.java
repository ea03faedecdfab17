package org.circuitscope.model;

/**
 * What distinguishes a model family's block from GPT-2's, in TransformerLens's config fields.
 * GPT-2 is {@link #GPT2}; Pythia (GPT-NeoX) is rotary on part of each head with parallel
 * attention and MLP; Llama-style models are rotary, gated (SwiGLU) and often grouped-query.
 *
 * @param positionalEmbeddingType standard (learned W_pos) or rotary
 * @param rotaryDim        dimensions of each head that rotate, the first ones ({@code rotary_dim}; 0 unless rotary)
 * @param rotaryBase       θ of the rotary frequencies ({@code rotary_base}, Hugging Face's {@code rope_theta})
 * @param nKeyValueHeads   key/value heads ({@code n_key_value_heads}); 0 means one per query head
 * @param gatedMlp         {@code gated_mlp}: act(x·W_gate) ⊙ (x·W_in), then W_out
 * @param parallelAttnMlp  {@code parallel_attn_mlp}: attention and MLP both read resid_pre (GPT-NeoX, GPT-J)
 * @param originalArchitecture the Hugging Face class the weights came from, for people ({@code original_architecture})
 */
public record Architecture(PositionalEmbedding positionalEmbeddingType, int rotaryDim, double rotaryBase, int nKeyValueHeads,
                           boolean gatedMlp, boolean parallelAttnMlp, String originalArchitecture) {
    public static final Architecture GPT2 = new Architecture(PositionalEmbedding.STANDARD, 0, 10000, 0, false, false, "GPT2LMHeadModel");

    public Architecture {
        if (positionalEmbeddingType == null) positionalEmbeddingType = PositionalEmbedding.STANDARD;
        if (positionalEmbeddingType == PositionalEmbedding.STANDARD) rotaryDim = 0;
        if (rotaryDim < 0 || rotaryDim % 2 != 0) throw new IllegalArgumentException("rotary_dim must be even and not negative, got " + rotaryDim);
        if (positionalEmbeddingType == PositionalEmbedding.ROTARY && rotaryDim == 0) {
            throw new IllegalArgumentException("a rotary model needs rotary_dim > 0");
        }
        if (!(rotaryBase > 0) || !Double.isFinite(rotaryBase)) throw new IllegalArgumentException("rotary_base must be positive, got " + rotaryBase);
        if (nKeyValueHeads < 0) throw new IllegalArgumentException("n_key_value_heads must not be negative, got " + nKeyValueHeads);
        if (originalArchitecture == null) originalArchitecture = "";
    }

    public boolean rotary() { return positionalEmbeddingType == PositionalEmbedding.ROTARY; }

    public Architecture withKeyValueHeads(int n) {
        return new Architecture(positionalEmbeddingType, rotaryDim, rotaryBase, n, gatedMlp, parallelAttnMlp, originalArchitecture);
    }
}
