package org.circuitscope.circuits;

import org.circuitscope.model.ActFn;
import org.circuitscope.model.Architecture;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.PositionalEmbedding;

/** Small configs of the other families the analyses must handle, for the tests. */
final class Families {
    private Families() {}

    /** Pythia / GPT-NeoX style: LayerNorm, rotary on half of each head (rotary_dim 4 < d_head 8), parallel attention and MLP. */
    static ModelConfig neox(int layers, boolean attnOnly) {
        return new ModelConfig("neox", layers, 16, 4, 8, attnOnly ? 0 : 32, 30, 16, ActFn.GELU, Normalization.LN, attnOnly, 1e-5, true,
                new Architecture(PositionalEmbedding.ROTARY, 4, 10000, 0, false, true, "GPTNeoXForCausalLM"));
    }

    /** Llama style: RMSNorm, SiLU-gated MLP, rotary on all of each head, 8 query heads on 2 key/value heads (ratio 4); W_U apart from W_E. */
    static ModelConfig llama(int layers, boolean attnOnly) {
        return new ModelConfig("llama", layers, 16, 8, 4, attnOnly ? 0 : 24, 30, 16, ActFn.SILU, Normalization.RMS, attnOnly, 1e-5, true,
                new Architecture(PositionalEmbedding.ROTARY, 4, 500000, 2, !attnOnly, false, "LlamaForCausalLM"));
    }
}
