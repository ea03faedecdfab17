package org.circuitscope.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.circuitscope.tensor.Tensor;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter): θ ← θ − lr·(m̂/(√v̂ + ε) + λθ).
 * Decay applies to tensors of rank ≥ 2 (weight matrices, embeddings, unembedding), not to
 * biases or LayerNorm parameters, as in common GPT-2 recipes. State is exposed so checkpoints
 * can save and restore it.
 */
public final class AdamW {
    private final double beta1, beta2, eps, weightDecay;
    private final Map<String, float[]> m = new LinkedHashMap<>(), v = new LinkedHashMap<>();
    private int t;

    public AdamW(double beta1, double beta2, double eps, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** One update of every parameter in place, with gradient {@code grads.get(name)}. */
    public void step(Map<String, Tensor> params, Map<String, Tensor> grads, double lr) {
        t++;
        double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
        for (var e : params.entrySet()) {
            String name = e.getKey();
            if (e.getValue().dtype().sixteenBit()) {
                // data() of a 16-bit tensor is a converted copy: an update written there would be lost.
                throw new IllegalArgumentException("parameter '" + name + "' is kept in " + e.getValue().dtype()
                        + "; training updates float32 weights in place: load the model with --weights-dtype f32 (Weights.toFloat32())");
            }
            float[] p = e.getValue().data(), g = grads.get(name).data();
            float[] mm = m.computeIfAbsent(name, k -> new float[p.length]);
            float[] vv = v.computeIfAbsent(name, k -> new float[p.length]);
            boolean decay = e.getValue().rank() >= 2;
            for (int i = 0; i < p.length; i++) {
                mm[i] = (float) (beta1 * mm[i] + (1 - beta1) * g[i]);
                vv[i] = (float) (beta2 * vv[i] + (1 - beta2) * g[i] * g[i]);
                double update = (mm[i] / bc1) / (Math.sqrt(vv[i] / bc2) + eps);
                if (decay) update += weightDecay * p[i];
                p[i] -= (float) (lr * update);
            }
        }
    }

    public int stepCount() { return t; }

    /** Optimiser state as tensors ({@code adam.m.<name>}, {@code adam.v.<name>}) for a checkpoint. */
    public Map<String, Tensor> state(Map<String, Tensor> params) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : params.entrySet()) {
            int[] shape = e.getValue().shape();
            out.put("adam.m." + e.getKey(), Tensor.of(m.getOrDefault(e.getKey(), new float[e.getValue().size()]).clone(), shape));
            out.put("adam.v." + e.getKey(), Tensor.of(v.getOrDefault(e.getKey(), new float[e.getValue().size()]).clone(), shape));
        }
        return out;
    }

    public void restore(Map<String, Tensor> state, int stepCount) {
        state.forEach((k, val) -> {
            if (k.startsWith("adam.m.")) m.put(k.substring(7), val.data().clone());
            else if (k.startsWith("adam.v.")) v.put(k.substring(7), val.data().clone());
        });
        t = stepCount;
    }
}
