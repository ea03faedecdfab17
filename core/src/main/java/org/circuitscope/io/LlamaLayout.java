package org.circuitscope.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitscope.model.Architecture;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.PositionalEmbedding;
import org.circuitscope.model.WeightNames;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;

/**
 * Llama-style checkpoints (Llama 2/3, TinyLlama, SmolLM, Mistral, Qwen2): RMSNorm, rotary on
 * whole heads in the rotate-half convention, grouped-query attention, a SwiGLU MLP. Hugging
 * Face's q_proj and k_proj rows are already in rotate-half order (its conversion script
 * permuted Meta's interleaved weights once), so heads are plain row blocks, as TransformerLens's
 * convert_llama_weights reads them.
 *
 * <p>The three model types differ in small ways: Llama's {@code attention_bias} puts biases on
 * q, k, v and o; Qwen2 always has q, k and v biases and loads without a BOS by default; Mistral
 * attends within a sliding window, so it is loaded with n_ctx = min(max_position_embeddings,
 * sliding_window): within its window, where sliding and full attention agree.
 */
final class LlamaLayout implements HuggingFaceLayout {
    private static final String P = "model.";

    /** What the model types change; prependBos is TransformerLens 3.x's default_prepend_bos. */
    enum Variant {
        LLAMA("llama", "LlamaForCausalLM", 2048, true),
        MISTRAL("mistral", "MistralForCausalLM", 4096 * 32, true),
        QWEN2("qwen2", "Qwen2ForCausalLM", 32768, false);

        final String modelType, architecture;
        final int defaultContext;
        final boolean prependBos;

        Variant(String modelType, String architecture, int defaultContext, boolean prependBos) {
            this.modelType = modelType;
            this.architecture = architecture;
            this.defaultContext = defaultContext;
            this.prependBos = prependBos;
        }

        static Variant of(String modelType) {
            return Arrays.stream(values()).filter(v -> v.modelType.equals(modelType)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("model_type '" + modelType + "' is not Llama-style"));
        }

        boolean qkvBias(HuggingFaceConfig c) { return this == QWEN2 || (this == LLAMA && c.attentionBias()); }

        boolean oBias(HuggingFaceConfig c) { return this == LLAMA && c.attentionBias(); }
    }

    @Override
    public List<String> modelTypes() { return Arrays.stream(Variant.values()).map(v -> v.modelType).toList(); }

    @Override
    public HuggingFaceConfig config(String modelType, HuggingFaceFields hf, String name, Path file) throws IOException {
        Variant variant = Variant.of(modelType);
        ConfigFields f = hf.fields();
        hf.require(file, modelType, "hidden_size", "num_attention_heads", "num_hidden_layers", "intermediate_size", "vocab_size");
        hf.refuseRopeScaling();
        if (f.bool("mlp_bias", false)) {
            throw new IllegalArgumentException("mlp_bias true is not supported: TransformerLens's gated MLP has one bias, after the gate");
        }
        int d = f.integer("hidden_size", -1), n = f.integer("num_attention_heads", -1);
        int dh = f.has("head_dim") ? f.integer("head_dim", -1) : HuggingFaceFields.headWidth(d, n);
        int ctx = f.integer("max_position_embeddings", variant.defaultContext);
        Integer window = switch (variant) {
            // Absent: MistralConfig's default, 4096; null: no window.
            case MISTRAL -> !f.json().has("sliding_window") ? Integer.valueOf(4096) : f.has("sliding_window") ? f.integer("sliding_window", -1) : null;
            case QWEN2 -> f.bool("use_sliding_window", false) ? f.integer("sliding_window", 4096) : null;
            case LLAMA -> null;
        };
        if (window != null && window <= 0) throw new IllegalArgumentException("sliding_window must be a positive integer, got " + window);
        if (window != null) ctx = Math.min(ctx, window);
        Architecture arch = new Architecture(PositionalEmbedding.ROTARY, dh, hf.ropeTheta(null), f.integer("num_key_value_heads", n),
                true, false, hf.architecture(variant.architecture));
        ModelConfig cfg = new ModelConfig(name, f.integer("num_hidden_layers", -1), d, n, dh, f.integer("intermediate_size", -1),
                f.integer("vocab_size", -1), ctx, hf.activation("hidden_act", "silu"), Normalization.RMS, false,
                f.number("rms_norm_eps", 1e-6), variant.prependBos, arch);
        boolean bias = switch (variant) {
            case LLAMA -> f.bool("attention_bias", false);
            case QWEN2 -> true;
            case MISTRAL -> false;
        };
        return new HuggingFaceConfig(modelType, cfg, f.bool("tie_word_embeddings", false), bias, hf.bosTokenId());
    }

    @Override
    public JsonObject json(HuggingFaceConfig hc) {
        Variant variant = Variant.of(hc.modelType());
        ModelConfig c = hc.config();
        JsonObject o = new JsonObject();
        JsonArray archs = new JsonArray();
        archs.add(variant.architecture);
        o.add("architectures", archs);
        o.addProperty("model_type", variant.modelType);
        o.addProperty("hidden_size", c.dModel());
        o.addProperty("intermediate_size", c.dMlp());
        o.addProperty("num_attention_heads", c.nHeads());
        o.addProperty("num_key_value_heads", c.nKeyValueHeads());
        if (c.dHead() * c.nHeads() != c.dModel()) o.addProperty("head_dim", c.dHead());
        o.addProperty("num_hidden_layers", c.nLayers());
        o.addProperty("vocab_size", c.dVocab());
        o.addProperty("max_position_embeddings", c.nCtx());
        switch (variant) {
            case MISTRAL -> o.addProperty("sliding_window", c.nCtx());
            case QWEN2 -> o.addProperty("use_sliding_window", false);
            case LLAMA -> {
                o.addProperty("attention_bias", hc.attentionBias());
                o.addProperty("mlp_bias", false);
            }
        }
        o.addProperty("rms_norm_eps", c.eps());
        o.addProperty("rope_theta", c.architecture().rotaryBase());
        o.add("rope_scaling", JsonNull.INSTANCE);
        o.addProperty("hidden_act", HuggingFaceFields.hiddenAct(c.actFn()));
        o.addProperty("tie_word_embeddings", hc.tiedEmbeddings());
        HuggingFaceFields.putBos(o, hc);
        return o;
    }

    @Override
    public Map<String, Tensor> toTransformerLens(HuggingFaceConfig hc, CheckpointTensors t) throws IOException {
        Variant variant = Variant.of(hc.modelType());
        ModelConfig c = hc.config();
        LayoutReader r = new LayoutReader(t, variant.modelType);
        int d = c.dModel(), n = c.nHeads(), kv = c.nKeyValueHeads(), dh = c.dHead(), m = c.dMlp(), v = c.dVocab();
        Map<String, Tensor> out = new LinkedHashMap<>();
        Tensor wE = r.require(P + "embed_tokens.weight", v, d);
        out.put(WeightNames.W_E, wE);
        for (int l = 0; l < c.nLayers(); l++) {
            String p = P + "layers." + l + ".";
            out.put(WeightNames.ln(l, "ln1", "w"), r.require(p + "input_layernorm.weight", d));
            out.put(WeightNames.attn(l, "W_Q"), HeadRows.heads(r.require(p + "self_attn.q_proj.weight", n * dh, d), n, dh, i -> i * dh));
            out.put(WeightNames.keyValue(c, l, "W_K"), HeadRows.heads(r.require(p + "self_attn.k_proj.weight", kv * dh, d), kv, dh, i -> i * dh));
            out.put(WeightNames.keyValue(c, l, "W_V"), HeadRows.heads(r.require(p + "self_attn.v_proj.weight", kv * dh, d), kv, dh, i -> i * dh));
            if (variant.qkvBias(hc)) {
                out.put(WeightNames.attn(l, "b_Q"), r.require(p + "self_attn.q_proj.bias", n * dh).reshape(n, dh));
                out.put(WeightNames.keyValue(c, l, "b_K"), r.require(p + "self_attn.k_proj.bias", kv * dh).reshape(kv, dh));
                out.put(WeightNames.keyValue(c, l, "b_V"), r.require(p + "self_attn.v_proj.bias", kv * dh).reshape(kv, dh));
            }
            out.put(WeightNames.attn(l, "W_O"), r.requireTransposed(p + "self_attn.o_proj.weight", d, n * dh).reshape(n, dh, d));
            if (variant.oBias(hc)) out.put(WeightNames.attn(l, "b_O"), r.require(p + "self_attn.o_proj.bias", d));
            out.put(WeightNames.ln(l, "ln2", "w"), r.require(p + "post_attention_layernorm.weight", d));
            out.put(WeightNames.mlp(l, "W_in"), r.requireTransposed(p + "mlp.up_proj.weight", m, d));
            out.put(WeightNames.mlp(l, "W_gate"), r.requireTransposed(p + "mlp.gate_proj.weight", m, d));
            out.put(WeightNames.mlp(l, "W_out"), r.requireTransposed(p + "mlp.down_proj.weight", d, m));
        }
        out.put(WeightNames.LN_FINAL_W, r.require(P + "norm.weight", d));
        out.put(WeightNames.W_U, hc.tiedEmbeddings() ? HeadRows.transpose(wE) : r.requireTransposed("lm_head.weight", v, d));
        return out;
    }

    @Override
    public Map<String, Tensor> toHuggingFace(HuggingFaceConfig hc, Weights w) {
        Variant variant = Variant.of(hc.modelType());
        ModelConfig c = hc.config();
        int n = c.nHeads(), kv = c.nKeyValueHeads(), dh = c.dHead(), d = c.dModel();
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(P + "embed_tokens.weight", w.wE());
        for (int l = 0; l < c.nLayers(); l++) {
            String p = P + "layers." + l + ".";
            out.put(p + "input_layernorm.weight", w.get(WeightNames.ln(l, "ln1", "w")));
            out.put(p + "self_attn.q_proj.weight", rows(w.get(WeightNames.attn(l, "W_Q")), n * dh, d));
            out.put(p + "self_attn.k_proj.weight", rows(w.get(WeightNames.keyValue(c, l, "W_K")), kv * dh, d));
            out.put(p + "self_attn.v_proj.weight", rows(w.get(WeightNames.keyValue(c, l, "W_V")), kv * dh, d));
            if (variant.qkvBias(hc)) {
                out.put(p + "self_attn.q_proj.bias", w.get(WeightNames.attn(l, "b_Q")).reshape(n * dh));
                out.put(p + "self_attn.k_proj.bias", w.get(WeightNames.keyValue(c, l, "b_K")).reshape(kv * dh));
                out.put(p + "self_attn.v_proj.bias", w.get(WeightNames.keyValue(c, l, "b_V")).reshape(kv * dh));
            }
            out.put(p + "self_attn.o_proj.weight", HeadRows.outputLinear(w.get(WeightNames.attn(l, "W_O"))));
            if (variant.oBias(hc)) out.put(p + "self_attn.o_proj.bias", w.get(WeightNames.attn(l, "b_O")));
            out.put(p + "post_attention_layernorm.weight", w.get(WeightNames.ln(l, "ln2", "w")));
            out.put(p + "mlp.gate_proj.weight", HeadRows.transpose(w.get(WeightNames.mlp(l, "W_gate"))));
            out.put(p + "mlp.up_proj.weight", HeadRows.transpose(w.get(WeightNames.mlp(l, "W_in"))));
            out.put(p + "mlp.down_proj.weight", HeadRows.transpose(w.get(WeightNames.mlp(l, "W_out"))));
        }
        out.put(P + "norm.weight", w.get(WeightNames.LN_FINAL_W));
        if (!hc.tiedEmbeddings()) out.put("lm_head.weight", HeadRows.transpose(w.wU()));
        return out;
    }

    private static Tensor rows(Tensor heads, int rows, int d) {
        Tensor linear = Tensor.zeros(rows, d);
        HeadRows.putHeads(heads, linear, i -> i * heads.dim(2));
        return linear;
    }
}
