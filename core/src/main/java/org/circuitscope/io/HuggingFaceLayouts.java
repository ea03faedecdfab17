package org.circuitscope.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The Hugging Face families circuitscope reads, found by config.json's {@code model_type}:
 * gpt2, gpt_neox (Pythia), and the Llama-style llama, mistral and qwen2.
 */
public final class HuggingFaceLayouts {
    private static final List<HuggingFaceLayout> LAYOUTS = List.of(new Gpt2Layout(), new NeoxLayout(), new LlamaLayout());

    private HuggingFaceLayouts() {}

    /** Every model_type that loads, in a stable order. */
    public static List<String> modelTypes() {
        return LAYOUTS.stream().flatMap(l -> l.modelTypes().stream()).toList();
    }

    /**
     * True for a Hugging Face config: it names a model_type, or is an old GPT-2 config
     * ({@code n_embd} without one). TransformerLens configs have neither.
     */
    public static boolean recognises(JsonObject json) {
        return json.has("model_type") || ModelConfigJson.isHuggingFaceGpt2(json);
    }

    /** The config of a Hugging Face {@code config.json}, refusing a model_type or setting that does not load, in one line. */
    public static HuggingFaceConfig readConfig(JsonObject json, String name, Path file) throws IOException {
        try {
            String type = json.has("model_type") ? modelType(json.get("model_type")) : Gpt2Layout.MODEL_TYPE;
            return layout(type).config(type, new HuggingFaceFields(json), name, file);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    static HuggingFaceLayout layout(String modelType) {
        return LAYOUTS.stream().filter(l -> l.modelTypes().contains(modelType)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("model_type '" + Excerpt.of(modelType) + "' is not supported; circuitscope reads "
                        + String.join(", ", modelTypes()) + " (or a TransformerLens config.json, which has no model_type)"));
    }

    private static String modelType(JsonElement e) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException("model_type must be a string, got " + Excerpt.of(e.toString()));
        }
        return e.getAsString();
    }
}
