package org.circuitscope.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.io.SafeTensors;
import org.circuitscope.model.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code random-model --family}: checkpoints in each Hugging Face family's layout that load back with the shape asked for. */
class RandomModelFamilyTest {
    @TempDir Path tmp;

    static JsonObject config(Path dir) throws Exception {
        return JsonParser.parseString(Files.readString(dir.resolve(ModelDirectory.CONFIG))).getAsJsonObject();
    }

    @Test
    void neoxWithPartialRotaryAndSequentialBlocksInBf16() throws Exception {
        Path dir = tmp.resolve("pythia-like");
        CliTest.Run r = CliTest.run("random-model", "--out", dir.toString(), "--family", "neox", "--d-model", "32", "--n-heads", "4",
                "--d-head", "8", "--d-mlp", "64", "--n-ctx", "32", "--rotary-pct", "0.5", "--no-parallel", "--dtype", "BF16", "--init-std", "0.3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Hugging Face gpt_neox layout"), r.out());
        JsonObject json = config(dir);
        assertEquals("gpt_neox", json.get("model_type").getAsString());
        assertEquals("GPTNeoXForCausalLM", json.getAsJsonArray("architectures").get(0).getAsString());
        assertEquals("bfloat16", json.get("torch_dtype").getAsString());
        assertFalse(json.get("use_parallel_residual").getAsBoolean());
        try (SafeTensors st = SafeTensors.open(dir.resolve(ModelDirectory.WEIGHTS))) {
            assertEquals("BF16", st.info("gpt_neox.layers.0.attention.query_key_value.weight").dtype());
            assertArrayEquals(new int[] {96, 32}, st.info("gpt_neox.layers.0.attention.query_key_value.weight").shape());
            assertTrue(st.contains("embed_out.weight"));
        }
        try (LoadedModel m = ModelDirectory.load(dir)) {
            assertEquals("huggingface-gpt_neox", m.layout());
            ModelConfig c = m.config();
            assertEquals(4, c.architecture().rotaryDim());
            assertFalse(c.architecture().parallelAttnMlp());
            assertFalse(c.defaultPrependBos(), "TransformerLens 3.x loads Pythia without a BOS by default");
            assertTrue(m.tokenizer().isPresent());
            int[] tokens = {1, 2, 3, 256};
            assertEquals(4 * 257, m.transformer().forward(tokens).size());
        }
    }

    @Test
    void llamaWithGroupedQueryAttentionTiedInF16() throws Exception {
        Path dir = tmp.resolve("tiny-llama");
        CliTest.Run r = CliTest.run("random-model", "--out", dir.toString(), "--family", "llama", "--d-model", "32", "--n-heads", "8",
                "--d-head", "4", "--n-kv-heads", "2", "--d-mlp", "48", "--n-ctx", "32", "--tied", "--qkv-bias", "--dtype", "F16");
        assertEquals(0, r.code(), r.err());
        JsonObject json = config(dir);
        assertEquals("llama", json.get("model_type").getAsString());
        assertEquals(2, json.get("num_key_value_heads").getAsInt());
        assertTrue(json.get("tie_word_embeddings").getAsBoolean());
        assertTrue(json.get("attention_bias").getAsBoolean());
        assertTrue(json.get("rope_scaling").isJsonNull());
        try (SafeTensors st = SafeTensors.open(dir.resolve(ModelDirectory.WEIGHTS))) {
            assertArrayEquals(new int[] {8, 32}, st.info("model.layers.1.self_attn.k_proj.weight").shape());
            assertTrue(st.contains("model.layers.1.self_attn.o_proj.bias"));
            assertFalse(st.contains("lm_head.weight"), "tied: no lm_head");
            assertEquals("F16", st.info("model.norm.weight").dtype());
        }
        try (LoadedModel m = ModelDirectory.load(dir)) {
            assertEquals("huggingface-llama", m.layout());
            assertEquals(2, m.config().nKeyValueHeads());
            assertTrue(m.config().architecture().gatedMlp());
        }
    }

    @Test
    void shardedBf16LlamaLoadsAsTheSameModelInOneFile() throws Exception {
        String[] shape = {"--family", "llama", "--d-model", "32", "--n-heads", "4", "--d-head", "8", "--n-kv-heads", "1",
                "--d-mlp", "48", "--n-ctx", "32", "--dtype", "BF16", "--seed", "5"};
        Path one = tmp.resolve("one"), three = tmp.resolve("three");
        assertEquals(0, CliTest.run(concat(new String[] {"random-model", "--out", one.toString()}, shape)).code());
        CliTest.Run r = CliTest.run(concat(new String[] {"random-model", "--out", three.toString(), "--shards", "3"}, shape));
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(three.resolve(ModelDirectory.WEIGHTS)), "shards instead of one file");
        assertTrue(Files.exists(three.resolve("model.safetensors.index.json")));
        assertTrue(Files.exists(three.resolve("model-00003-of-00003.safetensors")));
        try (LoadedModel a = ModelDirectory.load(one); LoadedModel b = ModelDirectory.load(three)) {
            int[] tokens = {1, 40, 41, 42, 43};
            assertArrayEquals(a.transformer().forward(tokens).data(), b.transformer().forward(tokens).data(), 0f,
                    "the same weights, bit for bit, whichever way they are stored");
        }
        assertNotEquals(0, CliTest.run(concat(new String[] {"random-model", "--out", tmp.resolve("tl").toString(), "--shards", "2"},
                new String[0])).code(), "TransformerLens layout is one file");
    }

    /** Every analysis command on a checkpoint of each rotary family, as a user runs it on a text: paths add up to the logit. */
    @Test
    void everyAnalysisCommandRunsOnGptNeoXAndLlamaCheckpoints() throws Exception {
        Path text = tmp.resolve("p.txt");
        Files.writeString(text, "The cat sat on the mat. The cat sat on the");
        for (String family : new String[] {"neox", "llama"}) {
            Path dir = tmp.resolve(family);
            String[] extra = family.equals("llama") ? new String[] {"--n-kv-heads", "2"} : new String[0];
            assertEquals(0, CliTest.run(concat(new String[] {"random-model", "--out", dir.toString(), "--family", family, "--d-model", "32",
                    "--n-heads", "4", "--d-head", "8", "--d-mlp", "64", "--n-ctx", "64", "--d-vocab", "400", "--seed", "9"}, extra)).code());
            String[] input = {"--model", dir.toString(), "--text", text.toString(), "--json"};
            for (String[] cmd : new String[][] {{"predict"}, {"attribute"}, {"attribute", "--method", "integrated-gradients"},
                    {"ablate", "--heads", "L1H2"}, {"lens"}, {"heads", "--window-length", "8", "--length", "20"}}) {
                CliTest.Run r = CliTest.run(concat(cmd, input));
                assertEquals(0, r.code(), family + " " + String.join(" ", cmd) + ": " + r.err());
                assertTrue(JsonParser.parseString(r.out()).isJsonObject(), family + " " + cmd[0] + " writes one JSON object");
            }
            CliTest.Run paths = CliTest.run(concat(new String[] {"paths", "--pos", "3"}, input));
            assertEquals(0, paths.code(), paths.err());
            JsonObject o = JsonParser.parseString(paths.out()).getAsJsonObject();
            double sum = 0, max = 0;
            for (var t : o.getAsJsonArray("terms")) {
                double v = t.getAsJsonObject().get("value").getAsDouble();
                sum += v;
                max = Math.max(max, Math.abs(v));
            }
            assertEquals(o.get("logit").getAsDouble(), sum, 1e-4 * max + 1e-6, family + ": path terms sum to the logit");
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void everyFamilyWritesWhatLoads() throws Exception {
        for (String family : new String[] {"gpt2", "mistral", "qwen2"}) {
            Path dir = tmp.resolve(family);
            CliTest.Run r = CliTest.run("random-model", "--out", dir.toString(), "--family", family, "--d-model", "32", "--n-heads", "4",
                    "--d-head", "8", "--d-mlp", "48", "--n-ctx", "32");
            assertEquals(0, r.code(), family + ": " + r.err());
            try (LoadedModel m = ModelDirectory.load(dir)) {
                assertEquals("huggingface-" + family, m.layout());
                assertEquals(!family.equals("qwen2"), m.config().defaultPrependBos(), family);
            }
        }
        // Without --family: TransformerLens layout, as before.
        Path tl = tmp.resolve("tl");
        assertEquals(0, CliTest.run("random-model", "--out", tl.toString(), "--d-model", "32", "--n-heads", "2").code());
        try (LoadedModel m = ModelDirectory.load(tl)) {
            assertEquals("transformerlens", m.layout());
        }
    }

    @Test
    void whatAFamilyCannotHoldIsRefusedInOneLine() {
        CliTest.Run r = CliTest.run("random-model", "--out", tmp.resolve("x").toString(), "--family", "neox", "--n-kv-heads", "2");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--n-kv-heads needs a llama-style family"), r.err());
        r = CliTest.run("random-model", "--out", tmp.resolve("y").toString(), "--family", "falcon");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--family must be gpt2, neox, llama, mistral or qwen2"), r.err());
        r = CliTest.run("random-model", "--out", tmp.resolve("z").toString(), "--family", "neox", "--d-model", "30", "--n-heads", "4",
                "--d-head", "8");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("gpt_neox checkpoint cannot hold this model: hidden_size 30 must be a positive multiple"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
