package org.circuitscope.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed fields of a parsed config.json. Each fault is an {@link IllegalArgumentException}
 * whose message names the field and quotes at most a few dozen characters of its value; the
 * caller adds the file. A field given as {@code null} counts as absent, as in Python.
 */
record ConfigFields(JsonObject json) {
    /** Longer literals cannot be an int (strict JSON has no leading zeros) and are not parsed at all. */
    private static final int MAX_LITERAL = 64;

    boolean has(String k) {
        return json.has(k) && !json.get(k).isJsonNull();
    }

    /** The fields of {@code required} that are absent, in the order given. */
    List<String> absent(String... required) {
        List<String> out = new ArrayList<>();
        for (String k : required) if (!has(k)) out.add(k);
        return out;
    }

    int integer(String k, int dflt) {
        if (!has(k)) return dflt;
        JsonElement e = json.get(k);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw wrongType(k, "an integer", e);
        String literal = e.getAsString();
        boolean negative = literal.startsWith("-");
        BigDecimal v = literal.length() <= MAX_LITERAL ? new BigDecimal(literal) : null;
        if (v != null && v.signum() != 0 && v.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException(k + " must be an integer, got " + quote(literal));
        }
        if (v == null || v.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0 || v.compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) < 0) {
            throw new IllegalArgumentException(k + " " + quote(literal) + " is out of range: the "
                    + (negative ? "smallest allowed is " + Integer.MIN_VALUE : "largest allowed is " + Integer.MAX_VALUE));
        }
        return v.intValueExact();
    }

    double number(String k, double dflt) {
        if (!has(k)) return dflt;
        JsonElement e = json.get(k);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw wrongType(k, "a number", e);
        return e.getAsDouble();
    }

    String string(String k, String dflt) {
        if (!has(k)) return dflt;
        JsonElement e = json.get(k);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) throw wrongType(k, "a string", e);
        return e.getAsString();
    }

    boolean bool(String k, boolean dflt) {
        if (!has(k)) return dflt;
        JsonElement e = json.get(k);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) throw wrongType(k, "true or false", e);
        return e.getAsBoolean();
    }

    private static IllegalArgumentException wrongType(String k, String want, JsonElement got) {
        String what = got.isJsonObject() ? "an object" : got.isJsonArray() ? "an array" : quote(got.toString());
        return new IllegalArgumentException(k + " must be " + want + ", got " + what);
    }

    private static String quote(String s) { return Excerpt.of(s); }
}
