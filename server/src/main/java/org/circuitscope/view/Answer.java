package org.circuitscope.view;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a command's JSON answer for drawing. A field that is missing or of the wrong kind throws
 * {@link BadAnswer} naming it, so that a page says what was wrong instead of drawing half a picture.
 */
final class Answer {
    private Answer() {}

    /** An answer that cannot be drawn; the message names the field. */
    static final class BadAnswer extends IllegalArgumentException {
        BadAnswer(String message) { super(message); }
    }

    static JsonElement get(JsonObject o, String key) {
        JsonElement e = o == null ? null : o.get(key);
        if (e == null || e.isJsonNull()) throw new BadAnswer("the answer has no '" + key + "'");
        return e;
    }

    static boolean has(JsonObject o, String key) { return o != null && o.has(key) && !o.get(key).isJsonNull(); }

    static JsonObject object(JsonObject o, String key) { return object(get(o, key), key); }

    static JsonObject object(JsonElement e, String what) {
        if (!e.isJsonObject()) throw new BadAnswer("'" + what + "' should be an object, got " + kind(e));
        return e.getAsJsonObject();
    }

    static JsonArray array(JsonObject o, String key) { return array(get(o, key), key); }

    static JsonArray array(JsonElement e, String what) {
        if (!e.isJsonArray()) throw new BadAnswer("'" + what + "' should be a list, got " + kind(e));
        return e.getAsJsonArray();
    }

    /** The objects of a list field. */
    static List<JsonObject> objects(JsonObject o, String key) {
        List<JsonObject> out = new ArrayList<>();
        for (JsonElement e : array(o, key)) out.add(object(e, key + "[]"));
        return out;
    }

    static String string(JsonObject o, String key) {
        JsonElement e = get(o, key);
        if (!e.isJsonPrimitive()) throw new BadAnswer("'" + key + "' should be text, got " + kind(e));
        return e.getAsString();
    }

    static double number(JsonObject o, String key) { return number(get(o, key), key); }

    /** A number; NaN and the infinities come as JSON numbers or as their names. */
    static double number(JsonElement e, String what) {
        if (e instanceof JsonPrimitive p && (p.isNumber() || p.isString())) {
            try {
                return p.getAsDouble();
            } catch (NumberFormatException ex) {
                // falls through to the error below
            }
        }
        throw new BadAnswer("'" + what + "' should be a number, got " + kind(e));
    }

    static int integer(JsonObject o, String key) {
        double d = number(o, key);
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) throw new BadAnswer("'" + key + "' should be a whole number, got " + d);
        return (int) d;
    }

    /** An optional number: null when absent or null. */
    static Double optNumber(JsonObject o, String key) { return has(o, key) ? number(o, key) : null; }

    private static String kind(JsonElement e) {
        if (e == null || e.isJsonNull()) return "nothing";
        if (e.isJsonObject()) return "an object";
        if (e.isJsonArray()) return "a list";
        String s = e.getAsString();
        return s.length() > 40 ? "\"" + s.substring(0, 40) + "…\"" : "\"" + s + "\"";
    }
}
