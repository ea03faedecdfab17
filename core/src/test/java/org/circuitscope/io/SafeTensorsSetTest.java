package org.circuitscope.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Sharded checkpoints: the writer's shards and index, reading them back, loading a model from them, and broken ones. */
class SafeTensorsSetTest {
    @TempDir Path tmp;

    private static Map<String, Tensor> tensors(long seed) {
        Random rnd = new Random(seed);
        Map<String, Tensor> m = new LinkedHashMap<>();
        int[][] shapes = {{7, 5}, {5}, {3, 4, 2}, {11}, {}, {2, 9}, {6, 6}};
        for (int i = 0; i < shapes.length; i++) {
            Tensor t = Tensor.zeros(shapes[i]);
            for (int j = 0; j < t.size(); j++) t.data()[j] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(9) - 4));
            m.put("layer." + i + ".w", t);
        }
        return m;
    }

    @Test
    void threeShardsReadBackBitForBitWithHuggingFaceNamesAndIndex() throws IOException {
        Map<String, Tensor> want = tensors(1);
        Path dir = tmp.resolve("m");
        Path index = SafeTensorsWriter.writeSharded(dir, want, Map.of("format", "pt"), "F32", 3);
        assertEquals(dir.resolve("model.safetensors.index.json"), index);
        List<Path> shards = List.of(dir.resolve("model-00001-of-00003.safetensors"), dir.resolve("model-00002-of-00003.safetensors"),
                dir.resolve("model-00003-of-00003.safetensors"));
        JsonObject json = JsonParser.parseString(Files.readString(index)).getAsJsonObject();
        long bytes = want.values().stream().mapToLong(t -> 4L * t.size()).sum();
        assertEquals(bytes, json.getAsJsonObject("metadata").get("total_size").getAsLong());
        JsonObject map = json.getAsJsonObject("weight_map");
        assertEquals(want.keySet(), map.keySet());
        assertEquals(map.keySet().stream().sorted().toList(), List.copyOf(map.keySet()), "sorted, as transformers writes it");
        assertEquals(new HashSet<>(shards), new HashSet<>(map.asMap().values().stream().map(v -> dir.resolve(v.getAsString())).toList()),
                "every shard holds a tensor");

        try (SafeTensorsSet st = SafeTensorsSet.open(dir)) {
            assertTrue(st.sharded());
            assertEquals(index, st.file());
            assertEquals(shards, st.files());
            assertEquals(List.copyOf(want.keySet()), st.names(), "the map's order is the writer's and the reader's");
            for (var e : want.entrySet()) {
                assertTrue(st.contains(e.getKey()));
                assertEquals(dir.resolve(map.get(e.getKey()).getAsString()), st.fileOf(e.getKey()));
                assertArrayEquals(e.getValue().shape(), st.info(e.getKey()).shape());
                float[] got = st.readWeight(e.getKey()).data(), w = e.getValue().data();
                assertEquals(w.length, got.length);
                for (int i = 0; i < w.length; i++) assertEquals(Float.floatToRawIntBits(w[i]), Float.floatToRawIntBits(got[i]), e.getKey() + "[" + i + "]");
            }
            assertFalse(st.contains("nope"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> st.info("nope")).getMessage().contains(index.toString()));
        }
        try (SafeTensors first = SafeTensors.open(shards.getFirst())) {
            assertEquals(Map.of("format", "pt"), first.metadata(), "each shard carries the metadata");
        }
        assertEquals(List.of(index, shards.get(0), shards.get(1), shards.get(2)), SafeTensorsSet.weightFiles(dir));
    }

    /** F16 and BF16 shards hold each value rounded to nearest-even, as an independent float64 computation rounds it. */
    @ParameterizedTest
    @ValueSource(strings = {"F16", "BF16"})
    void halfPrecisionShardsHoldTheNearestEvenValue(String dtype) throws IOException {
        boolean bf16 = dtype.equals("BF16");
        int manBits = bf16 ? 7 : 10, minExp = bf16 ? -126 : -14;
        double max = bf16 ? (2 - Math.scalb(1.0, -7)) * Math.scalb(1.0, 127) : 65504;
        Map<String, Tensor> want = tensors(2);
        // Exact ties (a value halfway between two neighbours, kept part odd and even), subnormals, overflow, signed zero, infinity.
        float one = 1f, ulp = (float) Math.scalb(1.0, -manBits);
        float[] edge = {one + ulp / 2, one + 3 * ulp / 2, -(one + ulp / 2), (float) Math.scalb(1.0, minExp - manBits - 1) * 3,
                (float) Math.scalb(1.0, minExp) * 0.7f, (float) max * 1.01f, -0f, Float.NEGATIVE_INFINITY, 0.1f, (float) max};
        want.put("edge", Tensor.of(edge, edge.length));
        Path dir = tmp.resolve(dtype);
        SafeTensorsWriter.writeSharded(dir, want, null, dtype, 3);
        try (SafeTensorsSet st = SafeTensorsSet.open(dir)) {
            for (var e : want.entrySet()) {
                assertEquals(dtype, st.info(e.getKey()).dtype());
                float[] w = e.getValue().data(), got = st.readWeight(e.getKey()).data();
                for (int i = 0; i < w.length; i++) {
                    double r = round(w[i], manBits, minExp, max);
                    assertEquals(r, got[i], 0.0, e.getKey() + "[" + i + "] = " + w[i]);
                    assertEquals(Math.copySign(1.0, r), Math.copySign(1.0f, got[i]), e.getKey() + "[" + i + "] sign");
                }
            }
        }
    }

    /** Nearest-even value with {@code manBits} stored mantissa bits: x/ulp rounded in double (exact, ulp is a power of two). */
    private static double round(float x, int manBits, int minExp, double max) {
        if (Float.isInfinite(x) || x == 0) return x;
        double ax = Math.abs((double) x);
        double ulp = Math.scalb(1.0, Math.max(Math.getExponent(ax), minExp) - manBits);
        double r = Math.rint(ax / ulp) * ulp;
        return Math.copySign(r > max ? Double.POSITIVE_INFINITY : r, x);
    }

    @Test
    void bf16NaNStaysNaN() throws IOException {
        // A NaN whose payload lies only in the low 16 bits: plain truncation would leave infinity.
        float nan = Float.intBitsToFloat(0x7f800001);
        Path file = tmp.resolve("nan.safetensors");
        SafeTensorsWriter.write(file, Map.of("x", Tensor.of(new float[] {nan, -nan}, 2)), null, "BF16");
        try (SafeTensors st = SafeTensors.open(file)) {
            float[] got = st.readWeight("x").data();
            assertTrue(Float.isNaN(got[0]) && Float.isNaN(got[1]), java.util.Arrays.toString(got));
        }
    }

    @Test
    void aModelLoadedFromShardsGivesTheLogitsOfTheSameModelInOneFile() throws IOException {
        Weights w = RandomWeights.generate(ModelDirectoryTest.gpt2Like(), 4, 0.2);
        Path single = tmp.resolve("single"), sharded = tmp.resolve("sharded");
        ModelDirectory.save(single, w, "F32");
        Files.createDirectories(sharded);
        Files.copy(single.resolve(ModelDirectory.CONFIG), sharded.resolve(ModelDirectory.CONFIG));
        SafeTensorsWriter.writeSharded(sharded, w.asMap(), Map.of("format", "pt"), "F32", 3);
        try (LoadedModel a = ModelDirectory.load(single); LoadedModel b = ModelDirectory.load(sharded)) {
            assertEquals("transformerlens", b.layout());
            assertEquals(a.config(), b.config());
            float[] want = a.transformer().forward(ModelDirectoryTest.TOKENS).data(), got = b.transformer().forward(ModelDirectoryTest.TOKENS).data();
            for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-5f, "logit " + i);
        }
    }

    @Test
    void aHuggingFaceGpt2ModelLoadsFromShards() throws IOException {
        Weights w = ModelDirectoryTest.tiedGpt2Weights(6);
        Path dir = Files.createDirectories(tmp.resolve("gpt2"));
        Files.writeString(dir.resolve(ModelDirectory.CONFIG), ModelDirectoryTest.GPT2_CONFIG);
        SafeTensorsWriter.writeSharded(dir, ModelDirectoryTest.huggingFaceGpt2(w), Map.of("format", "pt"), "F32", 3);
        try (LoadedModel m = ModelDirectory.load(dir)) {
            assertEquals("huggingface-gpt2", m.layout());
            float[] want = new Transformer(w).forward(ModelDirectoryTest.TOKENS).data(), got = m.transformer().forward(ModelDirectoryTest.TOKENS).data();
            for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-5f, "logit " + i);
        }
    }

    @Test
    void oneFileIsReadThroughTheSameInterface() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("one"));
        SafeTensorsWriter.write(dir.resolve("model.safetensors"), tensors(3), null);
        try (SafeTensorsSet st = SafeTensorsSet.open(dir)) {
            assertFalse(st.sharded());
            assertEquals(dir.resolve("model.safetensors"), st.file());
            assertEquals(List.of(st.file()), st.files());
            assertEquals(List.copyOf(tensors(3).keySet()), st.names());
        }
        assertEquals(List.of(dir.resolve("model.safetensors")), SafeTensorsSet.weightFiles(dir));
    }

    @Test
    void theWriterSplitsIntoAsManyShardsAsTensorsAndNoMore() throws IOException {
        Map<String, Tensor> t = tensors(4);
        SafeTensorsWriter.writeSharded(tmp.resolve("all"), t, null, "F32", t.size());
        try (SafeTensorsSet st = SafeTensorsSet.open(tmp.resolve("all"))) {
            assertEquals(t.size(), st.files().size());
        }
        assertThrows(IllegalArgumentException.class, () -> SafeTensorsWriter.writeSharded(tmp.resolve("x"), t, null, "F32", t.size() + 1));
        assertThrows(IllegalArgumentException.class, () -> SafeTensorsWriter.writeSharded(tmp.resolve("x"), t, null, "F32", 0));
        assertThrows(IllegalArgumentException.class, () -> SafeTensorsWriter.writeSharded(tmp.resolve("x"), t, null, "F64", 2));
        // A model.safetensors beside the shards would be loaded instead of them.
        Path dir = Files.createDirectories(tmp.resolve("both"));
        SafeTensorsWriter.write(dir.resolve("model.safetensors"), t, null);
        IOException e = assertThrows(IOException.class, () -> SafeTensorsWriter.writeSharded(dir, t, null, "F32", 2));
        assertTrue(e.getMessage().contains(dir.resolve("model.safetensors").toString()), e.getMessage());
        assertFalse(Files.exists(dir.resolve(SafeTensorsSet.INDEX)));
    }

    // ---- broken checkpoints: one line naming the file at fault ----

    private Path sharded() throws IOException {
        Path dir = tmp.resolve("broken");
        SafeTensorsWriter.writeSharded(dir, tensors(5), null, "F32", 3);
        return dir;
    }

    private static String failure(Path dir) {
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensorsSet.open(dir).close());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    private static void rewriteIndex(Path dir, String from, String to) throws IOException {
        Path index = dir.resolve(SafeTensorsSet.INDEX);
        String text = Files.readString(index);
        assertTrue(text.contains(from), text);
        Files.writeString(index, text.replace(from, to));
    }

    @Test
    void aMissingShardIsNamed() throws IOException {
        Path dir = sharded();
        Path shard = dir.resolve("model-00002-of-00003.safetensors");
        Files.delete(shard);
        String m = failure(dir);
        assertTrue(m.contains(dir.resolve(SafeTensorsSet.INDEX).toString()) && m.contains(shard + " is missing"), m);
    }

    @Test
    void aTensorMappedToAShardThatDoesNotHoldItIsNamed() throws IOException {
        Path dir = sharded();
        // layer.0.w lies in the first shard; the index now says the third.
        rewriteIndex(dir, "\"layer.0.w\": \"model-00001-of-00003.safetensors\"", "\"layer.0.w\": \"model-00003-of-00003.safetensors\"");
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensorsSet.open(dir).close());
        assertEquals("layer.0.w", e.tensor());
        assertTrue(e.getMessage().contains("'layer.0.w'") && e.getMessage().contains(dir.resolve("model-00003-of-00003.safetensors")
                + ", which does not hold it"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../outside.safetensors", "/etc/passwd", "sub/../../outside.safetensors", "", "."})
    void aShardOutsideTheDirectoryIsRefusedBeforeAnythingIsOpened(String shard) throws IOException {
        Path dir = sharded();
        Files.write(tmp.resolve("outside.safetensors"), Files.readAllBytes(dir.resolve("model-00001-of-00003.safetensors")));
        rewriteIndex(dir, "\"layer.0.w\": \"model-00001-of-00003.safetensors\"", "\"layer.0.w\": \"" + shard + "\"");
        String m = failure(dir);
        assertTrue(m.contains(dir.resolve(SafeTensorsSet.INDEX).toString()) && m.contains("'" + shard + "'")
                && m.contains("not a file inside"), m);
    }

    @Test
    void aMalformedIndexIsNamedWithWhereItBreaks() throws IOException {
        Path dir = sharded();
        Path index = dir.resolve(SafeTensorsSet.INDEX);
        Files.writeString(index, "{\"weight_map\": {\"a\": \"model-00001-of-00003.safetensors\",}}");
        String m = failure(dir);
        assertTrue(m.contains(index.toString()) && m.contains("not valid JSON") && m.contains("line 1"), m);
        Files.writeString(index, "[]");
        assertTrue(failure(dir).contains("not a JSON object"));
        Files.writeString(index, "{\"metadata\": {}}");
        assertTrue(failure(dir).contains("no \"weight_map\""));
        Files.writeString(index, "{\"weight_map\": {\"a\": 3}}");
        m = failure(dir);
        assertTrue(m.contains("'a'") && m.contains("not to a shard file name"), m);
        Files.writeString(index, "{\"weight_map\": {}}");
        assertTrue(failure(dir).contains("names no tensors"));
        // A damaged index never breaks the change stamp: it then covers the index alone.
        assertEquals(List.of(index), SafeTensorsSet.weightFiles(dir));
    }

    @Test
    void aDirectoryWithNeitherFormNamesTheSingleFileAndTheIndex() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("empty"));
        IOException e = assertThrows(IOException.class, () -> SafeTensorsSet.open(dir));
        assertTrue(e.getMessage().contains(dir.resolve("model.safetensors") + ": missing") && e.getMessage().contains(SafeTensorsSet.INDEX),
                e.getMessage());
    }

    @Test
    void aShardThatIsNotSafetensorsIsNamed() throws IOException {
        Path dir = sharded();
        Path shard = dir.resolve("model-00003-of-00003.safetensors");
        Files.writeString(shard, "not a safetensors file");
        assertTrue(failure(dir).contains(shard.toString()));
        assertEquals(shard, assertThrows(SafeTensorsException.class, () -> SafeTensorsSet.open(dir)).file());
    }
}
