package org.circuitscope.model;

import java.util.List;

/**
 * Tiny configs of the model families beyond GPT-2, for the forward-pass test matrices: small
 * enough that a float64 reference of every hook runs in milliseconds, shaped like the real ones.
 */
final class Families {
    /** Longest prompt the matrices' incremental tests build (KeyValueCacheTest's edits reach 20). */
    static final int N_CTX = 24;

    private Families() {}

    /**
     * Pythia / GPT-NeoX: LayerNorm, gelu, untied unembedding, rotary on a quarter of each head
     * (rotary_pct 0.25: rotary_dim 4 of d_head 16), attention and MLP in parallel or not.
     */
    static ModelConfig neox(boolean parallel, int nCtx) {
        Architecture a = new Architecture(PositionalEmbedding.ROTARY, 4, 10000, 0, false, parallel, "GPTNeoXForCausalLM");
        return new ModelConfig(parallel ? "neox-parallel" : "neox-sequential", 2, 32, 2, 16, 48, 41, nCtx,
                ActFn.GELU, Normalization.LN, false, 1e-5, true, a);
    }

    /**
     * Llama-style (Llama 2/3, TinyLlama, SmolLM, Qwen2, Mistral): RMSNorm (or its folded
     * RMSPre), SwiGLU, rotary on whole heads, 8 query heads over {@code nKv} key/value heads.
     */
    static ModelConfig llama(int nKv, Normalization norm, double rotaryBase, int nCtx) {
        Architecture a = new Architecture(PositionalEmbedding.ROTARY, 8, rotaryBase, nKv, true, false, "LlamaForCausalLM");
        return new ModelConfig("llama-kv" + nKv + "-" + norm.tlName(), 2, 32, 8, 8, 40, 41, nCtx,
                ActFn.SILU, norm, false, 1e-5, true, a);
    }

    static ModelConfig llama(int nKv, Normalization norm) { return llama(nKv, norm, 10000, N_CTX); }

    /** One config per family and option: GPT-NeoX sequential and parallel; Llama with GQA ratios 1, 4, 8; RMSPre. */
    static List<ModelConfig> all() {
        return List.of(neox(false, N_CTX), neox(true, N_CTX), llama(8, Normalization.RMS), llama(2, Normalization.RMS),
                llama(1, Normalization.RMS), llama(2, Normalization.RMS_PRE));
    }
}
