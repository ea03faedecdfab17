package org.circuitscope.model;

/**
 * Rotary position embeddings (RoPE) for positions [from, t) as GPT-NeoX and Llama apply them
 * ("rotate half", TransformerLens's {@code rotary_adjacent_pairs = False}): the first
 * {@code rotary_dim} dimensions of each head are split in halves x1, x2, and pair i turns by
 * the angle pos·θ^(−2i/rotary_dim): (x1·cos − x2·sin, x2·cos + x1·sin); the other dimensions
 * pass unchanged. Angles in float64, so long positions lose no precision before the cosine.
 *
 * <p>Positions are absolute: an edit's pass from position p rotates its keys exactly as a full
 * run does, which keeps the cached keys of earlier positions valid.
 */
public final class Rotary {
    private final int from, half;
    private final float[] cos, sin;

    private Rotary(int from, int half, float[] cos, float[] sin) {
        this.from = from;
        this.half = half;
        this.cos = cos;
        this.sin = sin;
    }

    /** The table for positions [from, t) of {@code cfg}'s rotary dimensions. */
    public static Rotary of(ModelConfig cfg, int from, int t) {
        int half = cfg.architecture().rotaryDim() / 2, n = t - from;
        double base = cfg.architecture().rotaryBase();
        float[] cos = new float[n * half], sin = new float[n * half];
        for (int i = 0; i < half; i++) {
            double invFreq = Math.pow(base, -2.0 * i / (2 * half));
            for (int p = 0; p < n; p++) {
                double angle = (from + p) * invFreq;
                cos[p * half + i] = (float) Math.cos(angle);
                sin[p * half + i] = (float) Math.sin(angle);
            }
        }
        return new Rotary(from, half, cos, sin);
    }

    /** Rotates rows [0, n) of x {@code [n, heads, d_head]} in place; row r is position from + r. */
    public void apply(float[] x, int n, int heads, int dHead) { turn(x, n, heads, dHead, 1f); }

    /**
     * The transpose of {@link #apply} (rotation by the opposite angle), in place: how a gradient
     * with respect to the rotated vector becomes one with respect to the vector before it.
     */
    public void applyTranspose(float[] x, int n, int heads, int dHead) { turn(x, n, heads, dHead, -1f); }

    /** Turns each pair by its angle times {@code direction} (±1): sin(−a) = −sin a, cos(−a) = cos a. */
    private void turn(float[] x, int n, int heads, int dHead, float direction) {
        org.circuitscope.tensor.WorkerPool.parallelFor(n, r -> {
            int c = r * half;
            for (int hh = 0; hh < heads; hh++) {
                int o = (r * heads + hh) * dHead;
                for (int i = 0; i < half; i++) {
                    float x1 = x[o + i], x2 = x[o + i + half], co = cos[c + i], si = direction * sin[c + i];
                    x[o + i] = x1 * co - x2 * si;
                    x[o + i + half] = x2 * co + x1 * si;
                }
            }
        });
    }

    /** The first position of this table. */
    public int from() { return from; }
}
