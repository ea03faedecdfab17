package org.circuitscope.intellij.commands;

import java.util.List;
import java.util.Locale;

/**
 * A head as the pickers list it, with its detector scores (in {@link Heads#DETECTORS} order) and OV copying score.
 */
public record HeadRow(int layer, int head, String label, List<Double> scores, double copying) {
    public HeadRow {
        scores = List.copyOf(scores);
    }

    /** One line for the picker: the strongest detector and the copying score, e.g. "induction 0.91 · copying 0.85". */
    public String description() {
        int best = 0;
        for (int i = 1; i < scores.size(); i++) {
            if (scores.get(i) > scores.get(best)) best = i;
        }
        return Heads.DETECTORS.get(best).title() + " " + fmt(scores.get(best)) + " · copying " + fmt(copying);
    }

    /** The label and description, as the picker shows a head. */
    @Override
    public String toString() { return label + "   " + description(); }

    private static String fmt(double x) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%.2f", x) : String.valueOf(x);
    }
}
