package org.circuitscope.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.circuitscope.io.LoadOptions;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import picocli.CommandLine.Option;

/** {@code --model DIR} and the weight-processing flags, shared by every command that loads a model. */
final class ModelOptions {
    @Option(names = "--model", paramLabel = "DIR",
            description = "Model directory: config.json + model.safetensors (TransformerLens or Hugging Face GPT-2 layout) + tokenizer.json."
                    + " Default: the embedded attn-only-2l.")
    Path model;

    @Option(names = "--fold-ln", description = "Fold LayerNorm weights into the following weights (model becomes LNPre).")
    boolean foldLn;

    @Option(names = "--center-writing-weights", description = "Remove the d_model mean of weights that write to the residual stream.")
    boolean centerWritingWeights;

    @Option(names = "--center-unembed", description = "Remove the vocabulary mean of W_U and b_U.")
    boolean centerUnembed;

    @Option(names = "--fold-value-biases", description = "Move b_V into b_O.")
    boolean foldValueBiases;

    LoadedModel load() throws IOException {
        Path dir = model != null ? model : org.circuitscope.io.EmbeddedModel.directory();
        return ModelDirectory.load(dir, new LoadOptions(foldLn, centerWritingWeights, centerUnembed, foldValueBiases));
    }
}
