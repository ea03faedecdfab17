package org.circuitscope.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.circuitscope.model.RandomWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** config.json problems: one line naming the file, what is wrong in a user's words, little of the input. */
class ModelConfigJsonTest {
    @TempDir Path tmp;

    /** The config of {@link ModelDirectoryTest#gpt2Like()}, each case below changes one field. */
    private static final String CONFIG = """
            {"n_layers": 2, "d_model": 24, "n_heads": 3, "d_head": 8, "d_mlp": 96, "d_vocab": 33, "n_ctx": 16}""";

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

    @Test
    void anEmptyConfigNamesEveryMissingRequiredField() throws IOException {
        String m = loadWithConfig("{}");
        // d_vocab is not required: the embedding's row count gives it.
        assertTrue(m.contains("config.json has no n_layers, d_model, n_heads, n_ctx"), m);
        assertFalse(m.contains("got -1"), m);
    }

    @Test
    void aHuggingFaceConfigNamesItsOwnMissingFields() throws IOException {
        String m = loadWithConfig("{\"model_type\": \"gpt2\", \"n_layer\": 2}");
        assertTrue(m.contains("config.json has no n_embd, n_head, n_positions, vocab_size"), m);
        assertFalse(m.contains("got -1"), m);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "d_vocab|1000000000000|the largest allowed is 2147483647",
        "d_vocab|1e12|the largest allowed is 2147483647",
        "n_layers|-3000000000|the smallest allowed is -2147483648"})
    void anIntegerBeyondTheIntRangeIsOutOfRange(String field, String literal, String bound) throws IOException {
        String m = loadWithConfig(CONFIG.replaceFirst("\"" + field + "\": \\d+", "\"" + field + "\": " + literal));
        assertTrue(m.contains(field + " " + literal + " is out of range: " + bound), m);
    }

    @Test
    void aHugeNumberIsQuotedShort() throws IOException {
        // 61 digits: Gson reads numbers of a few dozen digits; much longer ones it calls malformed JSON.
        String m = loadWithConfig(CONFIG.replace("\"n_layers\": 2", "\"n_layers\": 1" + "0".repeat(60)));
        assertTrue(m.contains("n_layers 1000") && m.contains("is out of range"), m);
        assertFalse(m.contains("0".repeat(41)), "quotes at most 40 characters of the value: " + m);
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
