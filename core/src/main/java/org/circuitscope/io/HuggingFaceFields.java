package org.circuitscope.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.circuitscope.model.ActFn;

/**
 * The fields Hugging Face configs of several families share, read with the families' own
 * defaults, including the places transformers v5 moved them to ({@code rope_parameters}).
 * Faults are {@link IllegalArgumentException}s naming the field; the caller adds the file.
 */
record HuggingFaceFields(ConfigFields fields) {
    static final double DEFAULT_ROPE_THETA = 10000;

    HuggingFaceFields(JsonObject json) { this(new ConfigFields(json)); }

    /** Fails listing every shape field that is absent, so one message says all that is missing. */
    void require(Path file, String kind, String... names) throws IOException {
        List<String> missing = fields.absent(names);
        if (!missing.isEmpty()) throw new IOException(file + " has no " + String.join(", ", missing) + ", which a Hugging Face " + kind + " config needs");
    }

    /**
     * Refuses rotary scaling: circuitscope rotates by position · θ^(−2i/d) only, so a model
     * trained with scaled frequencies (Llama 3.1's "llama3", "linear", "dynamic", "yarn") would
     * load but compute something else.
     */
    void refuseRopeScaling() {
        if (fields.has("rope_scaling")) {
            JsonElement e = fields.json().get("rope_scaling");
            ConfigFields scaling = e.isJsonObject() ? new ConfigFields(e.getAsJsonObject()) : null;
            String type = scaling == null ? null : scaling.has("rope_type") ? scaling.json().get("rope_type").toString()
                    : scaling.has("type") ? scaling.json().get("type").toString() : null;
            throw new IllegalArgumentException("rope_scaling " + (type != null ? "of type " + Excerpt.of(type) : Excerpt.of(e.toString()))
                    + " is not supported (circuitscope computes rotary embeddings without scaling, as Llama 2 and 3.0 do); only null is");
        }
        JsonObject params = ropeParameters();
        if (params == null) return;
        ConfigFields p = new ConfigFields(params);
        String type = p.string("rope_type", p.string("type", "default"));
        if (!type.equals("default")) {
            throw new IllegalArgumentException("rope_parameters.rope_type '" + Excerpt.of(type)
                    + "' is not supported (circuitscope computes rotary embeddings without scaling); only \"default\" is");
        }
    }

    /** θ of the rotary frequencies: rope_theta, else the family's older name, else rope_parameters.rope_theta (transformers v5), else 10000. */
    double ropeTheta(String olderName) {
        if (fields.has("rope_theta")) return positive("rope_theta", fields.number("rope_theta", DEFAULT_ROPE_THETA));
        if (olderName != null && fields.has(olderName)) return positive(olderName, fields.number(olderName, DEFAULT_ROPE_THETA));
        JsonObject params = ropeParameters();
        if (params != null) return positive("rope_parameters.rope_theta", new ConfigFields(params).number("rope_theta", DEFAULT_ROPE_THETA));
        return DEFAULT_ROPE_THETA;
    }

    /** The fraction of each head that rotates: rotary_pct, else partial_rotary_factor (also inside rope_parameters), else {@code dflt}. */
    double rotaryFraction(double dflt) {
        double f = fields.number("rotary_pct", fields.number("partial_rotary_factor", Double.NaN));
        JsonObject params = ropeParameters();
        if (Double.isNaN(f) && params != null) f = new ConfigFields(params).number("partial_rotary_factor", Double.NaN);
        if (Double.isNaN(f)) return dflt;
        if (!(f > 0 && f <= 1)) throw new IllegalArgumentException("rotary_pct must be in (0, 1], got " + f);
        return f;
    }

    private JsonObject ropeParameters() {
        if (!fields.has("rope_parameters")) return null;
        JsonElement e = fields.json().get("rope_parameters");
        if (!e.isJsonObject()) throw new IllegalArgumentException("rope_parameters must be an object, got " + Excerpt.of(e.toString()));
        return e.getAsJsonObject();
    }

    /** {@code hidden_act} (or GPT-2's {@code activation_function}) as a TransformerLens act_fn. */
    ActFn activation(String key, String dflt) {
        String s = fields.string(key, dflt);
        // The tanh approximation under PyTorch's name is TransformerLens's gelu_new, the same function.
        return ActFn.parse(s.equals("gelu_pytorch_tanh") ? "gelu_new" : s);
    }

    /** The Hugging Face spelling of an activation, which {@link #activation} reads back as the same one. */
    static String hiddenAct(ActFn a) { return a.tlName(); }

    /** bos_token_id, or -1 when absent or null. */
    int bosTokenId() { return fields.integer("bos_token_id", -1); }

    /** The first of {@code architectures} (the Hugging Face class the weights belong to), else {@code dflt}. */
    String architecture(String dflt) {
        if (!fields.has("architectures")) return dflt;
        JsonElement e = fields.json().get("architectures");
        if (e.isJsonArray() && !e.getAsJsonArray().isEmpty() && e.getAsJsonArray().get(0).isJsonPrimitive()) {
            return e.getAsJsonArray().get(0).getAsString();
        }
        throw new IllegalArgumentException("architectures must be a list of class names, got " + Excerpt.of(e.toString()));
    }

    /** hidden_size / num_attention_heads, with a clear error when it does not divide. */
    static int headWidth(int dModel, int nHeads) {
        if (dModel <= 0 || nHeads <= 0 || dModel % nHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + dModel + " must be a positive multiple of num_attention_heads " + nHeads);
        }
        return dModel / nHeads;
    }

    private static double positive(String k, double v) {
        if (!(v > 0) || !Double.isFinite(v)) throw new IllegalArgumentException(k + " must be a positive number, got " + v);
        return v;
    }

    /** {@code bos_token_id} (and the same {@code eos_token_id}, as GPT-2's and Pythia's configs have) when the checkpoint names one. */
    static void putBos(com.google.gson.JsonObject o, HuggingFaceConfig hc) {
        if (hc.bosTokenId() < 0) return;
        o.addProperty("bos_token_id", hc.bosTokenId());
        o.addProperty("eos_token_id", hc.bosTokenId());
    }
}
