package org.circuitscope.lsp;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.Architecture;
import org.circuitscope.model.PositionalEmbedding;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.tokenizer.TokenizerJsonWriter;

/**
 * Small random models with the byte-level tokenizer (257 ids: 256 bytes + <|endoftext|>), of
 * GPT-2's family or, by name, GPT-NeoX's (LayerNorm, rotary on half of each head, parallel
 * attention and MLP) or Llama's (RMSNorm, full rotary, SwiGLU, 4 query heads per key/value head).
 */
final class TestModels {
    private TestModels() {}

    static Path write(Path dir, String name, int layers, boolean attnOnly, int nCtx, long seed) throws IOException {
        Path d = dir.resolve(name);
        ModelConfig cfg = new ModelConfig(name, layers, 32, 4, 8, attnOnly ? 0 : 64, 257, nCtx, ActFn.GELU_NEW, Normalization.LN,
                attnOnly, 1e-5, true);
        ModelDirectory.save(d, RandomWeights.generate(cfg, seed, 0.4), "F32");
        TokenizerJsonWriter.write(d.resolve(ModelDirectory.TOKENIZER), List.of());
        return d;
    }

    /** The families every feature test runs on. */
    static final List<String> FAMILIES = List.of("gpt2", "neox", "llama");

    /** A model of {@code family} ("gpt2", "neox" or "llama"), with MLPs. */
    static Path write(Path dir, String name, String family, int layers, int nCtx, long seed) throws IOException {
        if (family.equals("gpt2")) return write(dir, name, layers, false, nCtx, seed);
        Path d = dir.resolve(name);
        boolean llama = family.equals("llama");
        Architecture arch = llama
                ? new Architecture(PositionalEmbedding.ROTARY, 8, 10000, 1, true, false, "LlamaForCausalLM")
                : new Architecture(PositionalEmbedding.ROTARY, 4, 10000, 0, false, true, "GPTNeoXForCausalLM");
        ModelConfig cfg = new ModelConfig(name, layers, 32, 4, 8, 64, 257, nCtx, llama ? ActFn.SILU : ActFn.GELU,
                llama ? Normalization.RMS : Normalization.LN, false, 1e-5, true, arch);
        ModelDirectory.save(d, RandomWeights.generate(cfg, seed, 0.4), "F32");
        TokenizerJsonWriter.write(d.resolve(ModelDirectory.TOKENIZER), List.of());
        return d;
    }
}
