package org.circuitscope.grad;

import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.NormWeights;
import org.circuitscope.model.Normalization;
import org.circuitscope.tensor.Kernels;
import org.circuitscope.tensor.WorkerPool;

/**
 * One normalisation stage (LayerNorm, LNPre, RMSNorm, RMSPre or none) rebuilt and
 * differentiated per row. With x the input, s the recorded {@code hook_scale},
 * x̂ = (x − mean(x))/s for LayerNorm and x/s for RMSNorm, y = x̂·w (+ b for LayerNorm; the
 * folded forms stop at x̂), and dx̂ = ∂·w:
 * <ul>
 * <li>LayerNorm, s = √(mean((x − mean)²) + eps): dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) / s;</li>
 * <li>RMSNorm, s = √(mean(x²) + eps): dx = (dx̂ − x̂·mean(dx̂·x̂)) / s (no centring, so no mean term);</li>
 * <li>dw += Σ_rows ∂·x̂, db += Σ_rows ∂.</li>
 * </ul>
 * x̂ is rebuilt from the stage's input and scale rather than read from {@code hook_normalized},
 * whose meaning (before or after w, b) changed between TransformerLens 2.x and 3.x.
 */
final class NormBackward {
    private final Normalization type;
    private final int d;
    private final Kernels k = Kernels.get();

    NormBackward(ModelConfig cfg) {
        this.type = cfg.normalizationType();
        this.d = cfg.dModel();
    }

    /** A stage's normalised input x̂ and scale s (both null without normalisation) and its output y (x itself then). */
    record Rebuilt(float[] xHat, float[] scale, float[] y) {}

    /** Rebuilds the stage at input {@code x} [t, d_model] with recorded scale {@code s} [t] (unread without normalisation). */
    Rebuilt rebuild(float[] x, float[] s, NormWeights p, int t) {
        if (!type.scales()) return new Rebuilt(null, null, x);
        boolean center = type.centers();
        float[] xHat = new float[t * d];
        float[] y = p == null ? xHat : new float[t * d];
        float[] lw = p == null ? null : p.w().data(), lb = p == null || p.b() == null ? null : p.b().data();
        WorkerPool.parallelFor(t, i -> {
            int off = i * d;
            double mean = 0;
            if (center) {
                for (int j = 0; j < d; j++) mean += x[off + j];
                mean /= d;
            }
            for (int j = 0; j < d; j++) {
                xHat[off + j] = (float) ((x[off + j] - mean) / s[i]);
                if (lw != null) y[off + j] = lb == null ? xHat[off + j] * lw[j] : xHat[off + j] * lw[j] + lb[j];
            }
        });
        return new Rebuilt(xHat, s, y);
    }

    /** Adds dL/dx into {@code dx} given dL/dy; accumulates dw (and LayerNorm's db) into {@code g} (null: none). */
    void backward(Rebuilt n, float[] dy, NormWeights p, NormWeights g, float[] dx) {
        int t = dy.length / d;
        if (n.xHat() == null) {
            k.axpy(1f, dy, 0, dx, 0, dy.length);
            return;
        }
        boolean affine = p != null, center = type.centers();
        float[] xh = n.xHat(), s = n.scale(), lw = affine ? p.w().data() : null;
        if (affine && g != null) {
            float[] gw = g.w().data(), gb = g.b() == null ? null : g.b().data();
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < d; j++) gw[j] += dy[i * d + j] * xh[i * d + j];
            }
            if (gb != null) GradOps.columnSums(k, dy, t, d, gb);
        }
        WorkerPool.parallelFor(t, i -> {
            int off = i * d;
            double m1 = 0, m2 = 0;
            for (int j = 0; j < d; j++) {
                double dxh = affine ? (double) dy[off + j] * lw[j] : dy[off + j];
                m1 += dxh;
                m2 += dxh * xh[off + j];
            }
            m1 = center ? m1 / d : 0;
            m2 /= d;
            double inv = 1.0 / s[i];
            for (int j = 0; j < d; j++) {
                double dxh = affine ? (double) dy[off + j] * lw[j] : dy[off + j];
                dx[off + j] += (float) ((dxh - m1 - xh[off + j] * m2) * inv);
            }
        });
    }
}
