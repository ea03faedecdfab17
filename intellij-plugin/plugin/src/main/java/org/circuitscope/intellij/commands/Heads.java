package org.circuitscope.intellij.commands;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The model's heads by layer, read from the server's {@code circuitscope.detectHeads} answer (as vscode-extension/src/heads.ts). */
public final class Heads {
    /** A detector: its field in the answer and its name in the pickers. */
    public record Detector(String field, String title) {}

    public static final List<Detector> DETECTORS = List.of(new Detector("previous_token", "previous token"),
            new Detector("duplicate_token", "duplicate token"), new Detector("induction", "induction"),
            new Detector("induction_repeated_random", "induction (repeated random)"));

    private Heads() {}

    /** Layers in order, each with its heads in order; IllegalArgumentException naming what is missing in a malformed answer. */
    public static Map<Integer, List<HeadRow>> byLayer(JsonElement answer) {
        if (answer == null || !answer.isJsonObject() || !(answer.getAsJsonObject().get("heads") instanceof JsonArray heads)) {
            throw new IllegalArgumentException("the server's detectHeads answer has no 'heads' array");
        }
        Map<Integer, List<HeadRow>> out = new TreeMap<>();
        for (JsonElement e : heads) {
            if (!e.isJsonObject()) throw new IllegalArgumentException("a head in the detectHeads answer is not an object: " + e);
            HeadRow r = row(e.getAsJsonObject());
            out.computeIfAbsent(r.layer(), l -> new ArrayList<>()).add(r);
        }
        out.values().forEach(rows -> rows.sort(Comparator.comparingInt(HeadRow::head)));
        return out;
    }

    /** All heads, layer by layer (the ablation picker). */
    public static List<HeadRow> all(Map<Integer, List<HeadRow>> byLayer) {
        List<HeadRow> out = new ArrayList<>();
        byLayer.values().forEach(out::addAll);
        return out;
    }

    private static HeadRow row(JsonObject o) {
        int layer = integer(o, "layer");
        int head = integer(o, "head");
        String label = o.get("label") != null && o.get("label").isJsonPrimitive() ? o.get("label").getAsString() : "L" + layer + "H" + head;
        List<Double> scores = new ArrayList<>();
        for (Detector d : DETECTORS) scores.add(number(o, d.field()));
        return new HeadRow(layer, head, label, scores, number(o, "ov_copying_score"));
    }

    private static int integer(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException("a head in the detectHeads answer has no number '" + field + "': " + o);
        }
        return e.getAsInt();
    }

    /** A score, NaN when absent (an older server, or a detector that did not run). */
    private static double number(JsonObject o, String field) {
        JsonElement e = o.get(field);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() ? e.getAsDouble() : Double.NaN;
    }
}
