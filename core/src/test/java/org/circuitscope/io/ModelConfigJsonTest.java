package org.circuitscope.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.circuitscope.model.RandomWeights;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** config.json problems: one line naming the file, what is wrong in a user's words, little of the input. */
class ModelConfigJsonTest {
    @TempDir Path tmp;

    /** Loads a saved model whose config.json is replaced by {@code config}; returns the failure's message. */
    private String loadWithConfig(String config) throws IOException {
        Path dir = tmp.resolve("model");
        if (!Files.isDirectory(dir)) ModelDirectory.save(dir, RandomWeights.generate(ModelDirectoryTest.gpt2Like(), 1, 0.1), "F32");
        Files.writeString(dir.resolve(ModelDirectory.CONFIG), config);
        IOException e = assertThrows(IOException.class, () -> ModelDirectory.load(dir).close());
        String m = e.getMessage();
        assertTrue(m.contains(dir.resolve(ModelDirectory.CONFIG).toString()), "names the file: " + m);
        assertFalse(m.contains("\n"), "one line: " + m);
        assertFalse(m.contains("Exception") || m.contains("com.google") || m.contains("gson"), "no Java internals: " + m);
        return m;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`{\"n_layers\": 2, \"d_model\": 24, `|end of input at line 1 column 32",
        "`{\"n_layers\" 2}`|expected ':' at line 1 column 14",
        "`hello world`|unexpected character at line 1 column 1",
        "`{\"n_layers\": 2} trailing`|unexpected character at line 1 column 18",
        "`{\"d_model\": \"unterminated`|unterminated string at line 1 column 26"})
    void aConfigThatIsNotJsonGivesTheReasonAndPosition(String config, String reason) throws IOException {
        String m = loadWithConfig(config);
        assertTrue(m.contains("config.json is not valid JSON: ") && m.toLowerCase(java.util.Locale.ROOT).contains(reason), m);
    }
}
