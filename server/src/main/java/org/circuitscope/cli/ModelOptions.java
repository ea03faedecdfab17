package org.circuitscope.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.circuitscope.io.HubCache;
import org.circuitscope.io.LoadOptions;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.io.WeightsDtype;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --model DIR}, {@code --backend} and the weight-processing flags, shared by every command that loads a model. */
final class ModelOptions {
    @Option(names = "--model", paramLabel = "DIR",
            description = "Model directory: config.json + model.safetensors or sharded model-*.safetensors with their index"
                    + " (TransformerLens or Hugging Face GPT-2 layout) + tokenizer.json; or a Hugging Face id (org/name[@revision])"
                    + " already in the local Hugging Face cache. Default: the embedded attn-only-2l.")
    Path model;

    @Option(names = "--fold-ln", description = "Fold LayerNorm weights into the following weights (model becomes LNPre).")
    boolean foldLn;

    @Option(names = "--center-writing-weights", description = "Remove the d_model mean of weights that write to the residual stream.")
    boolean centerWritingWeights;

    @Option(names = "--center-unembed", description = "Remove the vocabulary mean of W_U and b_U.")
    boolean centerUnembed;

    @Option(names = "--fold-value-biases", description = "Move b_V into b_O.")
    boolean foldValueBiases;

    @Option(names = "--backend", paramLabel = "simd|djl",
            description = "Where the forward pass runs: simd (core's Vector API kernels) or djl (PyTorch through DJL: the GPU when"
                    + " DJL sees one, else the CPU; needs the DJL folder, see the README). Default: CIRCUITSCOPE_BACKEND, else simd."
                    + " Gradient methods always differentiate on simd.")
    String backend;

    @Option(names = "--weights-dtype", paramLabel = "keep|f32", defaultValue = "keep", converter = WeightsDtypeConverter.class,
            description = "F16/BF16 checkpoints: keep the weight matrices 16-bit in memory (half the memory, converted inside the"
                    + " products; default) or convert everything to float32 at load (f32).")
    WeightsDtype weightsDtype = WeightsDtype.KEEP;

    static final class WeightsDtypeConverter implements CommandLine.ITypeConverter<WeightsDtype> {
        @Override public WeightsDtype convert(String value) { return WeightsDtype.parse(value); }
    }

    LoadedModel load() throws IOException {
        Path dir = model != null ? directory(model, HubCache.system()) : org.circuitscope.io.EmbeddedModel.directory();
        LoadedModel m = ModelDirectory.load(dir, new LoadOptions(foldLn, centerWritingWeights, centerUnembed, foldValueBiases, weightsDtype));
        String name = backend != null ? org.circuitscope.engine.Backends.normalise(backend) : org.circuitscope.engine.Backends.defaultName();
        if (name.equals(org.circuitscope.model.SimdBackend.NAME)) return m;
        // The process ends with the command: the backend's device memory goes with it.
        org.circuitscope.model.Backend b = new org.circuitscope.engine.Backends().open(name, m.transformer().weights());
        System.err.println("circuitscope: the forward pass runs on " + b.name() + " (" + b.device() + ")");
        return new LoadedModel(m.dir(), m.layout(), m.transformer().on(b), m.tokenizerOrNull());
    }

    /** {@code model} itself where something is there (the loader says what is wrong with it), else the Hugging Face snapshot it names. */
    static Path directory(Path model, HubCache hub) throws IOException {
        if (Files.exists(model, LinkOption.NOFOLLOW_LINKS) || !HubCache.isModelId(model.toString())) return model;
        try {
            return hub.resolve(model.toString());
        } catch (IOException e) {
            throw new IOException(model + ": no such model directory, and as a Hugging Face id: " + e.getMessage(), e);
        }
    }
}
