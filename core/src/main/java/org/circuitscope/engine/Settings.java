package org.circuitscope.engine;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * The {@code circuitscope} settings section, from {@code workspace/configuration},
 * {@code didChangeConfiguration} or the initialization options. A missing or malformed field
 * keeps its default.
 *
 * @param defaultModel   model directory used when a prompt's front matter names none (null: none)
 * @param annotationMode inlay hints shown unless the front matter says otherwise
 * @param topK           predictions listed in hovers and offered as completions
 * @param memoryBudgetMb activations kept per document before derived ones are dropped and recomputed on demand
 * @param backend        forward-pass backend, "simd" or "djl" (a prompt's front matter {@code backend:} wins; default {@code CIRCUITSCOPE_BACKEND}, else simd)
 */
public record Settings(String defaultModel, AnnotationMode annotationMode, int topK, int memoryBudgetMb, String backend) {
    public static final String SECTION = "circuitscope";
    /** The Vector API backend in core. */
    public static final String SIMD = "simd";

    public static Settings defaults() {
        return new Settings(System.getProperty("circuitscope.defaultModel", System.getenv("CIRCUITSCOPE_MODEL")),
                AnnotationMode.SURPRISAL, 5, 256, Backends.defaultName());
    }

    public long memoryBudgetBytes() { return memoryBudgetMb * 1024L * 1024L; }

    /** These settings with the fields present in {@code json} (the section itself, or an object holding it) replaced. */
    public Settings with(JsonElement json) {
        if (json == null || !json.isJsonObject()) return this;
        JsonObject o = json.getAsJsonObject();
        if (o.has(SECTION) && o.get(SECTION).isJsonObject()) o = o.getAsJsonObject(SECTION);
        String model = str(o, "defaultModel", defaultModel);
        AnnotationMode mode = AnnotationMode.parse(str(o, "annotationMode", null));
        return new Settings(model == null || model.isBlank() ? null : model,
                mode == null ? annotationMode : mode,
                Math.max(1, Math.min(100, num(o, "topK", topK))),
                Math.max(16, num(o, "memoryBudgetMb", memoryBudgetMb)),
                Backends.normalise(str(o, "backend", backend)));
    }

    private static String str(JsonObject o, String k, String def) {
        JsonElement e = o.get(k);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : def;
    }

    private static int num(JsonObject o, String k, int def) {
        JsonElement e = o.get(k);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() ? e.getAsInt() : def;
    }
}
