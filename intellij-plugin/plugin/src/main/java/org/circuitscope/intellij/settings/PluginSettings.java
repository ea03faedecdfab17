package org.circuitscope.intellij.settings;

import com.google.gson.JsonObject;
import java.util.List;

/**
 * The settings as values, checked. Ranges and defaults are those of vscode-extension/package.json
 * ("contributes.configuration") and the server's Settings.
 *
 * @param defaultModel   model directory for prompts whose front matter names none; blank: the server's embedded model
 * @param annotationMode inlay hints: off, surprisal, top-head, top-source or top-feature
 * @param topK           predictions in a hover card, 1..100
 * @param memoryBudgetMb activations kept per document, at least 16 MiB
 * @param viewerEnabled  whether the server's loopback viewer (the pictures) may run
 * @param javaHome       folder of the Java 25 that runs the server; blank: JAVA_HOME, then PATH. Used by the plugin only.
 */
public record PluginSettings(String defaultModel, String annotationMode, int topK, int memoryBudgetMb, boolean viewerEnabled, String javaHome) {
    public static final List<String> ANNOTATION_MODES = List.of("off", "surprisal", "top-head", "top-source", "top-feature");

    public PluginSettings {
        defaultModel = defaultModel == null ? "" : defaultModel.trim();
        javaHome = javaHome == null ? "" : javaHome.trim();
        if (!ANNOTATION_MODES.contains(annotationMode)) {
            throw new IllegalArgumentException("annotation mode must be one of " + String.join(", ", ANNOTATION_MODES) + "; got '" + annotationMode + "'");
        }
        if (topK < 1 || topK > 100) throw new IllegalArgumentException("top-k must be 1 to 100; got " + topK);
        if (memoryBudgetMb < 16) throw new IllegalArgumentException("the memory budget must be at least 16 MiB; got " + memoryBudgetMb);
    }

    public static PluginSettings defaults() {
        return new PluginSettings("", "surprisal", 5, 256, true, "");
    }

    /**
     * The server's initializationOptions: {@code {"circuitscope": {...}}} as CircuitscopeServer reads them. An empty
     * default model is left out (the server then uses its own default). No {@code pictures} key: only a client that
     * draws webviews says "webview"; without it the server links hovers and lenses to its viewer, which this plugin shows.
     */
    public JsonObject initializationOptions() {
        JsonObject s = new JsonObject();
        if (!defaultModel.isEmpty()) s.addProperty("defaultModel", defaultModel);
        s.addProperty("annotationMode", annotationMode);
        s.addProperty("topK", topK);
        s.addProperty("memoryBudgetMb", memoryBudgetMb);
        JsonObject viewer = new JsonObject();
        viewer.addProperty("enabled", viewerEnabled);
        s.add("viewer", viewer);
        JsonObject out = new JsonObject();
        out.add("circuitscope", s);
        return out;
    }
}
