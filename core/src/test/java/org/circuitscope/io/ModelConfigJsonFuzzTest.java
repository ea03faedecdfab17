package org.circuitscope.io;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Any bytes as {@code config.json}, read as {@link ModelDirectory} reads it: a config, or an
 * IOException with a message; never another exception. The first byte picks the vocabulary
 * size the weights would give (none, or 257). Corpus: {@code ModelConfigJsonFuzzTestInputs/anyConfig}.
 */
class ModelConfigJsonFuzzTest {
    private static Path file;

    @BeforeAll
    static void createFile() throws IOException {
        file = Files.createTempFile("fuzz", ".json");
    }

    @AfterAll
    static void deleteFile() throws IOException {
        Files.deleteIfExists(file);
    }

    @FuzzTest(maxDuration = "5s")
    void anyConfig(byte[] bytes) throws IOException {
        Files.write(file, bytes);
        int vocabFromWeights = bytes.length > 0 && (bytes[0] & 1) == 1 ? 257 : -1;
        try {
            JsonObject json = ModelConfigJson.readObject(file);
            if (ModelConfigJson.isHuggingFaceGpt2(json)) ModelConfigJson.fromHuggingFaceGpt2(json, "fuzz", file);
            else ModelConfigJson.fromTransformerLens(json, "fuzz", vocabFromWeights, file);
        } catch (IOException e) {
            assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "an IOException without a message");
        }
    }
}
