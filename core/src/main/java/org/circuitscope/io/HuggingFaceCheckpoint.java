package org.circuitscope.io;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.circuitscope.model.Architecture;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;

/**
 * Models in a Hugging Face family's checkpoint layout, both ways: loading one as TransformerLens
 * weights, and writing weights as one (config.json + model.safetensors under Hugging Face
 * names) that loads back as the same model. Writing refuses, naming the field or tensor, what
 * the family cannot hold rather than dropping it: a bias it has no tensor for, an untied
 * unembedding in a tied checkpoint, a shape its config.json cannot state.
 */
public final class HuggingFaceCheckpoint {
    private HuggingFaceCheckpoint() {}

    /** The TransformerLens weights of a checkpoint whose config is {@code c}. */
    public static Weights load(HuggingFaceConfig c, CheckpointTensors tensors) throws IOException {
        Map<String, Tensor> tl = HuggingFaceLayouts.layout(c.modelType()).toTransformerLens(c, tensors);
        try {
            return Weights.of(c.config(), tl, tensors.file().toString());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * {@code c} as its family writes and reads it: the same shape, with what config.json does
     * not carry (default_prepend_bos, original_architecture) as loading sets it.
     *
     * @throws IllegalArgumentException naming each TransformerLens field the family would load differently
     */
    public static HuggingFaceConfig describe(HuggingFaceConfig c) {
        HuggingFaceLayout layout = HuggingFaceLayouts.layout(c.modelType());
        HuggingFaceConfig back;
        try {
            back = layout.config(c.modelType(), new HuggingFaceFields(layout.json(c)), c.config().modelName(), Path.of(ModelDirectory.CONFIG));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("a " + c.modelType() + " checkpoint cannot hold this model: " + e.getMessage(), e);
        }
        List<String> diff = differences(c.config(), back.config());
        if (!diff.isEmpty()) {
            throw new IllegalArgumentException("a " + c.modelType() + " checkpoint cannot hold this model: " + String.join("; ", diff));
        }
        return back;
    }

    /** What writing {@code w} in {@code c}'s family and loading it again gives: biases the family lacks zero, a tied unembedding W_Eᵀ. */
    public static Weights fit(HuggingFaceConfig c, Weights w) {
        HuggingFaceConfig d = describe(c.withConfig(w.config()));
        return readBack(d, HuggingFaceLayouts.layout(d.modelType()).toHuggingFace(d, w.with(d.config(), Map.of())));
    }

    /**
     * {@code w}'s tensors under the family's Hugging Face names.
     *
     * @throws IllegalArgumentException if the family cannot hold the config, or any tensor would load back different
     *         (use {@link #fit} first to get the weights it can hold)
     */
    public static Map<String, Tensor> toHuggingFace(HuggingFaceConfig c, Weights w) {
        HuggingFaceConfig d = describe(c.withConfig(w.config()));
        Map<String, Tensor> hf = HuggingFaceLayouts.layout(d.modelType()).toHuggingFace(d, w.with(d.config(), Map.of()));
        Weights back = readBack(d, hf);
        for (Map.Entry<String, Tensor> e : w.asMap().entrySet()) {
            if (!Arrays.equals(e.getValue().data(), back.data(e.getKey()))) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' cannot be stored in a " + d.modelType() + " checkpoint"
                        + (d.tiedEmbeddings() ? " with tied embeddings" : "") + " (it has no such tensor, or ties it to another);"
                        + " HuggingFaceCheckpoint.fit gives the weights it can hold");
            }
        }
        return hf;
    }

    /** config.json's fields for {@code c}, with torch_dtype for the safetensors dtype ("F32", "F16", "BF16"). */
    public static JsonObject configJson(HuggingFaceConfig c, String dtype) {
        JsonObject o = HuggingFaceLayouts.layout(c.modelType()).json(describe(c));
        o.addProperty("torch_dtype", switch (dtype) {
            case "F32" -> "float32";
            case "F16" -> "float16";
            case "BF16" -> "bfloat16";
            default -> throw new IllegalArgumentException("dtype must be F32, F16 or BF16, got " + dtype);
        });
        return o;
    }

    /** Writes {@code w} as a Hugging Face model directory of {@code c}'s family (config.json + model.safetensors). */
    public static void save(Path dir, HuggingFaceConfig c, Weights w, String dtype) throws IOException {
        save(dir, c, w, dtype, 1);
    }

    /** As {@link #save(Path, HuggingFaceConfig, Weights, String)}, the weights in {@code shards} files with an index when more than one. */
    public static void save(Path dir, HuggingFaceConfig c, Weights w, String dtype, int shards) throws IOException {
        Map<String, Tensor> hf = toHuggingFace(c, w);
        JsonObject json = configJson(c.withConfig(w.config()), dtype);
        Files.createDirectories(dir);
        // Nulls kept: "rope_scaling": null says no scaling, as transformers writes it.
        Files.writeString(dir.resolve(ModelDirectory.CONFIG), new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(json) + "\n");
        if (shards == 1) SafeTensorsWriter.write(dir.resolve(ModelDirectory.WEIGHTS), hf, Map.of("format", "pt"), dtype);
        else SafeTensorsWriter.writeSharded(dir, hf, Map.of("format", "pt"), dtype, shards);
    }

    private static Weights readBack(HuggingFaceConfig d, Map<String, Tensor> hf) {
        try {
            return load(d, CheckpointTensors.of(hf, d.modelType() + " tensors"));
        } catch (IOException e) {
            throw new IllegalStateException("a layout could not read its own output: " + e.getMessage(), e);
        }
    }

    /** Each TransformerLens field on which {@code back} (as the family loads it) differs from {@code want}, both values given. */
    private static List<String> differences(ModelConfig want, ModelConfig back) {
        List<String> out = new ArrayList<>();
        differ(out, "n_layers", want.nLayers(), back.nLayers());
        differ(out, "d_model", want.dModel(), back.dModel());
        differ(out, "n_heads", want.nHeads(), back.nHeads());
        differ(out, "d_head", want.dHead(), back.dHead());
        differ(out, "d_mlp", want.dMlp(), back.dMlp());
        differ(out, "d_vocab", want.dVocab(), back.dVocab());
        differ(out, "n_ctx", want.nCtx(), back.nCtx());
        differ(out, "act_fn", want.actFn().tlName(), back.actFn().tlName());
        differ(out, "normalization_type", want.normalizationType().tlName(), back.normalizationType().tlName());
        differ(out, "attn_only", want.attnOnly(), back.attnOnly());
        differ(out, "eps", want.eps(), back.eps());
        Architecture a = want.architecture(), b = back.architecture();
        differ(out, "positional_embedding_type", a.positionalEmbeddingType().tlName(), b.positionalEmbeddingType().tlName());
        differ(out, "rotary_dim", a.rotaryDim(), b.rotaryDim());
        if (a.rotary()) differ(out, "rotary_base", a.rotaryBase(), b.rotaryBase());
        differ(out, "n_key_value_heads", a.nKeyValueHeads(), b.nKeyValueHeads());
        differ(out, "gated_mlp", a.gatedMlp(), b.gatedMlp());
        differ(out, "parallel_attn_mlp", a.parallelAttnMlp(), b.parallelAttnMlp());
        return out;
    }

    private static void differ(List<String> out, String field, Object want, Object back) {
        if (!want.equals(back)) out.add(field + " is " + want + " here but " + back + " in the family's layout");
    }
}
