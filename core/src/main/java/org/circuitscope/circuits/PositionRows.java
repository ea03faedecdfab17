package org.circuitscope.circuits;

import java.util.List;
import org.circuitscope.model.ActivationCache;

/**
 * One activation's rows over the positions of several runs (windows of a longer text), in
 * float64: the samples of the channel analyses. Each position's row is {@code width} values at
 * {@code offset} of its {@code stride}-long block of the hook's tensor (for
 * {@code hook_result} [pos, head, d_model], head h is offset h·d_model of stride
 * n_heads·d_model). The first {@code skip} positions of every run are left out (the BOS
 * position, whose residual stream is an attention sink far from the others).
 */
final class PositionRows {
    private PositionRows() {}

    static int count(List<ActivationCache> runs, int skip) {
        int n = 0;
        for (ActivationCache c : runs) n += Math.max(0, c.tokens().length - skip);
        return n;
    }

    static double[] of(List<ActivationCache> runs, String hook, int stride, int offset, int width, int skip) {
        double[] out = new double[count(runs, skip) * width];
        int row = 0;
        for (ActivationCache c : runs) {
            float[] x = c.get(hook).data();
            for (int p = skip; p < c.tokens().length; p++, row++) {
                for (int i = 0; i < width; i++) out[row * width + i] = x[p * stride + offset + i];
            }
        }
        return out;
    }

    /** The mean row. */
    static double[] mean(List<ActivationCache> runs, String hook, int stride, int offset, int width, int skip) {
        double[] rows = of(runs, hook, stride, offset, width, skip), m = new double[width];
        int n = rows.length / width;
        if (n == 0) throw new IllegalArgumentException("no positions left to average over (the text is too short)");
        for (int p = 0; p < n; p++) for (int i = 0; i < width; i++) m[i] += rows[p * width + i];
        for (int i = 0; i < width; i++) m[i] /= n;
        return m;
    }
}
