package org.circuitscope.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.Weights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Model ids resolved in a Hugging Face cache laid out as huggingface_hub lays it out, with no network. */
class HubCacheTest {
    @TempDir Path tmp;

    static final String MAIN = FakeHubCache.commit("main"), STEP = FakeHubCache.commit("step1000");

    private HubCache cacheAt(Path root) {
        return HubCache.of(Map.of("HF_HUB_CACHE", root.toString()), tmp.resolve("home"));
    }

    private static Map<String, byte[]> files(String marker) {
        return Map.of("config.json", ("{\"marker\": \"" + marker + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anIdResolvesToTheSnapshotThatRefsMainNamesThroughItsLinksToBlobs() throws IOException {
        Path root = tmp.resolve("hub");
        FakeHubCache.add(root, "EleutherAI/pythia-70m", MAIN, files("main"), "main");
        Path snap = cacheAt(root).resolve("EleutherAI/pythia-70m");
        assertEquals(root.resolve("models--EleutherAI--pythia-70m/snapshots/" + MAIN), snap);
        assertTrue(Files.isSymbolicLink(snap.resolve("config.json")), "the cache's layout: a link into blobs/");
        assertEquals("{\"marker\": \"main\"}", Files.readString(snap.resolve("config.json")));
        assertEquals(Optional.of("EleutherAI/pythia-70m"), HubCache.modelId(snap));
        assertEquals(Optional.empty(), HubCache.modelId(tmp));
    }

    @Test
    void aRevisionIsARefOrACommit() throws IOException {
        Path root = tmp.resolve("hub");
        FakeHubCache.add(root, "EleutherAI/pythia-70m", MAIN, files("main"), "main");
        FakeHubCache.add(root, "EleutherAI/pythia-70m", STEP, files("step"), "step1000", "pr/3");
        HubCache hub = cacheAt(root);
        Path snapshots = root.resolve("models--EleutherAI--pythia-70m/snapshots");
        assertEquals(snapshots.resolve(STEP), hub.resolve("EleutherAI/pythia-70m@step1000"));
        assertEquals(snapshots.resolve(STEP), hub.resolve("EleutherAI/pythia-70m@pr/3"));
        assertEquals(snapshots.resolve(MAIN), hub.resolve("EleutherAI/pythia-70m@main"));
        // A commit hash needs no ref: huggingface_hub downloads by commit without writing one.
        assertEquals(snapshots.resolve(STEP), hub.resolve("EleutherAI/pythia-70m@" + STEP));
    }

    @Test
    void theCacheFolderFollowsHuggingFaceHubsPrecedence() {
        Path home = tmp.resolve("home");
        Map<String, String> all = Map.of("HF_HUB_CACHE", "/a/hub", "HUGGINGFACE_HUB_CACHE", "/b/hub", "HF_HOME", "/c", "XDG_CACHE_HOME", "/d");
        assertEquals(Path.of("/a/hub"), HubCache.of(all, home).root());
        assertEquals(Path.of("/b/hub"), HubCache.of(without(all, "HF_HUB_CACHE"), home).root());
        assertEquals(Path.of("/c/hub"), HubCache.of(without(all, "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"), home).root());
        assertEquals(Path.of("/d/huggingface/hub"), HubCache.of(Map.of("XDG_CACHE_HOME", "/d"), home).root());
        assertEquals(home.resolve(".cache/huggingface/hub"), HubCache.of(Map.of(), home).root());
        // An empty variable is unset; "~/" is the home folder.
        assertEquals(home.resolve("hf/hub"), HubCache.of(Map.of("HF_HUB_CACHE", "", "HF_HOME", "~/hf"), home).root());
    }

    private static Map<String, String> without(Map<String, String> m, String... keys) {
        Map<String, String> out = new java.util.HashMap<>(m);
        for (String k : keys) out.remove(k);
        return out;
    }

    @Test
    void aModelNotInTheCacheSaysWhereItLookedAndHowToFetchIt() {
        Path home = tmp.resolve("home");
        HubCache hub = HubCache.of(Map.of("HF_HOME", tmp.resolve("hf").toString()), home);
        IOException e = assertThrows(IOException.class, () -> hub.resolve("EleutherAI/pythia-70m"));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.contains(tmp.resolve("hf/hub/models--EleutherAI--pythia-70m").toString()), m);
        assertTrue(m.contains("hf download EleutherAI/pythia-70m") && m.contains("huggingface-cli download EleutherAI/pythia-70m"), m);
        assertTrue(m.contains("$HF_HOME/hub"), "says which setting chose the cache: " + m);
        m = assertThrows(IOException.class, () -> hub.resolve("EleutherAI/pythia-70m@step1000")).getMessage();
        assertTrue(m.contains("hf download EleutherAI/pythia-70m --revision step1000"), m);
    }

    @Test
    void aMissingRefOrSnapshotOrABadRefIsNamed() throws IOException {
        Path root = tmp.resolve("hub");
        Path snap = FakeHubCache.add(root, "org/m", MAIN, files("main"), "main");
        Path repoDir = root.resolve("models--org--m");
        HubCache hub = cacheAt(root);

        String m = assertThrows(IOException.class, () -> hub.resolve("org/m@v2")).getMessage();
        assertTrue(m.contains("no revision 'v2'") && m.contains(repoDir.resolve("refs/v2").toString()) && m.contains(MAIN)
                && m.contains("hf download org/m --revision v2"), m);

        Files.writeString(repoDir.resolve("refs/main"), STEP);
        m = assertThrows(IOException.class, () -> hub.resolve("org/m")).getMessage();
        assertTrue(m.contains(repoDir.resolve("snapshots/" + STEP) + " is missing") && m.contains("hf download org/m"), m);

        Files.writeString(repoDir.resolve("refs/main"), "not a hash\n");
        m = assertThrows(IOException.class, () -> hub.resolve("org/m")).getMessage();
        assertTrue(m.contains(repoDir.resolve("refs/main").toString()) && m.contains("'not a hash'"), m);

        Files.delete(repoDir.resolve("refs/main"));
        m = assertThrows(IOException.class, () -> hub.resolve("org/m")).getMessage();
        assertTrue(m.contains("no revision 'main'") && m.contains(snap.getFileName().toString()), "lists the snapshots there: " + m);
        assertEquals(snap, hub.resolve("org/m@" + MAIN), "a snapshot is still reachable by its commit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "a/b/c", "org/na--me", "../x/y", "org/..", "org/name@../../etc", "org/name@", "/abs/path",
            "org/name@a//b", "-org/name", "org/name@pr/../main"})
    void aMalformedIdIsRefusedAsOne(String id) {
        assertFalse(HubCache.isModelId(id), id);
        String m = assertThrows(IOException.class, () -> cacheAt(tmp).resolve(id)).getMessage();
        assertTrue(m.contains("is not a Hugging Face model id") && m.contains("org/name@revision"), m);
    }

    @ParameterizedTest
    @ValueSource(strings = {"EleutherAI/pythia-70m", "meta-llama/Llama-3.2-1B", "org/name@main", "org/name@pr/12", "a.b/c_d@v1.0"})
    void wellFormedIds(String id) {
        assertTrue(HubCache.isModelId(id), id);
    }

    /** A real cache snapshot, shards and all, behind links: the model loads and is named by its id, not its commit. */
    @Test
    void aShardedGpt2ModelLoadsFromTheCache() throws IOException {
        Weights w = ModelDirectoryTest.tiedGpt2Weights(7);
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve(ModelDirectory.CONFIG), ModelDirectoryTest.GPT2_CONFIG);
        SafeTensorsWriter.writeSharded(src, ModelDirectoryTest.huggingFaceGpt2(w), Map.of("format", "pt"), "F32", 2);
        Path root = tmp.resolve("hub");
        FakeHubCache.addDirectory(root, "openai-community/gpt2-tiny", MAIN, src, "main");

        Path snap = cacheAt(root).resolve("openai-community/gpt2-tiny");
        assertTrue(Files.isSymbolicLink(snap.resolve("model-00001-of-00002.safetensors")));
        try (LoadedModel m = ModelDirectory.load(snap)) {
            assertEquals("openai-community/gpt2-tiny", m.name());
            float[] want = new Transformer(w).forward(ModelDirectoryTest.TOKENS).data(), got = m.transformer().forward(ModelDirectoryTest.TOKENS).data();
            for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-5f, "logit " + i);
        }
    }
}
