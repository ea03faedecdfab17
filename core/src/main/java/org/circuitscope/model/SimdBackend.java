package org.circuitscope.model;

import java.util.Map;
import org.circuitscope.tensor.Tensor;

/** The default {@link Backend}: core's one {@link Forward} pass on the Vector API kernels, on the heap. */
public final class SimdBackend implements Backend {
    public static final String NAME = "simd";

    private final Weights w;

    public SimdBackend(Weights weights) { this.w = weights; }

    @Override public String name() { return NAME; }

    @Override public String device() { return "cpu"; }

    @Override
    public ActivationCache run(int[] tokens, RunOptions opt) {
        ModelConfig cfg = w.config();
        Forward.check(cfg, tokens, 0);
        Tensor logits = Tensor.zeros(tokens.length, cfg.dVocab());
        Recorder rec = new Recorder(opt);
        new Forward(w, 0, tokens.length, new PassMemory.Own(logits), rec, () -> {}).run(tokens);
        logits = rec.hook(HookPoint.LOGITS, logits);
        return new ActivationCache(tokens, rec.stored(), logits);
    }

    @Override
    public Map<String, Tensor> extend(KeyValueCache.Writer out, int[] tokens, RunOptions opt, Runnable checkpoint) {
        Recorder rec = new Recorder(opt);
        new Forward(w, out.from(), tokens.length, new PassMemory.Cache(out.kv(), out.from(), out.pending()), rec, checkpoint).run(tokens);
        return rec.stored();
    }

    /** The provider ServiceLoader finds in core. */
    public static final class Provider implements BackendProvider {
        @Override public String name() { return NAME; }

        @Override public Backend open(Weights weights) { return new SimdBackend(weights); }
    }
}
