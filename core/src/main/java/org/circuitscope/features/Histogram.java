package org.circuitscope.features;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts of values in equal-width bins from 0 to the largest value (feature activations are
 * never negative); {@code edges} has one more entry than {@code counts}.
 */
public record Histogram(List<Double> edges, List<Long> counts) {

    /** The histogram of the positive values of {@code values} over {@code bins} bins; empty when none is positive. */
    public static Histogram of(float[] values, int bins) {
        double max = 0;
        for (float v : values) if (v > max) max = v;
        if (!(max > 0)) return new Histogram(List.of(), List.of());
        long[] c = new long[bins];
        for (float v : values) {
            if (!(v > 0)) continue;
            c[Math.min(bins - 1, (int) (v / max * bins))]++;
        }
        List<Double> edges = new ArrayList<>(bins + 1);
        for (int i = 0; i <= bins; i++) edges.add(max * i / bins);
        List<Long> counts = new ArrayList<>(bins);
        for (long x : c) counts.add(x);
        return new Histogram(List.copyOf(edges), List.copyOf(counts));
    }
}
