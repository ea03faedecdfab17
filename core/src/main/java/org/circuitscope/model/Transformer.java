package org.circuitscope.model;

import org.circuitscope.tensor.Tensor;

/**
 * A GPT-2-family decoder with TransformerLens's hook points: token and learned positional
 * embeddings, pre-norm blocks (LN, LNPre or none) of causal multi-head attention and, unless
 * attention-only, an MLP; final norm and unembedding. Right-multiplying weights (x·W) as in
 * TransformerLens. Immutable and safe to share between threads.
 *
 * <p>A run here is the one {@link Forward} pass from position 0 that keeps nothing past
 * itself; a document's edits continue a {@link KeyValueCache} through the same pass
 * ({@link IncrementalForward}). A stored activation never changes under later stages, and a
 * hook's replacement is exactly what the next stage reads.
 */
public final class Transformer {
    private final ModelConfig cfg;
    private final Weights w;

    public Transformer(Weights weights) {
        this.w = weights;
        this.cfg = weights.config();
    }

    public ModelConfig config() { return cfg; }

    public Weights weights() { return w; }

    /** Logits {@code [pos, d_vocab]} for exactly these tokens (no BOS is added here). */
    public Tensor forward(int[] tokens) { return run(tokens, RunOptions.none()).logits(); }

    /** Runs and stores every activation (TransformerLens's {@code run_with_cache}). */
    public ActivationCache runWithCache(int[] tokens) { return run(tokens, RunOptions.cacheAll()); }

    /** Runs with a names filter and hooks. */
    public ActivationCache run(int[] tokens, RunOptions opt) {
        Forward.check(cfg, tokens, 0);
        Tensor logits = Tensor.zeros(tokens.length, cfg.dVocab());
        Recorder rec = new Recorder(opt);
        new Forward(w, 0, tokens.length, new PassMemory.Own(logits), rec, () -> {}).run(tokens);
        logits = rec.hook(HookPoint.LOGITS, logits);
        return new ActivationCache(tokens, rec.stored(), logits);
    }
}
