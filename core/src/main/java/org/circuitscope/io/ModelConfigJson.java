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
import org.circuitscope.model.ActFn;
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
        JsonReader reader = new JsonReader(new StringReader(text));
        reader.setStrictness(Strictness.STRICT);
        try {
            JsonElement e = JsonParser.parseReader(reader);
            reader.peek(); // in strict mode, throws at the first character after the value
            return e;
        } catch (JsonParseException | IOException ex) {
            throw new IOException(file + " is not valid JSON: " + JsonProblem.describe(ex));
        }
    }

    /** True for a Hugging Face GPT-2 config (as opposed to a TransformerLens one). */
    public static boolean isHuggingFaceGpt2(JsonObject o) {
        return o.has("n_embd") || (o.has("model_type") && "gpt2".equals(str(o, "model_type", "")));
    }

    /**
     * A TransformerLens config. {@code d_vocab} may be missing or -1 (TransformerLens then takes
     * it from the tokenizer); pass the embedding's row count as {@code vocabFromWeights}.
     */
    public static ModelConfig fromTransformerLens(JsonObject o, String name, int vocabFromWeights, Path file) throws IOException {
        try {
            String pe = str(o, "positional_embedding_type", "standard");
            if (!pe.equals("standard")) {
                throw new IllegalArgumentException("positional_embedding_type '" + pe + "' is not supported; circuitscope runs learned ('standard') positions");
            }
            int dModel = integer(o, "d_model", -1);
            int nHeads = integer(o, "n_heads", -1);
            int dHead = integer(o, "d_head", -1);
            if (dHead <= 0 && nHeads > 0) dHead = dModel / nHeads;
            if (nHeads <= 0 && dHead > 0) nHeads = dModel / dHead;
            boolean attnOnly = o.has("attn_only") && !o.get("attn_only").isJsonNull() && o.get("attn_only").getAsBoolean();
            int dMlp = integer(o, "d_mlp", attnOnly ? 0 : 4 * dModel);
            int dVocab = integer(o, "d_vocab", -1);
            if (dVocab <= 0) dVocab = vocabFromWeights;
            String norm = o.has("normalization_type") && !o.get("normalization_type").isJsonNull()
                    ? o.get("normalization_type").getAsString() : (o.has("normalization_type") ? null : "LN");
            return new ModelConfig(str(o, "model_name", name), integer(o, "n_layers", -1), dModel, nHeads, dHead,
                    attnOnly ? 0 : dMlp, dVocab, integer(o, "n_ctx", -1), ActFn.parse(str(o, "act_fn", "gelu_new")),
                    Normalization.parse(norm), attnOnly, number(o, "eps", 1e-5),
                    !o.has("default_prepend_bos") || o.get("default_prepend_bos").getAsBoolean());
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }

    /** A Hugging Face GPT-2 config, as the TransformerLens config it converts to. */
    public static ModelConfig fromHuggingFaceGpt2(JsonObject o, String name, Path file) throws IOException {
        try {
            int d = integer(o, "n_embd", -1), heads = integer(o, "n_head", -1);
            if (d <= 0 || heads <= 0 || d % heads != 0) {
                throw new IllegalArgumentException("n_embd " + d + " must be a positive multiple of n_head " + heads);
            }
            int inner = o.has("n_inner") && !o.get("n_inner").isJsonNull() ? o.get("n_inner").getAsInt() : 4 * d;
            int ctx = integer(o, "n_positions", integer(o, "n_ctx", -1));
            return new ModelConfig(name, integer(o, "n_layer", -1), d, heads, d / heads, inner, integer(o, "vocab_size", -1), ctx,
                    ActFn.parse(str(o, "activation_function", "gelu_new")), Normalization.LN, false,
                    number(o, "layer_norm_epsilon", 1e-5), true);
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
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
        o.addProperty("positional_embedding_type", "standard");
        o.addProperty("default_prepend_bos", c.defaultPrependBos());
        Files.writeString(file, new GsonBuilder().setPrettyPrinting().create().toJson(o) + "\n");
    }

    private static int integer(JsonObject o, String k, int dflt) {
        if (!o.has(k) || o.get(k).isJsonNull()) return dflt;
        JsonElement e = o.get(k);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw new IllegalArgumentException(k + " must be a number, got " + e);
        double v = e.getAsDouble();
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) throw new IllegalArgumentException(k + " must be an integer, got " + e);
        return (int) v;
    }

    private static double number(JsonObject o, String k, double dflt) {
        if (!o.has(k) || o.get(k).isJsonNull()) return dflt;
        return o.get(k).getAsDouble();
    }

    private static String str(JsonObject o, String k, String dflt) {
        if (!o.has(k) || o.get(k).isJsonNull()) return dflt;
        return o.get(k).getAsString();
    }
}
