package org.circuitscope.engine;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

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
 * @param saes           sparse-autoencoder folders used when a prompt's front matter names none: each an SAE
 *                       folder or a folder of them (absolute, or relative to a workspace root)
 * @param scanDir        corpus scan directory used when a prompt's front matter names none (null: none)
 */
public record Settings(String defaultModel, AnnotationMode annotationMode, int topK, int memoryBudgetMb, String backend, List<String> saes,
                       String scanDir) {

    public Settings {
        saes = saes == null ? List.of() : List.copyOf(saes);
        if (scanDir != null && scanDir.isBlank()) scanDir = null;
    }

    public Settings(String defaultModel, AnnotationMode annotationMode, int topK, int memoryBudgetMb, String backend, List<String> saes) {
        this(defaultModel, annotationMode, topK, memoryBudgetMb, backend, saes, null);
    }

    public Settings(String defaultModel, AnnotationMode annotationMode, int topK, int memoryBudgetMb, String backend) {
        this(defaultModel, annotationMode, topK, memoryBudgetMb, backend, List.of(), null);
    }

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
                backend(str(o, "backend", null)), strings(o, "saes", saes), blankToNull(str(o, "scanDir", scanDir)));
    }

    /** A backend named in the settings; blank (a client's empty default) is the default backend, absent keeps this one. */
    private String backend(String named) {
        if (named == null) return backend;
        return named.isBlank() ? Backends.defaultName() : Backends.normalise(named);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** A list of strings (a single string counts as a list of one); anything else keeps {@code def}. */
    private static List<String> strings(JsonObject o, String k, List<String> def) {
        JsonElement e = o.get(k);
        if (e == null) return def;
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) return e.getAsString().isBlank() ? List.of() : List.of(e.getAsString());
        if (!e.isJsonArray()) return def;
        List<String> out = new ArrayList<>();
        for (JsonElement x : e.getAsJsonArray()) {
            if (x.isJsonPrimitive() && x.getAsJsonPrimitive().isString() && !x.getAsString().isBlank()) out.add(x.getAsString());
        }
        return out;
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
