package org.circuitscope.io;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.Architecture;
import org.circuitscope.model.PositionalEmbedding;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;

/**
 * Reads and writes {@code config.json} in TransformerLens's field names, and recognises
 * Hugging Face GPT-2 configs ({@code n_embd}, {@code n_layer}, ...). Unknown fields are
 * ignored so configs written by TransformerLens itself load.
 */
public final class ModelConfigJson {
    private ModelConfigJson() {}

    /**
     * The parsed JSON object of a config file, with a clear error when it is not one. Parsed
     * strictly (RFC 8259, as Python's json and Hugging Face write it), so that junk is called
     * invalid JSON with its line and column rather than read as an unquoted string.
     */
    public static JsonObject readObject(Path file) throws IOException {
        RegularFile.require(file, "a model directory needs " + ModelDirectory.CONFIG);
        if (Files.size(file) > 16 << 20) throw new IOException(file + ": " + Files.size(file) + " bytes is too large for a config.json");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(file + " is not valid JSON: it is not UTF-8 text");
        }
        JsonElement e = parse(file, text);
        if (!e.isJsonObject()) {
            throw new IOException(file + (text.isBlank() ? " is empty" : " is JSON but not an object") + "; it must be {\"field\": value, ...}");
        }
        return e.getAsJsonObject();
    }

    private static JsonElement parse(Path file, String text) throws IOException {
        try {
            return JsonProblem.parseStrict(text);
        } catch (JsonParseException | IOException ex) {
            throw new IOException(file + " is not valid JSON: " + JsonProblem.describe(ex));
        }
    }

    /** True for a Hugging Face GPT-2 config (as opposed to a TransformerLens one). */
    public static boolean isHuggingFaceGpt2(JsonObject o) {
        return o.has("n_embd") || (o.has("model_type") && o.get("model_type").isJsonPrimitive()
                && "gpt2".equals(o.get("model_type").getAsString()));
    }

    /**
     * A TransformerLens config. {@code d_vocab} may be missing or -1 (TransformerLens then takes
     * it from the tokenizer); pass the embedding's row count as {@code vocabFromWeights}.
     */
    public static ModelConfig fromTransformerLens(JsonObject o, String name, int vocabFromWeights, Path file) throws IOException {
        ConfigFields f = new ConfigFields(o);
        try {
            List<String> missing = f.absent("n_layers", "d_model", "n_heads", "n_ctx");
            if (f.has("d_head")) missing.remove("n_heads"); // d_model / d_head gives it
            if (f.integer("d_vocab", -1) <= 0 && vocabFromWeights <= 0) missing.add("d_vocab"); // else embed.W_E's rows give it
            if (!missing.isEmpty()) throw missing(file, missing, "a TransformerLens config");
            PositionalEmbedding pe = PositionalEmbedding.parse(f.string("positional_embedding_type", "standard"));
            int dModel = f.integer("d_model", -1);
            int nHeads = f.integer("n_heads", -1);
            int dHead = f.integer("d_head", -1);
            if (dHead <= 0 && nHeads > 0) dHead = dModel / nHeads;
            if (nHeads <= 0 && dHead > 0) nHeads = dModel / dHead;
            boolean attnOnly = f.bool("attn_only", false);
            int dMlp = f.integer("d_mlp", attnOnly ? 0 : 4 * dModel);
            int dVocab = f.integer("d_vocab", -1);
            if (dVocab <= 0) dVocab = vocabFromWeights;
            // An explicit null means no normalization; an absent field means TransformerLens's default, LN.
            String norm = o.has("normalization_type") ? f.string("normalization_type", null) : "LN";
            Architecture arch = new Architecture(pe, pe == PositionalEmbedding.ROTARY ? f.integer("rotary_dim", dHead) : 0,
                    f.number("rotary_base", 10000), f.integer("n_key_value_heads", 0), f.bool("gated_mlp", false),
                    f.bool("parallel_attn_mlp", false), f.string("original_architecture", ""));
            return new ModelConfig(f.string("model_name", name), f.integer("n_layers", -1), dModel, nHeads, dHead,
                    attnOnly ? 0 : dMlp, dVocab, f.integer("n_ctx", -1), ActFn.parse(f.string("act_fn", "gelu_new")),
                    Normalization.parse(norm), attnOnly, f.number("eps", 1e-5), f.bool("default_prepend_bos", true), arch);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }

    /** A Hugging Face GPT-2 config, as the TransformerLens config it converts to. */
    public static ModelConfig fromHuggingFaceGpt2(JsonObject o, String name, Path file) throws IOException {
        ConfigFields f = new ConfigFields(o);
        try {
            List<String> missing = f.absent("n_embd", "n_head", "n_layer", "n_positions", "vocab_size");
            if (f.has("n_ctx")) missing.remove("n_positions"); // older configs give n_ctx instead
            if (!missing.isEmpty()) throw missing(file, missing, "a Hugging Face GPT-2 config");
            int d = f.integer("n_embd", -1), heads = f.integer("n_head", -1);
            if (d <= 0 || heads <= 0 || d % heads != 0) {
                throw new IllegalArgumentException("n_embd " + d + " must be a positive multiple of n_head " + heads);
            }
            int inner = f.integer("n_inner", 4 * d);
            int ctx = f.integer("n_positions", f.integer("n_ctx", -1));
            return new ModelConfig(name, f.integer("n_layer", -1), d, heads, d / heads, inner, f.integer("vocab_size", -1), ctx,
                    ActFn.parse(f.string("activation_function", "gelu_new")), Normalization.LN, false,
                    f.number("layer_norm_epsilon", 1e-5), true);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }

    /** All the missing fields at once, rather than the first one's default (-1) failing a check later. */
    private static IOException missing(Path file, List<String> fields, String kind) {
        return new IOException(file + " has no " + String.join(", ", fields) + ", which " + kind + " needs");
    }

    /** Writes the TransformerLens fields of {@code c}. */
    public static void write(Path file, ModelConfig c) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("model_name", c.modelName());
        o.addProperty("n_layers", c.nLayers());
        o.addProperty("d_model", c.dModel());
        o.addProperty("n_heads", c.nHeads());
        o.addProperty("d_head", c.dHead());
        if (!c.attnOnly()) o.addProperty("d_mlp", c.dMlp());
        o.addProperty("d_vocab", c.dVocab());
        o.addProperty("n_ctx", c.nCtx());
        o.addProperty("act_fn", c.actFn().tlName());
        if (c.normalizationType() == Normalization.NONE) o.add("normalization_type", com.google.gson.JsonNull.INSTANCE);
        else o.addProperty("normalization_type", c.normalizationType().tlName());
        o.addProperty("attn_only", c.attnOnly());
        o.addProperty("eps", c.eps());
        Architecture a = c.architecture();
        o.addProperty("positional_embedding_type", a.positionalEmbeddingType().tlName());
        if (a.rotary()) {
            o.addProperty("rotary_dim", a.rotaryDim());
            o.addProperty("rotary_base", a.rotaryBase());
        }
        if (c.groupedQuery()) o.addProperty("n_key_value_heads", c.nKeyValueHeads());
        o.addProperty("gated_mlp", a.gatedMlp());
        o.addProperty("parallel_attn_mlp", a.parallelAttnMlp());
        if (!a.originalArchitecture().isEmpty()) o.addProperty("original_architecture", a.originalArchitecture());
        o.addProperty("default_prepend_bos", c.defaultPrependBos());
        Files.writeString(file, new GsonBuilder().setPrettyPrinting().create().toJson(o) + "\n");
    }
}
