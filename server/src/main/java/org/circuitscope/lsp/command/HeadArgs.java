package org.circuitscope.lsp.command;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.circuitscope.circuits.HeadIndex;
import org.circuitscope.lsp.protocol.Params;
import org.circuitscope.lsp.protocol.Snippet;
import org.circuitscope.model.ModelConfig;

/** Heads named in command arguments, each checked against the model (an unknown head is InvalidParams naming the valid range). */
final class HeadArgs {
    private HeadArgs() {}

    /** {@code layer} and {@code head} fields of the argument. */
    static HeadIndex of(JsonObject o, ModelConfig c, String command) {
        int l = Params.integer(o, "layer", command), h = Params.integer(o, "head", command);
        check(c, l, h, command);
        return new HeadIndex(l, h);
    }

    static void check(ModelConfig c, int l, int h, String command) {
        if (l < 0 || l >= c.nLayers() || h < 0 || h >= c.nHeads()) {
            throw Params.invalid(command + ": head " + ModelConfig.headLabel(l, h) + " does not exist; " + c.modelName() + " has "
                    + c.nLayers() + " layers (0.." + (c.nLayers() - 1) + ") × " + c.nHeads() + " heads (0.." + (c.nHeads() - 1) + ")");
        }
    }

    /** Heads as ["L0H1", "0.1", {"layer": 0, "head": 1}, ...]. */
    static List<HeadIndex> list(JsonElement e, ModelConfig c, String command) {
        if (e == null || !e.isJsonArray() || e.getAsJsonArray().isEmpty()) {
            throw Params.invalid(command + ": 'heads' must be a non-empty array of heads, e.g. [\"L0H1\", {\"layer\": 1, \"head\": 0}]");
        }
        LinkedHashSet<HeadIndex> out = new LinkedHashSet<>();
        JsonArray a = e.getAsJsonArray();
        for (JsonElement h : a) {
            if (h.isJsonObject()) {
                out.add(of(h.getAsJsonObject(), c, command));
            } else if (h.isJsonPrimitive() && h.getAsJsonPrimitive().isString()) {
                if (h.getAsString().length() > Snippet.MAX) throw Params.invalid(command + ": " + Snippet.of(h.getAsString()) + " is not a head; write L1H6 or 1.6");
                try {
                    out.add(HeadIndex.parse(h.getAsString(), c));
                } catch (IllegalArgumentException x) {
                    throw Params.invalid(command + ": " + x.getMessage());
                }
            } else {
                throw Params.invalid(command + ": " + Snippet.of(h.toString()) + " is not a head; write L1H6, 1.6 or {\"layer\": 1, \"head\": 6}");
            }
        }
        return new ArrayList<>(out);
    }
}
