package org.circuitscope.lsp.protocol;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.circuitscope.engine.TextPosition;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

/** Reads command arguments (one JSON object) and answers a malformed one with InvalidParams naming the field. */
public final class Params {
    private Params() {}

    public static ResponseErrorException invalid(String msg) {
        return new ResponseErrorException(new ResponseError(ResponseErrorCode.InvalidParams, msg, null));
    }

    public static ResponseErrorException failed(String msg) {
        return new ResponseErrorException(new ResponseError(ResponseErrorCode.RequestFailed, msg, null));
    }

    /** {@code value} itself: a request whose {@code field} is missing is InvalidParams naming it. */
    public static <T> T need(String method, String field, T value) {
        if (value == null) throw invalid(method + ": '" + field + "' is missing");
        return value;
    }

    public static JsonObject object(String command, JsonElement e) {
        if (e == null || !e.isJsonObject()) {
            throw invalid(command + " takes one JSON object argument, e.g. {\"uri\": \"file:///…/a.prompt\"}; got " + (e == null ? "nothing" : Snippet.of(e.toString())));
        }
        return e.getAsJsonObject();
    }

    public static String string(JsonObject o, String key, String command) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) throw invalid(command + ": '" + key + "' must be a string");
        return e.getAsString();
    }

    public static String optString(JsonObject o, String key, String command) {
        return o.has(key) && !o.get(key).isJsonNull() ? string(o, key, command) : null;
    }

    public static int integer(JsonObject o, String key, String command) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw invalid(command + ": '" + key + "' must be an integer");
        double d = e.getAsDouble();
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) throw invalid(command + ": '" + key + "' must be an integer, not " + Snippet.of(e.toString()));
        return (int) d;
    }

    public static boolean bool(JsonObject o, String key, boolean def, String command) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) return def;
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) throw invalid(command + ": '" + key + "' must be true or false");
        return e.getAsBoolean();
    }

    /** An LSP position {@code {"line": n, "character": n}}; null when absent. */
    public static TextPosition position(JsonObject o, String key, String command) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) return null;
        if (!e.isJsonObject()) throw invalid(command + ": '" + key + "' must be an LSP position {\"line\": n, \"character\": n}");
        JsonObject p = e.getAsJsonObject();
        int line = integer(p, "line", command + " " + key), ch = integer(p, "character", command + " " + key);
        if (line < 0 || ch < 0) throw invalid(command + ": '" + key + "' has a negative line or character");
        return new TextPosition(line, ch);
    }
}
