package org.circuitscope.io;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryTest {
    @TempDir Path tmp;

    static final int[] TOKENS = {3, 17, 0, 22, 9, 9, 31, 4};

    static ModelConfig gpt2Like() {
        return new ModelConfig("g", 2, 24, 3, 8, 96, 33, 16, ActFn.GELU_NEW, Normalization.LN, false, 1e-5, true);
    }

    @Test
    void transformerLensLayoutRoundTrips() throws Exception {
        Weights w = RandomWeights.generate(gpt2Like(), 3, 0.2);
        ModelDirectory.save(tmp.resolve("tl"), w, "F32");
        try (LoadedModel m = ModelDirectory.load(tmp.resolve("tl"))) {
            assertEquals("transformerlens", m.layout());
            assertEquals(w.config().withName("tl"), m.config().withName("tl"));
            assertArrayEquals(new Transformer(w).forward(TOKENS).data(), m.transformer().forward(TOKENS).data(), 1e-5f); // two passes may round differently while the JIT warms up
            assertTrue(m.tokenizer().isEmpty());
        }
    }

    /** GPT-2 weights: tied unembedding (W_U = W_Eᵀ) and no b_U, as Hugging Face GPT-2 has them. */
    static Weights tiedGpt2Weights(long seed) {
        ModelConfig c = gpt2Like();
        Weights w = RandomWeights.generate(c, seed, 0.2);
        Tensor wu = Tensor.zeros(24, 33);
        float[] we = w.data("embed.W_E");
        for (int v = 0; v < 33; v++) for (int i = 0; i < 24; i++) wu.data()[i * 33 + v] = we[v * 24 + i];
        return w.with(c, Map.of("unembed.W_U", wu, "unembed.b_U", Tensor.zeros(33)));
    }

    static final String GPT2_CONFIG = """
            {"model_type": "gpt2", "n_embd": 24, "n_layer": 2, "n_head": 3, "n_positions": 16, "vocab_size": 33,
             "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new", "n_inner": null}""";

    /**
     * The Hugging Face GPT-2 state dict of {@code w} (a {@link #gpt2Like} model), built here by
     * hand from the definition of GPT-2's Conv1D c_attn (columns [Q | K | V], heads contiguous inside each).
     */
    static Map<String, Tensor> huggingFaceGpt2(Weights w) {
        Map<String, Tensor> hf = new LinkedHashMap<>();
        hf.put("transformer.wte.weight", w.get("embed.W_E"));
        hf.put("transformer.wpe.weight", w.get("pos_embed.W_pos"));
        for (int l = 0; l < 2; l++) {
            String p = "transformer.h." + l + ".", q = "blocks." + l + ".";
            hf.put(p + "ln_1.weight", w.get(q + "ln1.w"));
            hf.put(p + "ln_1.bias", w.get(q + "ln1.b"));
            Tensor cAttn = Tensor.zeros(24, 72), cAttnB = Tensor.zeros(72);
            String[] qkv = {"Q", "K", "V"};
            for (int s = 0; s < 3; s++) {
                float[] W = w.data(q + "attn.W_" + qkv[s]), B = w.data(q + "attn.b_" + qkv[s]);
                for (int h = 0; h < 3; h++)
                    for (int e = 0; e < 8; e++) {
                        int col = s * 24 + h * 8 + e;
                        cAttnB.data()[col] = B[h * 8 + e];
                        for (int i = 0; i < 24; i++) cAttn.data()[i * 72 + col] = W[(h * 24 + i) * 8 + e];
                    }
            }
            hf.put(p + "attn.c_attn.weight", cAttn);
            hf.put(p + "attn.c_attn.bias", cAttnB);
            hf.put(p + "attn.c_proj.weight", w.get(q + "attn.W_O").reshape(24, 24));
            hf.put(p + "attn.c_proj.bias", w.get(q + "attn.b_O"));
            hf.put(p + "ln_2.weight", w.get(q + "ln2.w"));
            hf.put(p + "ln_2.bias", w.get(q + "ln2.b"));
            hf.put(p + "mlp.c_fc.weight", w.get(q + "mlp.W_in"));
            hf.put(p + "mlp.c_fc.bias", w.get(q + "mlp.b_in"));
            hf.put(p + "mlp.c_proj.weight", w.get(q + "mlp.W_out"));
            hf.put(p + "mlp.c_proj.bias", w.get(q + "mlp.b_out"));
        }
        hf.put("transformer.ln_f.weight", w.get("ln_final.w"));
        hf.put("transformer.ln_f.bias", w.get("ln_final.b"));
        return hf;
    }

    /** Writes the same weights in Hugging Face GPT-2 layout. */
    @Test
    void huggingFaceGpt2LayoutGivesTheSameLogits() throws Exception {
        Weights w = tiedGpt2Weights(5);
        Path dir = Files.createDirectories(tmp.resolve("gpt2"));
        SafeTensorsWriter.write(dir.resolve("model.safetensors"), huggingFaceGpt2(w), Map.of("format", "pt"));
        Files.writeString(dir.resolve("config.json"), GPT2_CONFIG);
        try (LoadedModel m = ModelDirectory.load(dir)) {
            assertEquals("huggingface-gpt2", m.layout());
            Tensor want = new Transformer(w).forward(TOKENS), got = m.transformer().forward(TOKENS);
            for (int i = 0; i < want.size(); i++) assertEquals(want.data()[i], got.data()[i], 1e-5f, "logit " + i);
        }
    }

    @Test
    void loadingProblemsNameTheFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("bad"));
        var e = assertThrows(java.io.IOException.class, () -> ModelDirectory.load(dir));
        assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
        ModelDirectory.save(dir, RandomWeights.generate(gpt2Like(), 1, 0.1), "F32");
        Files.writeString(dir.resolve("config.json"), "{\"n_layers\": 2, \"d_model\": 24, ");
        e = assertThrows(java.io.IOException.class, () -> ModelDirectory.load(dir));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("JSON"), e.getMessage());
        // A config that promises a bigger model than the file holds.
        Files.writeString(dir.resolve("config.json"), """
                {"n_layers": 3, "d_model": 24, "n_heads": 3, "d_head": 8, "d_mlp": 96, "d_vocab": 33, "n_ctx": 16,
                 "act_fn": "gelu_new", "normalization_type": "LN"}""");
        e = assertThrows(java.io.IOException.class, () -> ModelDirectory.load(dir));
        assertTrue(e.getMessage().contains("blocks.2.") && e.getMessage().contains("missing"), e.getMessage());
    }
}
