package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.circuitscope.engine.ModelCache;
import org.junit.jupiter.api.Test;

/** A prompt with no model in its front matter and no setting uses the jar's embedded attn-only-2l (the VS Code extension relies on it). */
class DefaultModelTest {
    @Test
    void noFrontMatterModelAndNoSettingResolvesToTheEmbeddedModel() throws Exception {
        Path dir = ModelCache.resolve(null, null, List.of(), null);
        Path shipped = Path.of(System.getProperty("user.dir")).resolve("../samples/models/attn-only-2l").normalize();
        assertTrue(Files.isRegularFile(dir.resolve("config.json")), "no config.json in the resolved default model " + dir);
        assertArrayEquals(Files.readAllBytes(shipped.resolve("model.safetensors")), Files.readAllBytes(dir.resolve("model.safetensors")),
                "the default model's weights differ from samples/models/attn-only-2l");
    }
}
