package org.circuitscope.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Damaged model directories: each load fails with one line naming the file and saying what is wrong. */
class ModelFileProblemsTest {
    @TempDir Path tmp;

    private Path savedModel() throws IOException {
        Path dir = tmp.resolve("model");
        ModelDirectory.save(dir, RandomWeights.generate(ModelDirectoryTest.gpt2Like(), 1, 0.1), "F32");
        return dir;
    }

    private static String loadFailure(Path dir) {
        IOException e = assertThrows(IOException.class, () -> assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try (LoadedModel m = ModelDirectory.load(dir)) {
                return m;
            }
        }));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        return m;
    }

    @Test
    void weightStoredAsI32IsRefusedNamingFileTensorAndDtype() throws IOException {
        Path dir = savedModel();
        Path file = dir.resolve(ModelDirectory.WEIGHTS);
        // I32 has F32's element size, so relabelling one tensor keeps every offset valid: only the dtype is wrong.
        String bytes = Files.readString(file, StandardCharsets.ISO_8859_1);
        String relabelled = bytes.replaceFirst("(\"blocks\\.0\\.attn\\.W_Q\":\\{\"dtype\":\")F32", "$1I32");
        assertEquals(bytes.length(), relabelled.length());
        assertFalse(bytes.equals(relabelled), "the writer's header should name blocks.0.attn.W_Q as F32");
        Files.writeString(file, relabelled, StandardCharsets.ISO_8859_1);

        String m = loadFailure(dir);
        assertTrue(m.contains(file.toString()) && m.contains("'blocks.0.attn.W_Q'") && m.contains("I32")
                && m.contains("F32, F16 or BF16"), m);
    }

    @Test
    void weightStoredAsI64IsRefusedNamingFileTensorAndDtype() throws IOException {
        Weights w = RandomWeights.generate(ModelDirectoryTest.gpt2Like(), 1, 0.1);
        Path dir = Files.createDirectories(tmp.resolve("i64"));
        ModelConfigJson.write(dir.resolve(ModelDirectory.CONFIG), w.config());
        Map<String, Tensor> floats = new LinkedHashMap<>(w.asMap());
        floats.remove("unembed.b_U");
        // The right shape, [d_vocab], so only the dtype is wrong.
        Map<String, int[]> ints = Map.of("unembed.b_U", new int[w.config().dVocab()]);
        Path file = dir.resolve(ModelDirectory.WEIGHTS);
        SafeTensorsWriter.write(file, floats, Map.of(), "F32", ints);

        String m = loadFailure(dir);
        assertTrue(m.contains(file.toString()) && m.contains("'unembed.b_U'") && m.contains("I64")
                && m.contains("F32, F16 or BF16"), m);
    }

    @ParameterizedTest
    @ValueSource(strings = {ModelDirectory.WEIGHTS, ModelDirectory.CONFIG})
    void aDirectoryInPlaceOfAModelFileIsCalledADirectory(String name) throws IOException {
        Path dir = savedModel();
        Files.delete(dir.resolve(name));
        Files.createDirectory(dir.resolve(name));
        String m = loadFailure(dir);
        assertTrue(m.contains(dir.resolve(name) + " is a directory"), m);
        assertFalse(m.contains("missing") || m.contains("no such file"), m);
    }

    @ParameterizedTest
    @ValueSource(strings = {ModelDirectory.WEIGHTS, ModelDirectory.CONFIG})
    void aNamedPipeInPlaceOfAModelFileIsRefusedWithoutBlocking(String name) throws Exception {
        Path dir = savedModel();
        Path fifo = dir.resolve(name);
        Files.delete(fifo);
        assumeTrue(mkfifo(fifo), "mkfifo is not available here");
        String m = loadFailure(dir); // opening a pipe for reading would block until a writer comes
        assertTrue(m.contains(fifo + " is not a regular file"), m);
        assertFalse(m.contains("missing") || m.contains("no such file"), m);
    }

    @ParameterizedTest
    @ValueSource(strings = {ModelDirectory.WEIGHTS, ModelDirectory.CONFIG})
    void aSymbolicLinkLoopInPlaceOfAModelFileIsCalledALoop(String name) throws IOException {
        Path dir = savedModel();
        Path link = dir.resolve(name);
        Files.delete(link);
        Files.createSymbolicLink(dir.resolve("other"), link);
        Files.createSymbolicLink(link, dir.resolve("other"));
        String m = loadFailure(dir);
        assertTrue(m.contains(link + " is a symbolic link loop"), m);
        assertFalse(m.contains("missing") || m.contains("no such file"), m);
    }

    @Test
    void anAbsentModelFileIsStillCalledMissing() throws IOException {
        Path dir = savedModel();
        Files.delete(dir.resolve(ModelDirectory.WEIGHTS));
        assertTrue(loadFailure(dir).contains(dir.resolve(ModelDirectory.WEIGHTS) + ": missing"));
    }

    private static boolean mkfifo(Path p) throws InterruptedException {
        try {
            Process proc = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
            return proc.waitFor(10, TimeUnit.SECONDS) && proc.exitValue() == 0 && Files.exists(p);
        } catch (IOException e) {
            return false;
        }
    }
}
