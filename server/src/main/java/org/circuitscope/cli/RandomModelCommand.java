package org.circuitscope.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.tokenizer.TokenizerJsonWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Writes a randomly initialised model directory with a byte-level tokenizer: for trying the
 * tools before trained models exist, and for benchmarks at a chosen shape.
 */
@Command(name = "random-model", mixinStandardHelpOptions = true,
        description = "Write a seeded random model (TransformerLens layout) with a byte-level tokenizer.json.")
final class RandomModelCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write config.json, model.safetensors (and tokenizer.json) into.") Path out;
    @Option(names = "--n-layers", defaultValue = "2", description = "Transformer blocks (n_layers; default ${DEFAULT-VALUE}).") int nLayers;
    @Option(names = "--d-model", defaultValue = "64", description = "Width of the residual stream (d_model; default ${DEFAULT-VALUE}).") int dModel;
    @Option(names = "--n-heads", defaultValue = "4", description = "Attention heads per layer (n_heads; default ${DEFAULT-VALUE}).") int nHeads;
    @Option(names = "--d-head", defaultValue = "16", description = "Width of each head (d_head; default ${DEFAULT-VALUE}).") int dHead;
    @Option(names = "--d-mlp", defaultValue = "256", description = "Hidden width of each MLP (d_mlp; default ${DEFAULT-VALUE}; unused with --attn-only).") int dMlp;
    @Option(names = "--n-ctx", defaultValue = "256", description = "Context length, the rows of W_pos (n_ctx; default ${DEFAULT-VALUE}).") int nCtx;
    @Option(names = "--d-vocab", description = "Vocabulary size; default 257 (bytes + <|endoftext|>), which also writes tokenizer.json.")
    Integer dVocab;
    @Option(names = "--attn-only", description = "No MLPs (attn_only), as the paper's attention-only models.") boolean attnOnly;
    @Option(names = "--act-fn", defaultValue = "gelu_new", description = "MLP activation (act_fn: gelu_new, gelu, relu; default ${DEFAULT-VALUE}).") String actFn;
    @Option(names = "--normalization-type", defaultValue = "LN", description = "LN, LNPre or none (normalization_type; default ${DEFAULT-VALUE}).") String norm;
    @Option(names = "--seed", defaultValue = "0", description = "Seed of the random weights: the same seed writes the same model (default ${DEFAULT-VALUE}).") long seed;
    @Option(names = "--init-std", defaultValue = "0.02", description = "Standard deviation of the normal weights (default ${DEFAULT-VALUE}; biases are zero).") double initStd;
    @Option(names = "--dtype", defaultValue = "F32", description = "F32 or F16 storage.") String dtype;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        int vocab = dVocab == null ? 257 : dVocab;
        ModelConfig cfg = new ModelConfig(out.toAbsolutePath().normalize().getFileName().toString(), nLayers, dModel, nHeads, dHead,
                attnOnly ? 0 : dMlp, vocab, nCtx, ActFn.parse(actFn), Normalization.parse(norm), attnOnly, 1e-5, true);
        if (!dtype.equals("F32") && !dtype.equals("F16")) throw new IllegalArgumentException("--dtype must be F32 or F16");
        ModelDirectory.save(out, RandomWeights.generate(cfg, seed, initStd), dtype);
        if (vocab == 257) TokenizerJsonWriter.write(out.resolve(ModelDirectory.TOKENIZER), List.of());
        spec.commandLine().getOut().printf("wrote random model %s (%d layers, d_model %d, %d heads, vocab %d) to %s%n",
                cfg.modelName(), nLayers, dModel, nHeads, vocab, out);
        return 0;
    }
}
