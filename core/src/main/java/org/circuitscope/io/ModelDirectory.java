package org.circuitscope.io;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.WeightNames;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.tokenizer.BosToken;
import org.circuitscope.tokenizer.Tokenizer;
import org.circuitscope.tokenizer.TokenizerConfigJson;

/**
 * Loads a model directory: {@code config.json} + {@code model.safetensors} or a sharded
 * checkpoint ({@code model.safetensors.index.json} and its shards) (+ optional
 * {@code tokenizer.json}), in TransformerLens layout or a Hugging Face family's layout (GPT-2,
 * GPT-NeoX, Llama-style; converted to TransformerLens names on load, see {@link HuggingFaceLayouts}),
 * then applies the requested weight processing.
 */
public final class ModelDirectory {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String TOKENIZER = "tokenizer.json";

    private ModelDirectory() {}

    public static LoadedModel load(Path dir) throws IOException { return load(dir, LoadOptions.none()); }

    public static LoadedModel load(Path dir, LoadOptions options) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException(dir + ": not a model directory (expected a folder with config.json and model.safetensors)");
        // A Hugging Face cache snapshot's folder is a commit hash: name the model by its id instead.
        String name = HubCache.modelId(dir).orElse(dir.toAbsolutePath().normalize().getFileName().toString());
        Weights weights;
        String layout;
        BosToken bos = null;
        try (SafeTensorsSet st = SafeTensorsSet.open(dir)) {
            Path weightsFile = st.file();
            JsonObject json = ModelConfigJson.readObject(dir.resolve(CONFIG));
            if (HuggingFaceLayouts.recognises(json)) {
                HuggingFaceConfig hf = HuggingFaceLayouts.readConfig(json, name, dir.resolve(CONFIG));
                weights = HuggingFaceCheckpoint.load(hf, CheckpointTensors.of(st, options.weightsDtype()));
                layout = hf.layoutName();
                // BOS as the checkpoint names it (Llama's <s>), else its tokenizer_config.json's.
                bos = BosToken.choose(hf.bosTokenId() >= 0 ? hf.bosTokenId() : null, TokenizerConfigJson.readIn(dir));
            } else {
                int vocab = st.contains(WeightNames.W_E) && st.info(WeightNames.W_E).shape().length == 2 ? st.info(WeightNames.W_E).shape()[0] : -1;
                ModelConfig cfg = ModelConfigJson.fromTransformerLens(json, name, vocab, dir.resolve(CONFIG));
                Map<String, Tensor> tensors = new LinkedHashMap<>();
                for (String n : Weights.expected(cfg).keySet()) {
                    // Only the W_ matrices stay 16-bit: b_Q [head, d_head] has rank 2 here but is a bias, as the families' are.
                    if (st.contains(n)) tensors.put(n, st.readWeight(n, matrix(n) ? options.weightsDtype() : WeightsDtype.F32));
                }
                weights = Weights.of(cfg, tensors, weightsFile.toString());
                layout = "transformerlens";
            }
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        weights = WeightProcessing.apply(weights, options);
        Tokenizer tokenizer = null;
        Path tok = dir.resolve(TOKENIZER);
        if (Files.isRegularFile(tok)) tokenizer = bos == null ? Tokenizer.load(tok) : Tokenizer.load(tok, bos);
        return new LoadedModel(dir, layout, new Transformer(weights), tokenizer);
    }

    /** A weight matrix by its state-dict name: W_E, W_pos, W_Q … W_U (grouped-query _W_K, _W_V too), not a bias or norm weight. */
    static boolean matrix(String name) {
        String last = name.substring(name.lastIndexOf('.') + 1);
        return last.startsWith("W_") || last.startsWith("_W_");
    }

    /** Writes {@code weights} as a TransformerLens-layout directory (config.json + model.safetensors). */
    public static void save(Path dir, Weights weights, String dtype) throws IOException {
        Files.createDirectories(dir);
        ModelConfigJson.write(dir.resolve(CONFIG), weights.config());
        SafeTensorsWriter.write(dir.resolve(WEIGHTS), weights.asMap(), Map.of("format", "pt", "layout", "transformerlens"), dtype);
    }
}
