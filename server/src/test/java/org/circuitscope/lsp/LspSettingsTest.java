package org.circuitscope.lsp;

import static org.circuitscope.lsp.PromptAssert.inlays;
import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.circuitscope.engine.AnnotationMode;
import org.circuitscope.engine.Settings;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings pulled with workspace/configuration after didChangeConfiguration take effect. */
class LspSettingsTest {
    @TempDir Path tmp;

    @Test
    void changedAnnotationModeIsPulledAndUsed() throws Exception {
        Path model = TestModels.write(tmp, "s", 1, true, 64, 4);
        try (LspFixture f = new LspFixture(LspFixture.settingsWithModel(model), List.of())) {
            assertEquals(3, inlays(f, "abc").size(), "surprisal hints by default");
            JsonObject s = LspFixture.settingsWithModel(model);
            s.addProperty("annotationMode", "off");
            f.client.configuration = s;
            f.remote.getWorkspaceService().didChangeConfiguration(new DidChangeConfigurationParams(new JsonObject()));
            long end = System.nanoTime() + 10_000_000_000L;
            while (f.server.promptWorkspace().settings().annotationMode() != AnnotationMode.OFF && System.nanoTime() < end) Thread.sleep(10);
            assertEquals(List.of(), inlays(f, "abc"), "no hints once the setting is off");
        }
    }

    @Test
    void aBackendThisBuildLacksIsADiagnosticNotSilence() throws Exception {
        Path model = TestModels.write(tmp, "b", 1, true, 64, 4);
        JsonObject settings = LspFixture.settingsWithModel(model);
        settings.addProperty("backend", "djl");
        try (LspFixture f = new LspFixture(settings, List.of())) {
            String uri = f.open("abc");
            var d = f.diagnostics(uri, 1).getDiagnostics();
            assertTrue(d.stream().anyMatch(x -> "backend-not-installed".equals(x.getCode().getLeft()) && x.getMessage().contains("'djl'")), d.toString());
            assertFalse(inlays(f, "abc").isEmpty(), "the prompt is still analysed, on the SIMD backend");
        }
        try (LspFixture f = new LspFixture(LspFixture.settingsWithModel(model), List.of())) {
            String uri = f.open("abc");
            assertTrue(f.diagnostics(uri, 1).getDiagnostics().isEmpty(), "no diagnostic on the default backend");
        }
    }
}
