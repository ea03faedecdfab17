package org.circuitscope.grad;

import org.circuitscope.model.ActFn;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.LayerWeights;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.tensor.Erf;
import org.circuitscope.tensor.Kernels;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.tensor.WorkerPool;

/**
 * A block's MLP differentiated, from its input x (the rebuilt ln2 output), the recorded
 * {@code hook_pre} (and, gated, {@code hook_pre_linear}) and ∂ = dL/d{@code hook_mlp_out}.
 * With post = hook_post, dpost = ∂·W_outᵀ, dW_out += postᵀ·∂, db_out += Σ_rows ∂, and then:
 * <ul>
 * <li>plain, post = act(pre), pre = x·W_in + b_in: dpre = dpost ⊙ act'(pre), dW_in += xᵀ·dpre,
 *     db_in += Σ_rows dpre, dx = dpre·W_inᵀ;</li>
 * <li>gated (TransformerLens's GatedMLP), pre = x·W_gate, lin = x·W_in, post = act(pre) ⊙ lin + b_in:
 *     db_in += Σ_rows dpost, dlin = dpost ⊙ act(pre), dpre = dpost ⊙ lin ⊙ act'(pre),
 *     dW_gate += xᵀ·dpre, dW_in += xᵀ·dlin, dx = dpre·W_gateᵀ + dlin·W_inᵀ.</li>
 * </ul>
 */
final class MlpBackward {
    private final ModelConfig cfg;
    private final Kernels k = Kernels.get();

    MlpBackward(ModelConfig cfg) { this.cfg = cfg; }

    /** Returns dL/dx [t, d_model]; {@code g} (null: none) receives dW, db. */
    float[] backward(ActivationCache cache, int l, float[] x, float[] dOut, int t, LayerWeights.Mlp p, LayerWeights.Mlp g) {
        int d = cfg.dModel(), m = cfg.dMlp();
        float[] pre = GradOps.read(cache, HookPoint.mlp(l, "pre")), post = GradOps.read(cache, HookPoint.mlp(l, "post"));
        float[] lin = p.gated() ? GradOps.read(cache, HookPoint.mlp(l, "pre_linear")) : null;
        if (g != null) {
            GradOps.columnSums(k, dOut, t, d, g.bOut().data());
            k.gemm(true, false, m, d, t, post, 0, m, dOut, 0, d, g.wOut().data(), 0, d, true);
        }
        float[] dPre = new float[t * m];
        k.gemm(false, true, t, m, d, dOut, 0, d, p.wOut().data(), 0, d, dPre, 0, m, false);
        // b_in is added after the gate, so its gradient is dpost itself.
        if (g != null && lin != null) GradOps.columnSums(k, dPre, t, m, g.bIn().data());
        float[] dLin = lin == null ? null : new float[t * m];
        ActFn fn = cfg.actFn();
        WorkerPool.parallelFor(t, i -> {
            for (int j = i * m; j < (i + 1) * m; j++) {
                double dPost = dPre[j];
                if (lin == null) {
                    dPre[j] = (float) (dPost * actDerivative(fn, pre[j]));
                } else {
                    dLin[j] = (float) (dPost * activation(fn, pre[j]));
                    dPre[j] = (float) (dPost * lin[j] * actDerivative(fn, pre[j]));
                }
            }
        });
        float[] dx = new float[t * d];
        if (lin == null) {
            if (g != null) GradOps.columnSums(k, dPre, t, m, g.bIn().data());
            inputProjection(x, dPre, t, p.wIn(), g == null ? null : g.wIn(), dx);
        } else {
            inputProjection(x, dPre, t, p.wGate(), g == null ? null : g.wGate(), dx);
            inputProjection(x, dLin, t, p.wIn(), g == null ? null : g.wIn(), dx);
        }
        return dx;
    }

    /** For y = x·W (W [d_model, d_mlp]): dW += xᵀ·dy (when {@code gw} is given) and dx += dy·Wᵀ. */
    private void inputProjection(float[] x, float[] dy, int t, Tensor w, Tensor gw, float[] dx) {
        int d = cfg.dModel(), m = cfg.dMlp();
        if (gw != null) k.gemm(true, false, d, m, t, x, 0, d, dy, 0, m, gw.data(), 0, m, true);
        k.gemm(false, true, t, d, m, dy, 0, m, w.data(), 0, m, dx, 0, d, true);
    }

    /** act(x), in double: the gate's factor in the gated MLP's dlin. */
    static double activation(ActFn fn, double x) {
        return switch (fn) {
            case RELU -> Math.max(0, x);
            case GELU -> 0.5 * x * (1 + Erf.erf(x / Math.sqrt(2)));
            case GELU_NEW -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            case SILU -> x / (1 + Math.exp(-x));
        };
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
}
