package org.circuitscope.grad;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.WeightViews;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Kernels;
import org.circuitscope.tensor.Tensor;

/**
 * One float32 gradient tensor per parameter (the names and shapes of
 * {@link Weights#expected(ModelConfig)}), summed over the sequences of a batch:
 * {@link Backward#accumulate} adds into it, the trainer then scales by 1/batch, clips by the
 * global norm and hands it to the optimiser. Not thread-safe: give each thread its own buffer
 * and {@link #add} them together.
 */
public final class GradientBuffer {
    private final ModelConfig cfg;
    private final Map<String, Tensor> grads;
    private final WeightViews views;
    private final Kernels k = Kernels.get();

    private GradientBuffer(ModelConfig cfg, Map<String, Tensor> grads) {
        this.cfg = cfg;
        this.grads = Collections.unmodifiableMap(grads);
        this.views = WeightViews.of(cfg, this::get);
    }

    /** A buffer of zeros for every parameter of {@code cfg}. */
    public static GradientBuffer zeros(ModelConfig cfg) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        Weights.expected(cfg).forEach((name, shape) -> m.put(name, Tensor.zeros(shape)));
        return new GradientBuffer(cfg, m);
    }

    public ModelConfig config() { return cfg; }

    /** The gradients typed as the weights are ({@link Weights#views()}); live, as {@link #get}. */
    public WeightViews views() { return views; }

    /** The gradient of parameter {@code name} (live: later additions show in it). */
    public Tensor get(String name) {
        Tensor t = grads.get(name);
        if (t == null) throw new IllegalArgumentException("no parameter named '" + name + "' in model " + cfg.modelName());
        return t;
    }

    /** Every gradient by state-dict name, in state-dict order (live tensors, fixed key set). */
    public Map<String, Tensor> asMap() { return grads; }

    /** Sets every gradient to zero, for the next batch. */
    public void zero() {
        for (Tensor t : grads.values()) Arrays.fill(t.data(), 0f);
    }

    /** this += other, for buffers summed on different threads. */
    public void add(GradientBuffer other) { add(other.grads, 1f); }

    /**
     * this += alpha·grads for every parameter; {@code grads} must hold every parameter with its
     * shape (a {@link Gradients#params()} map or another buffer's {@link #asMap()}).
     */
    public void add(Map<String, Tensor> other, float alpha) {
        for (var e : grads.entrySet()) {
            Tensor o = other.get(e.getKey());
            if (o == null || !Arrays.equals(o.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("cannot add gradients: parameter '" + e.getKey() + "' is "
                        + (o == null ? "missing" : "of shape " + Arrays.toString(o.shape())) + " where the buffer holds "
                        + Arrays.toString(e.getValue().shape()));
            }
            k.axpy(alpha, o.data(), 0, e.getValue().data(), 0, o.size());
        }
    }

    /** Multiplies every gradient by {@code s} (1/batch size, or a clipping factor). */
    public void scale(float s) {
        for (Tensor t : grads.values()) {
            float[] d = t.data();
            for (int i = 0; i < d.length; i++) d[i] *= s;
        }
    }

    /** sqrt(Σ g²) over every element of every parameter, summed in double. */
    public double globalNorm() {
        double s = 0;
        for (Tensor t : grads.values()) {
            for (float v : t.data()) s += (double) v * v;
        }
        return Math.sqrt(s);
    }

    /**
     * Scales the gradients down so their global norm is at most {@code maxNorm} (as PyTorch's
     * {@code clip_grad_norm_}); returns the norm before clipping, for logging.
     */
    public double clipGlobalNorm(double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("maxNorm must be positive, got " + maxNorm);
        double norm = globalNorm();
        if (norm > maxNorm) scale((float) (maxNorm / (norm + 1e-6)));
        return norm;
    }
}
