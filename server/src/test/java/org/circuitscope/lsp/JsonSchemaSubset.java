package org.circuitscope.lsp;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON Schema validator for exactly the keywords the LSP4IJ template's
 * {@code settings.schema.json} uses: {@code type} (object, string, integer, number, boolean),
 * {@code enum}, {@code minimum}, {@code maximum}, {@code properties},
 * {@code additionalProperties: false}, and {@code default} (which must itself validate).
 * Any other keyword in the schema is an error, so the schema cannot drift past what is checked.
 */
final class JsonSchemaSubset {
    private static final Set<String> KEYWORDS = Set.of("$schema", "$id", "title", "description", "type", "enum", "minimum",
            "maximum", "default", "properties", "additionalProperties");

    private JsonSchemaSubset() {}

    /** What is wrong with {@code value} under {@code schema}, one line per problem with its JSON path; empty when it is valid. */
    static List<String> validate(JsonObject schema, JsonElement value) {
        List<String> errors = new ArrayList<>();
        check(schema, value, "$", errors);
        return errors;
    }

    private static void check(JsonObject schema, JsonElement value, String path, List<String> errors) {
        for (String k : schema.keySet()) {
            if (!KEYWORDS.contains(k)) errors.add(path + ": the schema uses '" + k + "', which this validator does not know");
        }
        if (schema.has("default")) {
            List<String> bad = new ArrayList<>();
            JsonObject withoutDefault = schema.deepCopy();
            withoutDefault.remove("default");
            check(withoutDefault, schema.get("default"), path + "(default)", bad);
            errors.addAll(bad);
        }
        if (schema.has("type") && !hasType(value, schema.get("type").getAsString())) {
            errors.add(path + ": expected " + schema.get("type").getAsString() + ", found " + value);
            return;
        }
        if (schema.get("enum") instanceof JsonArray allowed && !allowed.contains(value)) {
            errors.add(path + ": " + value + " is not one of " + allowed);
        }
        if (value instanceof JsonPrimitive p && p.isNumber()) {
            BigDecimal n = p.getAsBigDecimal();
            if (schema.has("minimum") && n.compareTo(schema.get("minimum").getAsBigDecimal()) < 0) {
                errors.add(path + ": " + n + " is below the minimum " + schema.get("minimum"));
            }
            if (schema.has("maximum") && n.compareTo(schema.get("maximum").getAsBigDecimal()) > 0) {
                errors.add(path + ": " + n + " is above the maximum " + schema.get("maximum"));
            }
        }
        if (value instanceof JsonObject o) {
            JsonObject props = schema.has("properties") ? schema.getAsJsonObject("properties") : new JsonObject();
            for (Map.Entry<String, JsonElement> e : o.entrySet()) {
                if (props.get(e.getKey()) instanceof JsonObject sub) {
                    check(sub, e.getValue(), path + "." + e.getKey(), errors);
                } else if (schema.has("additionalProperties") && !schema.get("additionalProperties").getAsBoolean()) {
                    errors.add(path + ": '" + e.getKey() + "' is not a known property (known: " + props.keySet() + ")");
                }
            }
        }
    }

    private static boolean hasType(JsonElement v, String type) {
        return switch (type) {
            case "object" -> v.isJsonObject();
            case "array" -> v.isJsonArray();
            case "string" -> v instanceof JsonPrimitive p && p.isString();
            case "boolean" -> v instanceof JsonPrimitive p && p.isBoolean();
            case "number" -> v instanceof JsonPrimitive p && p.isNumber();
            case "integer" -> v instanceof JsonPrimitive p && p.isNumber() && isWhole(p.getAsBigDecimal());
            default -> throw new IllegalArgumentException("the schema names the type '" + type + "', which this validator does not know");
        };
    }

    private static boolean isWhole(BigDecimal n) { return n.signum() == 0 || n.stripTrailingZeros().scale() <= 0; }
}
