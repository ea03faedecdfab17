package org.circuitscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.circuitscope.io.HubCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --model} takes a folder, or a Hugging Face id already in the local cache. */
class ModelOptionsTest {
    @TempDir Path tmp;

    @Test
    void anIdThatIsNoPathIsTheCachedSnapshotAndAPathStaysAPath() throws IOException {
        String commit = "0123456789abcdef0123456789abcdef01234567";
        Path repo = tmp.resolve("hub/models--EleutherAI--pythia-70m");
        Path snap = Files.createDirectories(repo.resolve("snapshots/" + commit));
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), commit);
        HubCache hub = HubCache.of(Map.of("HF_HUB_CACHE", tmp.resolve("hub").toString()), tmp);

        assertEquals(snap, ModelOptions.directory(Path.of("EleutherAI/pythia-70m"), hub));
        assertEquals(tmp, ModelOptions.directory(tmp, hub));
        Path notAnId = tmp.resolve("no/such/dir");
        assertEquals(notAnId, ModelOptions.directory(notAnId, hub), "the loader says what is wrong with a path");

        String m = assertThrows(IOException.class, () -> ModelOptions.directory(Path.of("EleutherAI/pythia-160m"), hub)).getMessage();
        assertTrue(m.startsWith("EleutherAI/pythia-160m: no such model directory") && m.contains("hf download EleutherAI/pythia-160m")
                && m.contains(tmp.resolve("hub/models--EleutherAI--pythia-160m").toString()), m);
    }
}
