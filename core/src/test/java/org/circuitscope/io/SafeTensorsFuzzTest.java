package org.circuitscope.io;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Any bytes as {@code model.safetensors}: opened and every tensor read, or a
 * {@link SafeTensorsException} that says what is wrong; never another exception, an
 * OutOfMemoryError or a hang. Corpus: {@code SafeTensorsFuzzTestInputs/anyFile}.
 */
class SafeTensorsFuzzTest {
    private static Path file;

    @BeforeAll
    static void createFile() throws IOException {
        file = Files.createTempFile("fuzz", ".safetensors");
    }

    @AfterAll
    static void deleteFile() throws IOException {
        Files.deleteIfExists(file);
    }

    @FuzzTest(maxDuration = "5s")
    void anyFile(byte[] bytes) throws IOException {
        // Through a file, as a user's model arrives: open maps it, as in ModelDirectory.
        Files.write(file, bytes);
        try (SafeTensors st = SafeTensors.open(file)) {
            for (String name : st.names()) {
                try {
                    st.read(name).shape();
                } catch (SafeTensorsException e) {
                    assertUsable(e); // a dtype that is not read as floats
                }
            }
        } catch (SafeTensorsException e) {
            assertUsable(e);
        }
    }

    private static void assertUsable(SafeTensorsException e) {
        assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "an exception without a message");
    }
}
