package org.circuitscope.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.WeightNames;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;

/**
 * Hugging Face GPT-2 state dict ↔ TransformerLens names. GPT-2's Conv1D stores weights as
 * [in, out] (already x·W), so only the fused c_attn needs splitting into per-head Q, K, V
 * blocks (columns [Q | K | V], heads contiguous inside each); the unembedding is tied to
 * {@code wte} unless {@code lm_head.weight} is present. Names may carry the
 * {@code transformer.} prefix of GPT2LMHeadModel or not (GPT2Model); written with it.
 */
final class Gpt2Layout implements HuggingFaceLayout {
    static final String MODEL_TYPE = "gpt2";
    private static final String PREFIX = "transformer.";
    private static final String[] QKV = {"Q", "K", "V"};

    @Override
    public List<String> modelTypes() { return List.of(MODEL_TYPE); }

    @Override
    public HuggingFaceConfig config(String modelType, HuggingFaceFields hf, String name, Path file) throws IOException {
        ModelConfig c = ModelConfigJson.fromHuggingFaceGpt2(hf.fields().json(), name, file);
        return new HuggingFaceConfig(MODEL_TYPE, c, hf.fields().bool("tie_word_embeddings", true), true, hf.bosTokenId());
    }

    @Override
    public JsonObject json(HuggingFaceConfig hc) {
        ModelConfig c = hc.config();
        JsonObject o = new JsonObject();
        JsonArray archs = new JsonArray();
        archs.add("GPT2LMHeadModel");
        o.add("architectures", archs);
        o.addProperty("model_type", MODEL_TYPE);
        o.addProperty("n_embd", c.dModel());
        o.addProperty("n_head", c.nHeads());
        o.addProperty("n_layer", c.nLayers());
        o.addProperty("n_positions", c.nCtx());
        o.addProperty("n_ctx", c.nCtx());
        o.addProperty("n_inner", c.dMlp());
        o.addProperty("vocab_size", c.dVocab());
        o.addProperty("activation_function", HuggingFaceFields.hiddenAct(c.actFn()));
        o.addProperty("layer_norm_epsilon", c.eps());
        o.addProperty("tie_word_embeddings", hc.tiedEmbeddings());
        HuggingFaceFields.putBos(o, hc);
        return o;
    }

    @Override
    public Map<String, Tensor> toTransformerLens(HuggingFaceConfig hc, CheckpointTensors t) throws IOException {
        ModelConfig c = hc.config();
        LayoutReader r = new LayoutReader(t, "GPT-2");
        String prefix = t.contains(PREFIX + "wte.weight") ? PREFIX : "";
        int d = c.dModel(), h = c.nHeads(), dh = c.dHead(), m = c.dMlp(), v = c.dVocab();
        Map<String, Tensor> out = new LinkedHashMap<>();
        Tensor wte = r.require(prefix + "wte.weight", v, d);
        out.put(WeightNames.W_E, wte);
        out.put(WeightNames.W_POS, r.require(prefix + "wpe.weight", c.nCtx(), d));
        for (int l = 0; l < c.nLayers(); l++) {
            String p = prefix + "h." + l + ".";
            out.put(WeightNames.ln(l, "ln1", "w"), r.require(p + "ln_1.weight", d));
            out.put(WeightNames.ln(l, "ln1", "b"), r.require(p + "ln_1.bias", d));
            // c_attn [d, 3d] is x·W already: its transpose is a Linear whose rows hold Q's heads, then K's, then V's.
            Tensor cAttn = r.requireTransposed(p + "attn.c_attn.weight", d, 3 * d);
            Tensor cAttnB = r.require(p + "attn.c_attn.bias", 3 * d);
            for (int which = 0; which < 3; which++) {
                int first = which * d;
                out.put(WeightNames.attn(l, "W_" + QKV[which]), HeadRows.heads(cAttn, h, dh, i -> first + i * dh));
                out.put(WeightNames.attn(l, "b_" + QKV[which]), HeadRows.headBias(cAttnB, h, dh, i -> first + i * dh));
            }
            // c_proj [d, d]: row hh*dh + e is head hh's row e, exactly W_O [h, dh, d] in memory.
            out.put(WeightNames.attn(l, "W_O"), r.require(p + "attn.c_proj.weight", d, d).reshape(h, dh, d));
            out.put(WeightNames.attn(l, "b_O"), r.require(p + "attn.c_proj.bias", d));
            out.put(WeightNames.ln(l, "ln2", "w"), r.require(p + "ln_2.weight", d));
            out.put(WeightNames.ln(l, "ln2", "b"), r.require(p + "ln_2.bias", d));
            out.put(WeightNames.mlp(l, "W_in"), r.require(p + "mlp.c_fc.weight", d, m));
            out.put(WeightNames.mlp(l, "b_in"), r.require(p + "mlp.c_fc.bias", m));
            out.put(WeightNames.mlp(l, "W_out"), r.require(p + "mlp.c_proj.weight", m, d));
            out.put(WeightNames.mlp(l, "b_out"), r.require(p + "mlp.c_proj.bias", d));
        }
        out.put(WeightNames.LN_FINAL_W, r.require(prefix + "ln_f.weight", d));
        out.put(WeightNames.LN_FINAL_B, r.require(prefix + "ln_f.bias", d));
        Tensor head = t.contains("lm_head.weight") ? r.require("lm_head.weight", v, d) : wte;
        out.put(WeightNames.W_U, HeadRows.transpose(head));
        return out;
    }

    @Override
    public Map<String, Tensor> toHuggingFace(HuggingFaceConfig hc, Weights w) {
        ModelConfig c = hc.config();
        int d = c.dModel(), dh = c.dHead();
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(PREFIX + "wte.weight", w.wE());
        out.put(PREFIX + "wpe.weight", w.wPos());
        for (int l = 0; l < c.nLayers(); l++) {
            String p = PREFIX + "h." + l + ".";
            out.put(p + "ln_1.weight", w.get(WeightNames.ln(l, "ln1", "w")));
            out.put(p + "ln_1.bias", w.get(WeightNames.ln(l, "ln1", "b")));
            Tensor cAttnT = Tensor.zeros(3 * d, d), cAttnB = Tensor.zeros(3 * d);
            for (int which = 0; which < 3; which++) {
                int first = which * d;
                HeadRows.putHeads(w.get(WeightNames.attn(l, "W_" + QKV[which])), cAttnT, i -> first + i * dh);
                HeadRows.putHeadBias(w.get(WeightNames.attn(l, "b_" + QKV[which])), cAttnB, i -> first + i * dh);
            }
            out.put(p + "attn.c_attn.weight", HeadRows.transpose(cAttnT));
            out.put(p + "attn.c_attn.bias", cAttnB);
            out.put(p + "attn.c_proj.weight", w.get(WeightNames.attn(l, "W_O")).reshape(d, d));
            out.put(p + "attn.c_proj.bias", w.get(WeightNames.attn(l, "b_O")));
            out.put(p + "ln_2.weight", w.get(WeightNames.ln(l, "ln2", "w")));
            out.put(p + "ln_2.bias", w.get(WeightNames.ln(l, "ln2", "b")));
            out.put(p + "mlp.c_fc.weight", w.get(WeightNames.mlp(l, "W_in")));
            out.put(p + "mlp.c_fc.bias", w.get(WeightNames.mlp(l, "b_in")));
            out.put(p + "mlp.c_proj.weight", w.get(WeightNames.mlp(l, "W_out")));
            out.put(p + "mlp.c_proj.bias", w.get(WeightNames.mlp(l, "b_out")));
        }
        out.put(PREFIX + "ln_f.weight", w.get(WeightNames.LN_FINAL_W));
        out.put(PREFIX + "ln_f.bias", w.get(WeightNames.LN_FINAL_B));
        if (!hc.tiedEmbeddings()) out.put("lm_head.weight", HeadRows.transpose(w.wU()));
        return out;
    }
}
