package org.circuitscope.grad;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.LayerWeights;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.NormWeights;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RunOptions;
import org.circuitscope.model.WeightViews;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Erf;
import org.circuitscope.tensor.Kernels;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.tensor.WorkerPool;

/**
 * Reverse-mode differentiation of {@link org.circuitscope.model.Transformer}'s forward pass:
 * from the activations a forward recorded and dLoss/dLogits, the gradient of every parameter
 * and of the embeddings that enter the residual stream.
 *
 * <p>Stage by stage, with x the stage input, y its output and ∂ the incoming gradient dL/dy
 * (row-vector convention y = x·W + b, as the forward):
 * <ul>
 * <li>affine: dW += xᵀ·∂, db += Σ_rows ∂, dx = ∂·Wᵀ;</li>
 * <li>attention per head, S = q·kᵀ/√d_head (causal), P = softmax(S), z = P·v:
 *     dP = dz·vᵀ, dv = Pᵀ·dz, dS_ij = P_ij (dP_ij − Σ_k P_ik dP_ik) (zero where masked),
 *     dq = dS·k/√d_head, dk = dSᵀ·q/√d_head;</li>
 * <li>LayerNorm, x̂ = (x − mean)/s with s = √(mean((x − mean)²) + eps), y = x̂·w + b (LNPre: y = x̂):
 *     dx̂ = ∂·w, dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) / s, dw += Σ_rows ∂·x̂, db += Σ_rows ∂;</li>
 * <li>residual additions pass the gradient to both branches.</li>
 * </ul>
 * Every matrix product goes through {@link Kernels#gemm}/{@link Kernels#gemmBatched}; row-wise
 * work runs on the {@link WorkerPool}.
 *
 * <p>The gradient is that of the plain (unhooked) model at the recorded activations, so the
 * cache must come from a forward without hooks on these weights: {@code runWithCache}, or
 * {@code run(tokens, Backward.cacheOptions(cfg))} which records only what is needed here (and
 * skips the per-head {@code hook_result}). Weights are read at each call, so an optimiser may
 * update their arrays in place between steps. Stateless between calls and safe to share
 * between threads as long as each thread accumulates into its own {@link GradientBuffer}.
 */
public final class Backward {
    private final Weights w;
    private final ModelConfig cfg;
    private final Kernels k = Kernels.get();

    public Backward(Weights weights) {
        this.w = weights;
        this.cfg = weights.config();
    }

    public ModelConfig config() { return cfg; }

    /** The hook points the backward pass reads from the cache, for this config. */
    public static Set<String> requiredActivations(ModelConfig cfg) {
        Set<String> s = new LinkedHashSet<>();
        boolean norm = cfg.normalizationType() != Normalization.NONE;
        for (int l = 0; l < cfg.nLayers(); l++) {
            s.add(HookPoint.residPre(l));
            if (norm) s.add(HookPoint.ln(l, "ln1", "scale"));
            for (String a : new String[] {"q", "k", "v", "pattern", "z"}) s.add(HookPoint.attn(l, a));
            if (!cfg.attnOnly()) {
                s.add(HookPoint.residMid(l));
                if (norm) s.add(HookPoint.ln(l, "ln2", "scale"));
                s.add(HookPoint.mlp(l, "pre"));
                s.add(HookPoint.mlp(l, "post"));
            }
        }
        s.add(HookPoint.residPost(cfg.nLayers() - 1));
        if (norm) s.add(HookPoint.LN_FINAL_SCALE);
        return Set.copyOf(s);
    }

    /** Forward options that record exactly {@link #requiredActivations}: the cheapest forward to train from. */
    public static RunOptions cacheOptions(ModelConfig cfg) {
        Set<String> need = requiredActivations(cfg);
        return new RunOptions(need::contains, Map.of());
    }

    /** Gradients of every parameter (fresh tensors) and of the embeddings. */
    public Gradients backward(int[] tokens, ActivationCache cache, Tensor dLogits) {
        GradientBuffer g = GradientBuffer.zeros(cfg);
        return run(tokens, cache, dLogits, g);
    }

    /**
     * Adds this sequence's parameter gradients into {@code into} (for a batch); returns its
     * embedding gradients, with {@code params} being {@code into.asMap()} (the running sum).
     */
    public Gradients accumulate(int[] tokens, ActivationCache cache, Tensor dLogits, GradientBuffer into) {
        checkBuffer(into);
        return run(tokens, cache, dLogits, into);
    }

    /** Only the embedding gradients (saliency, integrated gradients): skips every dW; {@code params} is empty. */
    public Gradients inputGradients(int[] tokens, ActivationCache cache, Tensor dLogits) {
        return run(tokens, cache, dLogits, null);
    }

    private void checkBuffer(GradientBuffer into) {
        Map<String, Tensor> have = into.asMap();
        Map<String, int[]> want = Weights.expected(cfg);
        boolean ok = have.size() == want.size();
        for (var e : want.entrySet()) {
            Tensor t = have.get(e.getKey());
            ok &= t != null && Arrays.equals(t.shape(), e.getValue());
        }
        if (!ok) {
            throw new IllegalArgumentException("gradient buffer for model '" + into.config().modelName()
                    + "' does not have the parameters of model '" + cfg.modelName() + "'; make it with GradientBuffer.zeros(config)");
        }
    }

    /** {@code g} null: input gradients only. */
    private Gradients run(int[] tokens, ActivationCache cache, Tensor dLogits, GradientBuffer g) {
        int t = tokens.length, d = cfg.dModel(), v = cfg.dVocab();
        if (!Arrays.equals(tokens, cache.tokens())) {
            throw new IllegalArgumentException("the cache was recorded for other tokens (" + cache.tokens().length
                    + " tokens) than the " + t + " given to the backward pass");
        }
        if (!Arrays.equals(dLogits.shape(), new int[] {t, v})) {
            throw new IllegalArgumentException("dLogits has shape " + Arrays.toString(dLogits.shape())
                    + " but the backward pass needs [" + t + ", " + v + "] (tokens × d_vocab)");
        }
        float[] dl = dLogits.data();

        // The gradients' views mirror the weights' (null: input gradients only).
        WeightViews gv = g == null ? null : g.views();

        // Unembedding.
        Norm fin = norm(act(cache, HookPoint.residPost(cfg.nLayers() - 1)), cache, HookPoint.LN_FINAL_SCALE, w.lnFinal(), t);
        if (gv != null) {
            columnSums(dl, t, v, gv.bU().data());
            k.gemm(true, false, d, v, t, fin.y, 0, d, dl, 0, v, gv.wU().data(), 0, v, true);
        }
        float[] dy = new float[t * d];
        k.gemm(false, true, t, d, v, dl, 0, v, w.wU().data(), 0, v, dy, 0, d, false);
        float[] dResid = new float[t * d];
        normBackward(fin, dy, w.lnFinal(), gv == null ? null : gv.lnFinal(), dResid);

        for (int l = cfg.nLayers() - 1; l >= 0; l--) {
            LayerWeights lw = w.layer(l), gl = gv == null ? null : gv.layer(l);
            if (!cfg.attnOnly()) {
                Norm ln2 = norm(act(cache, HookPoint.residMid(l)), cache, HookPoint.ln(l, "ln2", "scale"), lw.ln2(), t);
                float[] dx2 = mlpBackward(cache, l, ln2.y, dResid, t, lw.mlp(), gl == null ? null : gl.mlp());
                normBackward(ln2, dx2, lw.ln2(), gl == null ? null : gl.ln2(), dResid);
            }
            Norm ln1 = norm(act(cache, HookPoint.residPre(l)), cache, HookPoint.ln(l, "ln1", "scale"), lw.ln1(), t);
            float[] dx = attentionBackward(cache, l, ln1.y, dResid, t, lw.attn(), gl == null ? null : gl.attn());
            normBackward(ln1, dx, lw.ln1(), gl == null ? null : gl.ln1(), dResid);
        }

        if (gv != null) {
            float[] gE = gv.wE().data();
            for (int i = 0; i < t; i++) k.axpy(1f, dResid, i * d, gE, tokens[i] * d, d);
            k.axpy(1f, dResid, 0, gv.wPos().data(), 0, t * d);
        }
        return new Gradients(g == null ? Map.of() : g.asMap(), Tensor.of(dResid, t, d), Tensor.of(dResid.clone(), t, d));
    }

    /** Returns dL/d(attention input) [t, d_model]; {@code dOut} is dL/d(hook_attn_out); {@code g} (null: none) receives dW, db. */
    private float[] attentionBackward(ActivationCache cache, int l, float[] x, float[] dOut, int t,
                                      LayerWeights.Attention a, LayerWeights.Attention g) {
        int d = cfg.dModel(), h = cfg.nHeads(), dh = cfg.dHead(), hd = h * dh, tt = t * t;
        float[] q = act(cache, HookPoint.attn(l, "q")), kk = act(cache, HookPoint.attn(l, "k")), v = act(cache, HookPoint.attn(l, "v"));
        float[] p = act(cache, HookPoint.attn(l, "pattern")), z = act(cache, HookPoint.attn(l, "z"));

        if (g != null) {
            columnSums(dOut, t, d, g.bO().data());
            // W_O viewed as [h*d_head, d]: dW_O = z[t, h*d_head]ᵀ · dOut.
            k.gemm(true, false, hd, d, t, z, 0, hd, dOut, 0, d, g.wO().data(), 0, d, true);
        }
        float[] dz = new float[t * hd];
        k.gemm(false, true, t, hd, d, dOut, 0, d, a.wO().data(), 0, d, dz, 0, hd, false);

        float[] ds = new float[h * tt];
        k.gemmBatched(h, false, true, t, t, dh, dz, 0, hd, dh, v, 0, hd, dh, ds, 0, t, tt, false);
        float[] dv = new float[t * hd];
        k.gemmBatched(h, true, false, t, dh, t, p, 0, t, tt, dz, 0, hd, dh, dv, 0, hd, dh, false);

        // Softmax backward in place (dP → dS), folding in the 1/√d_head of the scores.
        float inv = (float) (1.0 / Math.sqrt(dh));
        WorkerPool.parallelFor(h * t, r -> {
            int i = r % t, off = r * t;
            double dot = 0;
            for (int j = 0; j <= i; j++) dot += (double) p[off + j] * ds[off + j];
            for (int j = 0; j <= i; j++) ds[off + j] = (float) (p[off + j] * (ds[off + j] - dot)) * inv;
            Arrays.fill(ds, off + i + 1, off + t, 0f);
        });
        float[] dq = new float[t * hd], dk = new float[t * hd];
        k.gemmBatched(h, false, false, t, dh, t, ds, 0, t, tt, kk, 0, hd, dh, dq, 0, hd, dh, false);
        k.gemmBatched(h, true, false, t, dh, t, ds, 0, t, tt, q, 0, hd, dh, dk, 0, hd, dh, false);

        float[] dx = new float[t * d];
        float[][] dm = {dq, dk, dv};
        for (int m = 0; m < 3; m++) {
            float[] wm = a.wQkv().get(m).data();
            if (g != null) {
                columnSums(dm[m], t, hd, g.bQkv().get(m).data());
                // Per head: dW[h] [d, d_head] += xᵀ · dm_h.
                k.gemmBatched(h, true, false, d, dh, t, x, 0, d, 0, dm[m], 0, hd, dh,
                        g.wQkv().get(m).data(), 0, dh, d * dh, true);
            }
            // dx = Σ_h dm_h · W[h]ᵀ; one product per head because W is [h, d, d_head] (heads outermost).
            for (int hh = 0; hh < h; hh++) {
                k.gemm(false, true, t, d, dh, dm[m], hh * dh, hd, wm, hh * d * dh, dh, dx, 0, d, true);
            }
        }
        return dx;
    }

    /** Returns dL/d(MLP input) [t, d_model]; {@code dOut} is dL/d(hook_mlp_out); {@code g} (null: none) receives dW, db. */
    private float[] mlpBackward(ActivationCache cache, int l, float[] x, float[] dOut, int t, LayerWeights.Mlp p, LayerWeights.Mlp g) {
        int d = cfg.dModel(), m = cfg.dMlp();
        float[] hPre = act(cache, HookPoint.mlp(l, "pre")), post = act(cache, HookPoint.mlp(l, "post"));
        if (g != null) {
            columnSums(dOut, t, d, g.bOut().data());
            k.gemm(true, false, m, d, t, post, 0, m, dOut, 0, d, g.wOut().data(), 0, d, true);
        }
        float[] dh = new float[t * m];
        k.gemm(false, true, t, m, d, dOut, 0, d, p.wOut().data(), 0, d, dh, 0, m, false);
        ActFn fn = cfg.actFn();
        WorkerPool.parallelFor(t, i -> {
            for (int j = i * m; j < (i + 1) * m; j++) dh[j] = (float) (dh[j] * actDerivative(fn, hPre[j]));
        });
        if (g != null) {
            columnSums(dh, t, m, g.bIn().data());
            k.gemm(true, false, d, m, t, x, 0, d, dh, 0, m, g.wIn().data(), 0, m, true);
        }
        float[] dx = new float[t * d];
        k.gemm(false, true, t, d, m, dh, 0, m, p.wIn().data(), 0, m, dx, 0, d, false);
        return dx;
    }

    /** d act / dx at x. */
    static double actDerivative(ActFn fn, double x) {
        return switch (fn) {
            case RELU -> x > 0 ? 1 : 0;
            case GELU -> 0.5 * (1 + Erf.erf(x / Math.sqrt(2))) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
            case GELU_NEW -> {
                double c = Math.sqrt(2 / Math.PI), a = 0.044715;
                double th = Math.tanh(c * (x + a * x * x * x));
                yield 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * c * (1 + 3 * a * x * x);
            }
            case SILU -> {
                double sg = 1 / (1 + Math.exp(-x));
                yield sg * (1 + x * (1 - sg));
            }
        };
    }

    /**
     * A normalisation's input and output rebuilt from its input and recorded scale (rather than
     * read from {@code hook_normalized}, whose meaning — before or after w, b — the backward pass
     * should not depend on). {@code xHat} is null when there is no normalisation; then y is x.
     */
    private record Norm(float[] xHat, float[] scale, float[] y) {}

    /** {@code p}: the LayerNorm's w and b (null unless LN). */
    private Norm norm(float[] x, ActivationCache cache, String scaleName, NormWeights p, int t) {
        Normalization type = cfg.normalizationType();
        if (type == Normalization.NONE) return new Norm(null, null, x);
        int d = cfg.dModel();
        float[] s = act(cache, scaleName);
        float[] xHat = new float[t * d];
        float[] y = type == Normalization.LN ? new float[t * d] : xHat;
        float[] lw = p == null ? null : p.w().data(), lb = p == null ? null : p.b().data();
        WorkerPool.parallelFor(t, i -> {
            int off = i * d;
            double mean = 0;
            for (int j = 0; j < d; j++) mean += x[off + j];
            mean /= d;
            for (int j = 0; j < d; j++) {
                xHat[off + j] = (float) ((x[off + j] - mean) / s[i]);
                if (lw != null) y[off + j] = xHat[off + j] * lw[j] + lb[j];
            }
        });
        return new Norm(xHat, s, y);
    }

    /** Adds dL/dx into {@code dx}, given dL/dy; accumulates dw, db for LN into {@code g} (null: none). */
    private void normBackward(Norm n, float[] dy, NormWeights p, NormWeights g, float[] dx) {
        int d = cfg.dModel(), t = dy.length / d;
        if (n.xHat == null) {
            k.axpy(1f, dy, 0, dx, 0, dy.length);
            return;
        }
        boolean affine = p != null;
        float[] xh = n.xHat, s = n.scale, lw = affine ? p.w().data() : null;
        if (affine && g != null) {
            float[] gw = g.w().data(), gb = g.b().data();
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < d; j++) {
                    gw[j] += dy[i * d + j] * xh[i * d + j];
                    gb[j] += dy[i * d + j];
                }
            }
        }
        WorkerPool.parallelFor(t, i -> {
            int off = i * d;
            double m1 = 0, m2 = 0;
            for (int j = 0; j < d; j++) {
                double dxh = affine ? (double) dy[off + j] * lw[j] : dy[off + j];
                m1 += dxh;
                m2 += dxh * xh[off + j];
            }
            m1 /= d;
            m2 /= d;
            double inv = 1.0 / s[i];
            for (int j = 0; j < d; j++) {
                double dxh = affine ? (double) dy[off + j] * lw[j] : dy[off + j];
                dx[off + j] += (float) ((dxh - m1 - xh[off + j] * m2) * inv);
            }
        });
    }

    /** db[j] += Σ_i dy[i, j]. */
    private void columnSums(float[] dy, int rows, int n, float[] db) {
        for (int i = 0; i < rows; i++) k.axpy(1f, dy, i * n, db, 0, n);
    }

    private float[] act(ActivationCache cache, String name) {
        if (!cache.contains(name)) {
            throw new IllegalArgumentException("the backward pass needs activation '" + name + "', which the cache lacks;"
                    + " record it with runWithCache(tokens) or run(tokens, Backward.cacheOptions(config))");
        }
        return cache.get(name).data();
    }
}
