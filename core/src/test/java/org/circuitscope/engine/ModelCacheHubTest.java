package org.circuitscope.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitscope.io.FakeHubCache;
import org.circuitscope.io.HubCache;
import org.circuitscope.io.SafeTensorsWriter;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The front matter's and the setting's model may be a Hugging Face id; a sharded model's stamp covers every shard. */
class ModelCacheHubTest {
    @TempDir Path tmp;

    private HubCache hub() {
        return HubCache.of(Map.of("HF_HUB_CACHE", tmp.resolve("hub").toString()), tmp.resolve("home"));
    }

    @Test
    void aNameThatIsNoFolderButAnIdIsTheCachedSnapshot() throws Exception {
        String commit = FakeHubCache.commit("x");
        Path snap = FakeHubCache.add(tmp.resolve("hub"), "EleutherAI/pythia-70m", commit,
                Map.of("config.json", "{}".getBytes(StandardCharsets.UTF_8)), "main");
        Path docs = Files.createDirectories(tmp.resolve("docs"));
        assertEquals(snap, ModelCache.resolve("EleutherAI/pythia-70m", docs, List.of(), null, hub()));
        assertEquals(snap, ModelCache.resolve(null, docs, List.of(docs), "EleutherAI/pythia-70m", hub()), "the setting too");
        // A folder of that name wins: the id is only a fallback.
        Path local = Files.createDirectories(docs.resolve("EleutherAI/pythia-70m"));
        assertEquals(local, ModelCache.resolve("EleutherAI/pythia-70m", docs, List.of(), null, hub()));
    }

    @Test
    void anIdNotInTheCacheIsMissingWithWhereItLookedAndTheDownloadCommand() {
        Path docs = tmp.resolve("docs");
        ModelCache.ModelProblem p = assertThrows(ModelCache.ModelProblem.class,
                () -> ModelCache.resolve("EleutherAI/pythia-70m", docs, List.of(), null, hub()));
        assertEquals(ModelCache.ModelProblem.Kind.MISSING, p.kind());
        String m = p.getMessage();
        assertTrue(m.contains("not found") && m.contains(docs.resolve("EleutherAI/pythia-70m").toString())
                && m.contains(tmp.resolve("hub/models--EleutherAI--pythia-70m").toString())
                && m.contains("hf download EleutherAI/pythia-70m") && !m.contains("\n"), m);
        // A name that is no id keeps the plain message.
        m = assertThrows(ModelCache.ModelProblem.class, () -> ModelCache.resolve("no/such/dir", docs, List.of(), null, hub())).getMessage();
        assertTrue(m.contains("not found") && !m.contains("Hugging Face"), m);
    }

    @Test
    void theStampChangesWhenAnyShardChanges() throws IOException {
        Path dir = tmp.resolve("m");
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) t.put("w" + i, Tensor.of(new float[] {i, i + 1}, 2));
        SafeTensorsWriter.writeSharded(dir, t, null, "F32", 3);
        long before = ModelCache.stamp(dir);
        assertEquals(before, ModelCache.stamp(dir));
        t.put("w2", Tensor.of(new float[] {1, 2, 3}, 3)); // the last shard grows
        SafeTensorsWriter.write(dir.resolve("model-00003-of-00003.safetensors"), Map.of("w2", t.get("w2")), null);
        assertNotEquals(before, ModelCache.stamp(dir));
    }
}
