package org.circuitscope.intellij.commands;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Collection;

/**
 * The JSON argument of each server command, as vscode-extension/src/commands.ts sends it, and its wrapping for
 * {@code circuitscope.show}, which opens the command's page in the viewer. Bad values are refused here, before the
 * server sees them.
 */
public final class CommandArguments {
    public static final String SHOW = "circuitscope.show";

    private CommandArguments() {}

    /** {@code {uri}}. */
    public static JsonObject document(String uri) {
        if (uri == null || uri.isBlank()) throw new IllegalArgumentException("a command needs the prompt's URI");
        JsonObject o = new JsonObject();
        o.addProperty("uri", uri);
        return o;
    }

    /** {@code {uri, layer, head}}: one head (inspectHead, attentionPattern). */
    public static JsonObject head(String uri, HeadRow head) {
        JsonObject o = layer(uri, head.layer());
        o.addProperty("head", nonNegative(head.head(), "head"));
        return o;
    }

    /** {@code {uri, layer}}: every head of a layer (attentionPattern). */
    public static JsonObject layer(String uri, int layer) {
        JsonObject o = document(uri);
        o.addProperty("layer", nonNegative(layer, "layer"));
        return o;
    }

    /** {@code {uri, position: {line, character}}}: the token at the cursor; attribute adds {@code method: "direct"}. */
    public static JsonObject atPosition(PaletteCommand command, String uri, int line, int character) {
        JsonObject o = document(uri);
        JsonObject p = new JsonObject();
        p.addProperty("line", nonNegative(line, "line"));
        p.addProperty("character", nonNegative(character, "character"));
        o.add("position", p);
        if (command == PaletteCommand.ATTRIBUTE) o.addProperty("method", "direct");
        return o;
    }

    /** {@code {uri, heads: ["L0H1", ...], mean}}. */
    public static JsonObject ablate(String uri, Collection<HeadRow> heads, boolean mean) {
        if (heads.isEmpty()) throw new IllegalArgumentException("choose at least one head to ablate");
        JsonObject o = document(uri);
        JsonArray a = new JsonArray();
        heads.forEach(h -> a.add(h.label()));
        o.add("heads", a);
        o.addProperty("mean", mean);
        return o;
    }

    /** {@code circuitscope.show}'s argument: the command's arguments and {@code view}, the command whose page opens. */
    public static JsonObject show(String serverCommand, JsonObject args) {
        if (serverCommand == null) throw new IllegalArgumentException("this command has no page");
        JsonObject o = args.deepCopy();
        o.addProperty("view", serverCommand);
        return o;
    }

    private static int nonNegative(int v, String what) {
        if (v < 0) throw new IllegalArgumentException(what + " must be 0 or more; got " + v);
        return v;
    }
}
