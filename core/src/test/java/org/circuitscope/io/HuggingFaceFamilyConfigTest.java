package org.circuitscope.io;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.Architecture;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.PositionalEmbedding;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Hugging Face config.json files, written out here by hand, parse to the TransformerLens
 * configs TransformerLens 3.x would build; what does not load is refused in one line.
 */
class HuggingFaceFamilyConfigTest {
    @TempDir Path tmp;

    static HuggingFaceConfig parse(String json) throws IOException {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        assertTrue(HuggingFaceLayouts.recognises(o));
        return HuggingFaceLayouts.readConfig(o, "m", Path.of("config.json"));
    }

    @Test
    void pythia70m() throws IOException {
        HuggingFaceConfig hc = parse("""
                {"architectures": ["GPTNeoXForCausalLM"], "bos_token_id": 0, "eos_token_id": 0, "hidden_act": "gelu",
                 "hidden_size": 512, "initializer_range": 0.02, "intermediate_size": 2048, "layer_norm_eps": 1e-05,
                 "max_position_embeddings": 2048, "model_type": "gpt_neox", "num_attention_heads": 8, "num_hidden_layers": 6,
                 "rotary_emb_base": 10000, "rotary_pct": 0.25, "tie_word_embeddings": false, "torch_dtype": "float16",
                 "transformers_version": "4.24.0", "use_cache": true, "use_parallel_residual": true, "vocab_size": 50304}""");
        ModelConfig want = new ModelConfig("m", 6, 512, 8, 64, 2048, 50304, 2048, ActFn.GELU, Normalization.LN, false, 1e-5, false,
                new Architecture(PositionalEmbedding.ROTARY, 16, 10000, 8, false, true, "GPTNeoXForCausalLM"));
        assertEquals(want, hc.config());
        assertEquals(new HuggingFaceConfig("gpt_neox", want, false, true, 0), hc);
    }

    @Test
    void tinyLlama() throws IOException {
        HuggingFaceConfig hc = parse("""
                {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "bos_token_id": 1, "eos_token_id": 2,
                 "hidden_act": "silu", "hidden_size": 2048, "initializer_range": 0.02, "intermediate_size": 5632,
                 "max_position_embeddings": 2048, "model_type": "llama", "num_attention_heads": 32, "num_hidden_layers": 22,
                 "num_key_value_heads": 4, "pretraining_tp": 1, "rms_norm_eps": 1e-05, "rope_scaling": null, "rope_theta": 10000.0,
                 "tie_word_embeddings": false, "torch_dtype": "bfloat16", "transformers_version": "4.35.0", "use_cache": true,
                 "vocab_size": 32000}""");
        ModelConfig want = new ModelConfig("m", 22, 2048, 32, 64, 5632, 32000, 2048, ActFn.SILU, Normalization.RMS, false, 1e-5, true,
                new Architecture(PositionalEmbedding.ROTARY, 64, 10000, 4, true, false, "LlamaForCausalLM"));
        assertEquals(new HuggingFaceConfig("llama", want, false, false, 1), hc);
        assertTrue(hc.config().groupedQuery());
        assertEquals(3, hc.config().keyValueHead(31));
    }

    @Test
    void qwen2HalfBillionLoadsWithoutBosByDefault() throws IOException {
        HuggingFaceConfig hc = parse("""
                {"architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643, "eos_token_id": 151643,
                 "hidden_act": "silu", "hidden_size": 896, "initializer_range": 0.02, "intermediate_size": 4864,
                 "max_position_embeddings": 131072, "max_window_layers": 24, "model_type": "qwen2", "num_attention_heads": 14,
                 "num_hidden_layers": 24, "num_key_value_heads": 2, "rms_norm_eps": 1e-06, "rope_theta": 1000000.0,
                 "sliding_window": 131072, "tie_word_embeddings": true, "torch_dtype": "bfloat16", "use_cache": true,
                 "use_sliding_window": false, "vocab_size": 151936}""");
        ModelConfig want = new ModelConfig("m", 24, 896, 14, 64, 4864, 151936, 131072, ActFn.SILU, Normalization.RMS, false, 1e-6, false,
                new Architecture(PositionalEmbedding.ROTARY, 64, 1e6, 2, true, false, "Qwen2ForCausalLM"));
        assertEquals(new HuggingFaceConfig("qwen2", want, true, true, 151643), hc);
    }

    @Test
    void mistralIsLoadedWithinItsSlidingWindow() throws IOException {
        String v01 = """
                {"architectures": ["MistralForCausalLM"], "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu",
                 "hidden_size": 4096, "initializer_range": 0.02, "intermediate_size": 14336, "max_position_embeddings": 32768,
                 "model_type": "mistral", "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8,
                 "rms_norm_eps": 1e-05, "rope_theta": 10000.0, "sliding_window": 4096, "tie_word_embeddings": false,
                 "torch_dtype": "bfloat16", "vocab_size": 32000}""";
        HuggingFaceConfig hc = parse(v01);
        assertEquals(4096, hc.config().nCtx());
        assertEquals(8, hc.config().nKeyValueHeads());
        assertTrue(hc.config().defaultPrependBos());
        assertFalse(hc.attentionBias());
        // v0.2 dropped the window: the whole context.
        assertEquals(32768, parse(v01.replace("\"sliding_window\": 4096", "\"sliding_window\": null")).config().nCtx());
    }

    @Test
    void smolLmTiesItsEmbeddingsAndHeadDimMayDifferFromHiddenOverHeads() throws IOException {
        String smol = """
                {"architectures": ["LlamaForCausalLM"], "bos_token_id": 0, "eos_token_id": 0, "hidden_act": "silu",
                 "hidden_size": 576, "intermediate_size": 1536, "max_position_embeddings": 2048, "model_type": "llama",
                 "num_attention_heads": 9, "num_hidden_layers": 30, "num_key_value_heads": 3, "rms_norm_eps": 1e-05,
                 "rope_scaling": null, "rope_theta": 10000.0, "tie_word_embeddings": true, "vocab_size": 49152}""";
        HuggingFaceConfig hc = parse(smol);
        assertTrue(hc.tiedEmbeddings());
        assertEquals(64, hc.config().dHead());
        assertEquals(3, hc.config().nKeyValueHeads());
        assertEquals(96, parse(smol.replace("\"num_hidden_layers\"", "\"head_dim\": 96, \"num_hidden_layers\"")).config().dHead());
    }

    @Test
    void transformersV5PutsRopeThetaAndTheRotaryFractionInRopeParameters() throws IOException {
        HuggingFaceConfig hc = parse("""
                {"model_type": "gpt_neox", "hidden_size": 64, "num_attention_heads": 4, "num_hidden_layers": 1,
                 "intermediate_size": 128, "vocab_size": 50,
                 "rope_parameters": {"rope_type": "default", "rope_theta": 500.0, "partial_rotary_factor": 0.5}}""");
        assertEquals(500.0, hc.config().architecture().rotaryBase());
        assertEquals(8, hc.config().architecture().rotaryDim());
        // Absent fields take the family's defaults (GPTNeoXConfig): rotary_pct 0.25, parallel residual, untied.
        HuggingFaceConfig defaults = parse("""
                {"model_type": "gpt_neox", "hidden_size": 64, "num_attention_heads": 4, "num_hidden_layers": 1,
                 "intermediate_size": 128, "vocab_size": 50}""");
        assertEquals(4, defaults.config().architecture().rotaryDim());
        assertTrue(defaults.config().architecture().parallelAttnMlp());
        assertFalse(defaults.tiedEmbeddings());
        assertEquals(10000, defaults.config().architecture().rotaryBase());
    }

    /** HF's rule int(d_head · rotary_pct) must give back every even rotary_dim from the rotary_pct the writer picks. */
    @Test
    void writtenRotaryPctGivesBackTheRotaryDim() {
        for (int dh = 2; dh <= 256; dh++) {
            for (int r = 2; r <= dh; r += 2) {
                double pct = NeoxLayout.rotaryPct(r, dh);
                assertEquals(r, (int) (dh * pct), "rotary_dim " + r + " of d_head " + dh + " written as " + pct);
                assertTrue(pct <= 1.0);
            }
        }
        assertNotEquals(29, (int) (100 * (29 / 100.0)), "the case that needs the search: 0.29 · 100 is 28.999…");
    }

    @Test
    void refusalsAreOneClearLine() {
        String llama31 = """
                {"model_type": "llama", "hidden_size": 64, "num_attention_heads": 4, "num_hidden_layers": 1,
                 "intermediate_size": 128, "vocab_size": 50, "rope_theta": 500000.0,
                 "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                  "original_max_position_embeddings": 8192, "rope_type": "llama3"}}""";
        assertRefused(llama31, "rope_scaling", "llama3", "not supported");
        assertRefused(llama31.replace("\"rope_scaling\"", "\"x\"").replace("\"rope_theta\": 500000.0",
                "\"rope_parameters\": {\"rope_type\": \"yarn\", \"rope_theta\": 1e4}"), "rope_type", "yarn");
        assertRefused("{\"model_type\": \"falcon\", \"hidden_size\": 8}", "model_type 'falcon' is not supported",
                "gpt2, gpt_neox, llama, mistral, qwen2");
        assertRefused("{\"model_type\": 7}", "model_type must be a string");
        assertRefused("{\"model_type\": \"llama\", \"hidden_size\": 64}", "config.json has no num_attention_heads, num_hidden_layers,"
                + " intermediate_size, vocab_size");
        assertRefused("{\"model_type\": \"llama\", \"hidden_size\": 64, \"num_attention_heads\": 5, \"num_hidden_layers\": 1,"
                + " \"intermediate_size\": 8, \"vocab_size\": 9}", "hidden_size 64 must be a positive multiple of num_attention_heads 5");
        assertRefused("{\"model_type\": \"llama\", \"hidden_size\": 64, \"num_attention_heads\": 4, \"num_hidden_layers\": 1,"
                + " \"intermediate_size\": 8, \"vocab_size\": 9, \"mlp_bias\": true}", "mlp_bias");
        assertRefused("{\"model_type\": \"llama\", \"hidden_size\": 64, \"num_attention_heads\": 4, \"num_hidden_layers\": 1,"
                + " \"intermediate_size\": 8, \"vocab_size\": 9, \"num_key_value_heads\": 3}", "multiple of n_key_value_heads");
        assertRefused("{\"model_type\": \"gpt_neox\", \"hidden_size\": 64, \"num_attention_heads\": 4, \"num_hidden_layers\": 1,"
                + " \"intermediate_size\": 8, \"vocab_size\": 9, \"hidden_act\": \"quick_gelu\"}", "act_fn 'quick_gelu' is not supported");
    }

    private static void assertRefused(String json, String... parts) {
        IOException e = assertThrows(IOException.class, () -> parse(json));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        assertTrue(m.startsWith("config.json"), "names the file: " + m);
        for (String p : parts) assertTrue(m.contains(p), "'" + p + "' in: " + m);
    }

    @Test
    void checkpointFaultsNameTheTensor() throws Exception {
        ModelConfig cfg = HuggingFaceFamilyRoundTripTest.llama(2);
        HuggingFaceConfig hc = HuggingFaceCheckpoint.describe(new HuggingFaceConfig("llama", cfg, false, false, -1));
        Weights w = HuggingFaceCheckpoint.fit(hc, RandomWeights.generate(hc.config(), 1, 0.2));
        Path dir = tmp.resolve("llama");
        HuggingFaceCheckpoint.save(dir, hc, w, "F32");
        Map<String, Tensor> hf = new LinkedHashMap<>(HuggingFaceCheckpoint.toHuggingFace(hc, w));

        hf.remove("model.layers.1.mlp.up_proj.weight");
        SafeTensorsWriter.write(dir.resolve(ModelDirectory.WEIGHTS), hf, Map.of());
        IOException e = assertThrows(IOException.class, () -> ModelDirectory.load(dir));
        assertEquals(dir.resolve(ModelDirectory.WEIGHTS) + ": tensor 'model.layers.1.mlp.up_proj.weight' is missing (llama layout)", e.getMessage());

        hf.put("model.layers.1.mlp.up_proj.weight", Tensor.zeros(40, 31));
        SafeTensorsWriter.write(dir.resolve(ModelDirectory.WEIGHTS), hf, Map.of());
        e = assertThrows(IOException.class, () -> ModelDirectory.load(dir));
        assertEquals(dir.resolve(ModelDirectory.WEIGHTS) + ": tensor 'model.layers.1.mlp.up_proj.weight' has shape [40, 31]"
                + " but config.json implies [40, 32]", e.getMessage());

        // An untied checkpoint needs lm_head; a tied one does not.
        hf.put("model.layers.1.mlp.up_proj.weight", Tensor.zeros(40, 32));
        hf.remove("lm_head.weight");
        SafeTensorsWriter.write(dir.resolve(ModelDirectory.WEIGHTS), hf, Map.of());
        e = assertThrows(IOException.class, () -> ModelDirectory.load(dir));
        assertTrue(e.getMessage().contains("'lm_head.weight' is missing"), e.getMessage());
        String config = Files.readString(dir.resolve(ModelDirectory.CONFIG));
        Files.writeString(dir.resolve(ModelDirectory.CONFIG), config.replace("\"tie_word_embeddings\": false", "\"tie_word_embeddings\": true"));
        try (LoadedModel m = ModelDirectory.load(dir)) {
            assertEquals("huggingface-llama", m.layout());
        }
    }

    @Test
    void writingRefusesWhatTheFamilyCannotHold() {
        // A GPT-NeoX checkpoint has no key/value head count: grouped-query attention cannot be written as one.
        ModelConfig gqa = HuggingFaceFamilyRoundTripTest.neox(2, true).withArchitecture(
                new Architecture(PositionalEmbedding.ROTARY, 2, 10000, 2, false, true, ""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HuggingFaceCheckpoint.describe(new HuggingFaceConfig("gpt_neox", gqa, false, true, -1)));
        assertTrue(e.getMessage().contains("n_key_value_heads is 2 here but 4"), e.getMessage());
        // Llama-style blocks are gated and RMS-normed: a GPT-2 shape is refused field by field.
        e = assertThrows(IllegalArgumentException.class, () -> HuggingFaceCheckpoint.describe(
                new HuggingFaceConfig("llama", HuggingFaceFamilyRoundTripTest.gpt2(), false, false, -1)));
        assertTrue(e.getMessage().contains("normalization_type is LN here but RMS") && e.getMessage().contains("gated_mlp"), e.getMessage());
        // Weights with a bias the family has no tensor for are not silently changed.
        ModelConfig cfg = HuggingFaceFamilyRoundTripTest.llama(4);
        HuggingFaceConfig hc = HuggingFaceCheckpoint.describe(new HuggingFaceConfig("llama", cfg, false, false, -1));
        Weights random = RandomWeights.generate(hc.config(), 2, 0.2);
        e = assertThrows(IllegalArgumentException.class, () -> HuggingFaceCheckpoint.toHuggingFace(hc, random));
        assertTrue(e.getMessage().contains("cannot be stored in a llama checkpoint"), e.getMessage());
        assertDoesNotThrow(() -> HuggingFaceCheckpoint.toHuggingFace(hc, HuggingFaceCheckpoint.fit(hc, random)));
    }

    @Test
    void bfloat16RoundsToNearestEven() {
        // Exactly halfway between two bfloat16 values: the even one wins, below and above.
        assertEquals(0x3F80, SafeTensorsWriter.toBfloat16(Float.intBitsToFloat(0x3F808000)) & 0xFFFF);
        assertEquals(0x3F82, SafeTensorsWriter.toBfloat16(Float.intBitsToFloat(0x3F818000)) & 0xFFFF);
        assertEquals(0x3F81, SafeTensorsWriter.toBfloat16(Float.intBitsToFloat(0x3F808001)) & 0xFFFF);
        assertEquals(0x7F80, SafeTensorsWriter.toBfloat16(Float.MAX_VALUE) & 0xFFFF, "overflow rounds to infinity");
        assertTrue(Float.isNaN(Float.intBitsToFloat(SafeTensorsWriter.toBfloat16(Float.intBitsToFloat(0x7F800001)) << 16)));
    }
}
