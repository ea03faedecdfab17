package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.circuitscope.engine.Settings;
import org.circuitscope.io.EmbeddedModel;
import org.circuitscope.lsp.protocol.CommandIds;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.junit.jupiter.api.Test;

/** With no model chosen anywhere, prompts are analysed with the embedded attn-only-2l and its known heads show. */
class LspDefaultModelTest {
    @Test
    void aPromptWithNoModelUsesTheEmbeddedDefaultWithItsPreviousTokenAndInductionHeads() throws Exception {
        assertTrue(EmbeddedModel.available(), "the server's class path carries the default model");
        assertNull(Settings.defaults().defaultModel(), "no default model set in this environment (CIRCUITSCOPE_MODEL)");
        try (LspFixture f = new LspFixture(new JsonObject(), List.of("utf-16"))) {
            String uri = f.open("The cat sat on the mat. The cat sat on the mat.");
            JsonObject arg = new JsonObject();
            arg.addProperty("uri", uri);
            Object r = f.remote.getWorkspaceService().executeCommand(new ExecuteCommandParams(CommandIds.DETECT_HEADS, List.of(arg)))
                    .get(60, TimeUnit.SECONDS);
            JsonObject o = new com.google.gson.Gson().toJsonTree(r).getAsJsonObject();
            assertEquals(EmbeddedModel.DEFAULT, o.get("model").getAsString());
            for (JsonElement e : o.getAsJsonArray("heads")) {
                JsonObject h = e.getAsJsonObject();
                if (h.get("layer").getAsInt() == 1) {
                    assertTrue(h.get("induction_repeated_random").getAsDouble() > 0.5, h.get("label") + " is an induction head: " + h);
                }
                if (h.get("label").getAsString().equals("L0H1")) {
                    assertTrue(h.get("previous_token").getAsDouble() > 0.5, "L0H1 is a previous-token head: " + h);
                }
            }
            assertTrue(f.diagnostics(uri, 1).getDiagnostics().isEmpty(), "no diagnostics for a prompt on the default model");
        }
    }
}
