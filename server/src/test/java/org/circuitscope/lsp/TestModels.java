package org.circuitscope.lsp;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.tokenizer.TokenizerJsonWriter;

/** Small random models with the byte-level tokenizer (257 ids: 256 bytes + <|endoftext|>). */
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
}
