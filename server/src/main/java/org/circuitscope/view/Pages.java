package org.circuitscope.view;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * Draws a command's answer as a page. {@code command} is the command id
 * ({@code circuitscope.attentionPattern}, ...), {@code args} what it was run with, {@code result}
 * its JSON answer exactly as the language server sends it.
 */
public final class Pages {
    private Pages() {}

    /** The commands that have a page. */
    public static boolean drawable(String command) {
        return command != null && command.startsWith("circuitscope.") && !command.equals("circuitscope.predict");
    }

    public static Page render(String command, JsonObject args, JsonElement result, PageOptions options) {
        // Placeholder until the renderer lands: the answer as text.
        return new Page(command, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + Html.escape(command)
                + "</title></head><body><pre>" + Html.escape(String.valueOf(result)) + "</pre></body></html>");
    }

    /** A page saying why there is no picture (the server's message, escaped). */
    public static Page error(String command, String message, PageOptions options) {
        return new Page(command, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + Html.escape(command)
                + "</title></head><body><p class=\"error\">" + Html.escape(message) + "</p></body></html>");
    }
}
