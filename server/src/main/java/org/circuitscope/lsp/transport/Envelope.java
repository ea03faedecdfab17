package org.circuitscope.lsp.transport;

import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * What the transport needs of a message before LSP4J reads it: whether it is JSON as the spec
 * writes it (strict: Gson's leniency would take {@code {"a": xyz}} for a string), and its
 * top-level id, method and kind of params; for a batch, each member's. Read in one streaming
 * pass that keeps no tree: a 100 MB {@code didOpen} is not copied again for the check.
 *
 * @param kind       the top-level value's first token (BEGIN_OBJECT for a message, BEGIN_ARRAY for a batch)
 * @param id         the id when it is a string or a number, else null
 * @param hasId      whether an id is there at all, of any type
 * @param method     the method when it is a string, else null
 * @param paramsKind the first token of params, null when there are none
 * @param members    a batch's members (messages with their id and method), empty otherwise
 */
record Envelope(JsonToken kind, JsonPrimitive id, boolean hasId, String method, JsonToken paramsKind, boolean hasResult,
                List<Envelope> members) {

    /** A request: a method and an id. */
    boolean request() { return method != null && hasId; }

    /** Reads {@code text}; throws {@link IOException} or a runtime exception when it is not one whole JSON value. */
    static Envelope read(String text) throws IOException {
        JsonReader r = new JsonReader(new StringReader(text));
        r.setStrictness(Strictness.STRICT);
        Envelope e = value(r, true);
        if (r.peek() != JsonToken.END_DOCUMENT) throw new IOException("text after the JSON value");
        return e;
    }

    /** Whether {@code text} is one whole JSON value. */
    static boolean whole(String text) {
        try {
            read(text);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static Envelope value(JsonReader r, boolean top) throws IOException {
        JsonToken kind = r.peek();
        if (kind == JsonToken.BEGIN_OBJECT) return message(r);
        List<Envelope> members = new ArrayList<>();
        if (kind == JsonToken.BEGIN_ARRAY && top) {
            r.beginArray();
            while (r.hasNext()) members.add(value(r, false));
            r.endArray();
        } else {
            r.skipValue();
        }
        return new Envelope(kind, null, false, null, null, false, members);
    }

    private static Envelope message(JsonReader r) throws IOException {
        JsonPrimitive id = null;
        boolean hasId = false, hasResult = false;
        String method = null;
        JsonToken params = null;
        r.beginObject();
        while (r.hasNext()) {
            switch (r.nextName()) {
                case "id" -> {
                    hasId = r.peek() != JsonToken.NULL;
                    if (r.peek() == JsonToken.STRING) id = new JsonPrimitive(r.nextString());
                    else if (r.peek() == JsonToken.NUMBER) id = new JsonPrimitive(new BigDecimal(r.nextString()));
                    else r.skipValue();
                }
                case "method" -> {
                    if (r.peek() == JsonToken.STRING) method = r.nextString();
                    else r.skipValue();
                }
                case "params" -> {
                    params = r.peek();
                    r.skipValue();
                }
                case "result", "error" -> {
                    hasResult = true;
                    r.skipValue();
                }
                default -> r.skipValue();
            }
        }
        r.endObject();
        return new Envelope(JsonToken.BEGIN_OBJECT, id, hasId, method, params, hasResult, List.of());
    }
}
