package org.circuitscope.lsp.viewer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * The viewer's part of the {@code circuitscope} settings and initialization options.
 *
 * @param enabled         {@code viewer.enabled}: whether the loopback viewer may run (default true)
 * @param webviewPictures the client draws pictures in webviews ({@code "pictures": "webview"} in its
 *                        initialization options, as VS Code's extension says), so links stay {@code command:} URIs
 */
public record ViewerSettings(boolean enabled, boolean webviewPictures) {
    static final String SECTION = "circuitscope";

    public static ViewerSettings defaults() { return new ViewerSettings(true, false); }

    /**
     * These settings with the fields present in {@code json} replaced: at the top or in the
     * {@code circuitscope} section, {@code viewer} as an object ({@code {"viewer": {"enabled": false}}},
     * as VS Code nests dotted names) or a dotted key; a malformed value keeps the old one.
     */
    public ViewerSettings with(JsonElement json) {
        if (json == null || !json.isJsonObject()) return this;
        JsonObject top = json.getAsJsonObject();
        boolean on = enabled, webview = webviewPictures;
        for (JsonObject o : new JsonObject[] {top, section(top)}) {
            if (o == null) continue;
            Boolean e = flag(o.get("viewer.enabled"));
            if (o.get("viewer") instanceof JsonObject v && flag(v.get("enabled")) != null) e = flag(v.get("enabled"));
            if (e != null) on = e;
            JsonElement p = o.get("pictures");
            if (p != null && p.isJsonPrimitive() && p.getAsJsonPrimitive().isString()) webview = "webview".equals(p.getAsString());
        }
        return new ViewerSettings(on, webview);
    }

    private static JsonObject section(JsonObject top) {
        return top.get(SECTION) instanceof JsonObject s ? s : null;
    }

    private static Boolean flag(JsonElement e) {
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean() ? e.getAsBoolean() : null;
    }
}
