package org.circuitscope.view;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A token of an answer: its model position (null for a chosen target outside the prompt) and text.
 *
 * @param position model position, or null
 * @param text     the token's text as the tokenizer decodes it
 */
record Tok(Integer position, String text) {
    /** The token in field {@code key}. */
    static Tok of(JsonObject o, String key) { return from(Answer.get(o, key), key); }

    static Tok from(JsonElement e, String what) {
        JsonObject t = Answer.object(e, what);
        return new Tok(Answer.has(t, "position") ? Answer.integer(t, "position") : null, Answer.string(t, "text"));
    }

    /** The answer's {@code tokens} list. */
    static List<Tok> list(JsonObject o, String key) {
        List<Tok> out = new ArrayList<>();
        for (JsonElement e : Answer.array(o, key)) out.add(from(e, key + "[]"));
        return out;
    }

    /** The text as people read it in a label: edge spaces and line ends made visible. */
    String label() { return label(text); }

    static String label(String text) {
        String s = text.replace("\r", "\\r").replace("\n", "↵").replace("\t", "⇥");
        if (s.startsWith(" ")) s = "·" + s.substring(1);
        if (s.endsWith(" ")) s = s.substring(0, s.length() - 1) + "·";
        return s;
    }

    /** The text in double quotes, JSON-style, for tooltips and titles. */
    String quoted() { return quote(text); }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** At most {@code max} characters, the cut marked with an ellipsis. */
    static String clip(String s, int max) {
        return s.length() > max ? s.substring(0, max - 1) + "…" : s;
    }
}
