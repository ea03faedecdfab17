package org.circuitscope.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import org.circuitscope.model.Architecture;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.PositionalEmbedding;
import org.circuitscope.model.WeightNames;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;

/**
 * GPT-NeoX (Pythia): LayerNorm blocks whose attention and MLP both read the residual stream
 * (use_parallel_residual), rotary embeddings on the first rotary_pct of each head, and one
 * fused query_key_value projection whose output rows run head by head, each head's q, k and v
 * in turn ({@code [n_heads, 3, d_head]}), as TransformerLens's convert_neox_weights reads it.
 * The unembedding ({@code embed_out}) is untied unless tie_word_embeddings says otherwise.
 */
final class NeoxLayout implements HuggingFaceLayout {
    static final String MODEL_TYPE = "gpt_neox";
    private static final String ARCHITECTURE = "GPTNeoXForCausalLM";
    private static final String P = "gpt_neox.";
    private static final String[] QKV = {"Q", "K", "V"};

    @Override
    public List<String> modelTypes() { return List.of(MODEL_TYPE); }

    @Override
    public HuggingFaceConfig config(String modelType, HuggingFaceFields hf, String name, Path file) throws IOException {
        ConfigFields f = hf.fields();
        hf.require(file, "GPT-NeoX", "hidden_size", "num_attention_heads", "num_hidden_layers", "intermediate_size", "vocab_size");
        hf.refuseRopeScaling();
        int d = f.integer("hidden_size", -1), n = f.integer("num_attention_heads", -1);
        int dh = HuggingFaceFields.headWidth(d, n);
        // Hugging Face's own rule: rotary_ndims = int(head_size * rotary_pct) (truncating, in double).
        int rotaryDim = (int) (dh * hf.rotaryFraction(0.25));
        Architecture arch = new Architecture(PositionalEmbedding.ROTARY, rotaryDim, hf.ropeTheta("rotary_emb_base"), 0, false,
                f.bool("use_parallel_residual", true), hf.architecture(ARCHITECTURE));
        // TransformerLens 3.x loads Pythia with default_prepend_bos False.
        ModelConfig cfg = new ModelConfig(name, f.integer("num_hidden_layers", -1), d, n, dh, f.integer("intermediate_size", -1),
                f.integer("vocab_size", -1), f.integer("max_position_embeddings", 2048), hf.activation("hidden_act", "gelu"),
                Normalization.LN, false, f.number("layer_norm_eps", 1e-5), false, arch);
        return new HuggingFaceConfig(MODEL_TYPE, cfg, f.bool("tie_word_embeddings", false), f.bool("attention_bias", true), hf.bosTokenId());
    }

    @Override
    public JsonObject json(HuggingFaceConfig hc) {
        ModelConfig c = hc.config();
        JsonObject o = new JsonObject();
        JsonArray archs = new JsonArray();
        archs.add(ARCHITECTURE);
        o.add("architectures", archs);
        o.addProperty("model_type", MODEL_TYPE);
        o.addProperty("hidden_size", c.dModel());
        o.addProperty("num_attention_heads", c.nHeads());
        o.addProperty("num_hidden_layers", c.nLayers());
        o.addProperty("intermediate_size", c.dMlp());
        o.addProperty("vocab_size", c.dVocab());
        o.addProperty("max_position_embeddings", c.nCtx());
        o.addProperty("rotary_pct", rotaryPct(c.architecture().rotaryDim(), c.dHead()));
        o.addProperty("rotary_emb_base", c.architecture().rotaryBase());
        o.add("rope_scaling", com.google.gson.JsonNull.INSTANCE);
        o.addProperty("use_parallel_residual", c.architecture().parallelAttnMlp());
        o.addProperty("hidden_act", HuggingFaceFields.hiddenAct(c.actFn()));
        o.addProperty("layer_norm_eps", c.eps());
        o.addProperty("tie_word_embeddings", hc.tiedEmbeddings());
        o.addProperty("attention_bias", hc.attentionBias());
        HuggingFaceFields.putBos(o, hc);
        return o;
    }

    /**
     * The smallest rotary_pct from which Hugging Face's int(d_head · rotary_pct) gives back
     * {@code rotaryDim}: r/d_head itself can land a hair below (0.29 · 100 = 28.999…).
     */
    static double rotaryPct(int rotaryDim, int dHead) {
        double pct = (double) rotaryDim / dHead;
        while ((int) (dHead * pct) < rotaryDim) pct = Math.nextUp(pct);
        return pct;
    }

    @Override
    public Map<String, Tensor> toTransformerLens(HuggingFaceConfig hc, CheckpointTensors t) throws IOException {
        ModelConfig c = hc.config();
        LayoutReader r = new LayoutReader(t, "GPT-NeoX");
        int d = c.dModel(), n = c.nHeads(), dh = c.dHead(), m = c.dMlp(), v = c.dVocab();
        Map<String, Tensor> out = new LinkedHashMap<>();
        Tensor wE = r.require(P + "embed_in.weight", v, d);
        out.put(WeightNames.W_E, wE);
        for (int l = 0; l < c.nLayers(); l++) {
            String p = P + "layers." + l + ".";
            out.put(WeightNames.ln(l, "ln1", "w"), r.require(p + "input_layernorm.weight", d));
            out.put(WeightNames.ln(l, "ln1", "b"), r.require(p + "input_layernorm.bias", d));
            Tensor qkv = r.require(p + "attention.query_key_value.weight", 3 * n * dh, d);
            Tensor qkvB = hc.attentionBias() ? r.require(p + "attention.query_key_value.bias", 3 * n * dh) : null;
            for (int which = 0; which < 3; which++) {
                IntUnaryOperator row = rows(which, dh);
                out.put(WeightNames.attn(l, "W_" + QKV[which]), HeadRows.heads(qkv, n, dh, row));
                if (qkvB != null) out.put(WeightNames.attn(l, "b_" + QKV[which]), HeadRows.headBias(qkvB, n, dh, row));
            }
            out.put(WeightNames.attn(l, "W_O"), r.requireTransposed(p + "attention.dense.weight", d, n * dh).reshape(n, dh, d));
            if (hc.attentionBias()) out.put(WeightNames.attn(l, "b_O"), r.require(p + "attention.dense.bias", d));
            out.put(WeightNames.ln(l, "ln2", "w"), r.require(p + "post_attention_layernorm.weight", d));
            out.put(WeightNames.ln(l, "ln2", "b"), r.require(p + "post_attention_layernorm.bias", d));
            out.put(WeightNames.mlp(l, "W_in"), r.requireTransposed(p + "mlp.dense_h_to_4h.weight", m, d));
            out.put(WeightNames.mlp(l, "b_in"), r.require(p + "mlp.dense_h_to_4h.bias", m));
            out.put(WeightNames.mlp(l, "W_out"), r.requireTransposed(p + "mlp.dense_4h_to_h.weight", d, m));
            out.put(WeightNames.mlp(l, "b_out"), r.require(p + "mlp.dense_4h_to_h.bias", d));
        }
        out.put(WeightNames.LN_FINAL_W, r.require(P + "final_layer_norm.weight", d));
        out.put(WeightNames.LN_FINAL_B, r.require(P + "final_layer_norm.bias", d));
        out.put(WeightNames.W_U, hc.tiedEmbeddings() ? HeadRows.transpose(wE) : r.requireTransposed("embed_out.weight", v, d));
        return out;
    }

    @Override
    public Map<String, Tensor> toHuggingFace(HuggingFaceConfig hc, Weights w) {
        ModelConfig c = hc.config();
        int d = c.dModel(), n = c.nHeads(), dh = c.dHead();
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(P + "embed_in.weight", w.wE());
        for (int l = 0; l < c.nLayers(); l++) {
            String p = P + "layers." + l + ".";
            out.put(p + "input_layernorm.weight", w.get(WeightNames.ln(l, "ln1", "w")));
            out.put(p + "input_layernorm.bias", w.get(WeightNames.ln(l, "ln1", "b")));
            Tensor qkv = Tensor.zeros(3 * n * dh, d), qkvB = Tensor.zeros(3 * n * dh);
            for (int which = 0; which < 3; which++) {
                HeadRows.putHeads(w.get(WeightNames.attn(l, "W_" + QKV[which])), qkv, rows(which, dh));
                HeadRows.putHeadBias(w.get(WeightNames.attn(l, "b_" + QKV[which])), qkvB, rows(which, dh));
            }
            out.put(p + "attention.query_key_value.weight", qkv);
            if (hc.attentionBias()) out.put(p + "attention.query_key_value.bias", qkvB);
            out.put(p + "attention.dense.weight", HeadRows.outputLinear(w.get(WeightNames.attn(l, "W_O"))));
            if (hc.attentionBias()) out.put(p + "attention.dense.bias", w.get(WeightNames.attn(l, "b_O")));
            out.put(p + "post_attention_layernorm.weight", w.get(WeightNames.ln(l, "ln2", "w")));
            out.put(p + "post_attention_layernorm.bias", w.get(WeightNames.ln(l, "ln2", "b")));
            out.put(p + "mlp.dense_h_to_4h.weight", HeadRows.transpose(w.get(WeightNames.mlp(l, "W_in"))));
            out.put(p + "mlp.dense_h_to_4h.bias", w.get(WeightNames.mlp(l, "b_in")));
            out.put(p + "mlp.dense_4h_to_h.weight", HeadRows.transpose(w.get(WeightNames.mlp(l, "W_out"))));
            out.put(p + "mlp.dense_4h_to_h.bias", w.get(WeightNames.mlp(l, "b_out")));
        }
        out.put(P + "final_layer_norm.weight", w.get(WeightNames.LN_FINAL_W));
        out.put(P + "final_layer_norm.bias", w.get(WeightNames.LN_FINAL_B));
        if (!hc.tiedEmbeddings()) out.put("embed_out.weight", HeadRows.transpose(w.wU()));
        return out;
    }

    /** Head i's rows of q (which 0), k (1) or v (2) in the fused projection. */
    private static IntUnaryOperator rows(int which, int dh) { return i -> (3 * i + which) * dh; }
}
