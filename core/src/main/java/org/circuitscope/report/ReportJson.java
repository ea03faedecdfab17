package org.circuitscope.report;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonSerializer;
import java.util.function.BiConsumer;

/**
 * The one JSON form of every report, for the command line's {@code --json} and the server's
 * command results alike: field names are the records' component names (TransformerLens's
 * snake_case words), null fields are left out, NaN and infinities stay readable.
 */
public final class ReportJson {
    private static final Gson COMPACT = builder((t, o) -> {}).create();
    private static final Gson PRETTY = builder((t, o) -> {}).setPrettyPrinting().create();

    private ReportJson() {}

    public static JsonElement tree(Object report) { return COMPACT.toJsonTree(report); }

    /** The JSON tree with {@code decorate} adding fields to every token (the server adds its document range). */
    public static JsonElement tree(Object report, BiConsumer<TokenRef, JsonObject> decorate) {
        return builder(decorate).create().toJsonTree(report);
    }

    private static GsonBuilder builder(BiConsumer<TokenRef, JsonObject> decorate) {
        JsonSerializer<TokenRef> token = (t, type, ctx) -> {
            JsonObject o = new JsonObject();
            if (t.position() != null) o.addProperty("position", t.position());
            o.addProperty("id", t.id());
            o.addProperty("text", t.text());
            decorate.accept(t, o);
            return o;
        };
        return new GsonBuilder().serializeSpecialFloatingPointValues().registerTypeAdapter(TokenRef.class, token);
    }

    public static String pretty(Object report) { return PRETTY.toJson(report); }
}
