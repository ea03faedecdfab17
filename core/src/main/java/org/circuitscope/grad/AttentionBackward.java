package org.circuitscope.grad;

import java.util.Arrays;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.LayerWeights;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Rotary;
import org.circuitscope.tensor.Kernels;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.tensor.WorkerPool;

/**
 * A block's attention differentiated, from its input x (the rebuilt ln1 output), the recorded
 * queries, keys (rotated, for rotary models: {@code hook_rot_q}, {@code hook_rot_k}), values,
 * pattern and z, and ∂ = dL/d{@code hook_attn_out}. Query head h reads key/value head
 * g = {@link ModelConfig#keyValueHead}(h); per head, S = q·kᵀ/√d_head (causal), P = softmax(S),
 * z = P·v:
 * <ul>
 * <li>dz = ∂·W_Oᵀ, dW_O += zᵀ·∂, db_O += Σ_rows ∂;</li>
 * <li>dP = dz·vᵀ, dS_ij = P_ij (dP_ij − Σ_k P_ik dP_ik) (zero where masked);</li>
 * <li>dq_h = dS_h·k_g/√d_head; key/value head g sums over the query heads that read it:
 *     dk_g = Σ_h dS_hᵀ·q_h/√d_head, dv_g = Σ_h P_hᵀ·dz_h;</li>
 * <li>rotary: q and k entered the scores as R_i·q, R_i·k (R_i the rotation of position i), so the
 *     gradient of the unrotated ones is R_iᵀ applied to that of the rotated ({@link Rotary#applyTranspose});</li>
 * <li>each projection m = x·W[head] + b[head]: dW[head] += xᵀ·dm_head, db += Σ_rows dm, dx += Σ_head dm_head·W[head]ᵀ.</li>
 * </ul>
 */
final class AttentionBackward {
    private final ModelConfig cfg;
    private final Kernels k = Kernels.get();

    AttentionBackward(ModelConfig cfg) { this.cfg = cfg; }

    /**
     * Returns dL/dx [t, d_model]; {@code g} (null: none) receives dW, db; {@code rotary} is the
     * table of positions [0, t), null for models without rotary embeddings.
     */
    float[] backward(ActivationCache cache, int l, float[] x, float[] dOut, int t, LayerWeights.Attention a,
                     LayerWeights.Attention g, Rotary rotary) {
        int d = cfg.dModel(), h = cfg.nHeads(), kvh = cfg.nKeyValueHeads(), dh = cfg.dHead();
        int hd = h * dh, kvd = kvh * dh, group = h / kvh, tt = t * t;
        String qName = HookPoint.queriesUsed(cfg), kName = HookPoint.keysUsed(cfg);
        float[] q = GradOps.read(cache, HookPoint.attn(l, qName)), kk = GradOps.read(cache, HookPoint.attn(l, kName));
        float[] v = GradOps.read(cache, HookPoint.attn(l, "v"));
        float[] p = GradOps.read(cache, HookPoint.attn(l, "pattern")), z = GradOps.read(cache, HookPoint.attn(l, "z"));

        if (g != null) {
            GradOps.columnSums(k, dOut, t, d, g.bO().data());
            // W_O viewed as [h*d_head, d]: dW_O = z[t, h*d_head]ᵀ · dOut.
            k.gemm(true, false, hd, d, t, z, 0, hd, dOut, 0, d, g.wO().data(), 0, d, true);
        }
        float[] dz = new float[t * hd];
        k.gemm(false, true, t, hd, d, dOut, 0, d, a.wO().data(), 0, d, dz, 0, hd, false);

        // Query head g·group + m reads key/value head g: for each m, one batch over the key/value
        // heads, so products that add into the same dk_g, dv_g never run at once.
        float[] ds = new float[h * tt], dv = new float[t * kvd];
        for (int m = 0; m < group; m++) {
            k.gemmBatched(kvh, false, true, t, t, dh, dz, m * dh, hd, group * dh, v, 0, kvd, dh, ds, m * tt, t, group * tt, false);
            k.gemmBatched(kvh, true, false, t, dh, t, p, m * tt, t, group * tt, dz, m * dh, hd, group * dh, dv, 0, kvd, dh, true);
        }

        // Softmax backward in place (dP → dS), folding in the 1/√d_head of the scores.
        float inv = (float) (1.0 / Math.sqrt(dh));
        WorkerPool.parallelFor(h * t, r -> {
            int i = r % t, off = r * t;
            double dot = 0;
            for (int j = 0; j <= i; j++) dot += (double) p[off + j] * ds[off + j];
            for (int j = 0; j <= i; j++) ds[off + j] = (float) (p[off + j] * (ds[off + j] - dot)) * inv;
            Arrays.fill(ds, off + i + 1, off + t, 0f);
        });
        float[] dq = new float[t * hd], dk = new float[t * kvd];
        for (int m = 0; m < group; m++) {
            k.gemmBatched(kvh, false, false, t, dh, t, ds, m * tt, t, group * tt, kk, 0, kvd, dh, dq, m * dh, hd, group * dh, false);
            k.gemmBatched(kvh, true, false, t, dh, t, ds, m * tt, t, group * tt, q, m * dh, hd, group * dh, dk, 0, kvd, dh, true);
        }
        if (rotary != null) {
            rotary.applyTranspose(dq, t, h, dh);
            rotary.applyTranspose(dk, t, kvh, dh);
        }

        float[] dx = new float[t * d];
        projection(x, dq, t, h, a.wQ(), g == null ? null : g.wQ(), g == null ? null : g.bQ(), dx);
        projection(x, dk, t, kvh, a.wK(), g == null ? null : g.wK(), g == null ? null : g.bK(), dx);
        projection(x, dv, t, kvh, a.wV(), g == null ? null : g.wV(), g == null ? null : g.bV(), dx);
        return dx;
    }

    /** For m = x·W[head] + b[head] over {@code heads} heads (W [heads, d_model, d_head]): dW, db (when given) and dx += dm·Wᵀ. */
    private void projection(float[] x, float[] dm, int t, int heads, Tensor w, Tensor gw, Tensor gb, float[] dx) {
        int d = cfg.dModel(), dh = cfg.dHead(), width = heads * dh;
        float[] wm = w.data();
        if (gw != null) {
            GradOps.columnSums(k, dm, t, width, gb.data());
            // Per head: dW[h] [d, d_head] += xᵀ · dm_h.
            k.gemmBatched(heads, true, false, d, dh, t, x, 0, d, 0, dm, 0, width, dh, gw.data(), 0, dh, d * dh, true);
        }
        // One product per head because W is [heads, d, d_head] (heads outermost).
        for (int hh = 0; hh < heads; hh++) {
            k.gemm(false, true, t, d, dh, dm, hh * dh, width, wm, hh * d * dh, dh, dx, 0, d, true);
        }
    }
}
