package org.circuitscope.model;

import org.circuitscope.tensor.Tensor;

/**
 * A GPT-2-family decoder with TransformerLens's hook points: token and learned positional
 * embeddings, pre-norm blocks (LN, LNPre or none) of causal multi-head attention and, unless
 * attention-only, an MLP; final norm and unembedding. Right-multiplying weights (x·W) as in
 * TransformerLens. Immutable and safe to share between threads.
 *
 * <p>A run goes to the model's {@link Backend} (core's SIMD one unless {@link #on} chose
 * another): on simd it is the one {@link Forward} pass from position 0 that keeps nothing past
 * itself; a document's edits continue a {@link KeyValueCache} through the same pass
 * ({@link IncrementalForward}). A stored activation never changes under later stages, and a
 * hook's replacement is exactly what the next stage reads.
 */
public final class Transformer {
    private final ModelConfig cfg;
    private final Weights w;
    private final Backend backend;

    /** The model on the default backend, core's SIMD forward pass. */
    public Transformer(Weights weights) { this(weights, new SimdBackend(weights)); }

    private Transformer(Weights weights, Backend backend) {
        this.w = weights;
        this.cfg = weights.config();
        this.backend = backend;
    }

    /** The same weights running on {@code b} (opened over these weights); the caller closes {@code b}. */
    public Transformer on(Backend b) { return new Transformer(w, b); }

    /** The same model on core's SIMD backend (what the backward pass differentiates). */
    public Transformer simd() { return backend instanceof SimdBackend ? this : new Transformer(w); }

    public ModelConfig config() { return cfg; }

    public Weights weights() { return w; }

    /** Where {@link #run} computes. */
    public Backend backend() { return backend; }

    /** Logits {@code [pos, d_vocab]} for exactly these tokens (no BOS is added here). */
    public Tensor forward(int[] tokens) { return run(tokens, RunOptions.none()).logits(); }

    /** Runs and stores every activation (TransformerLens's {@code run_with_cache}). */
    public ActivationCache runWithCache(int[] tokens) { return run(tokens, RunOptions.cacheAll()); }

    /** Runs with a names filter and hooks. */
    public ActivationCache run(int[] tokens, RunOptions opt) {
        Forward.check(cfg, tokens, 0);
        return backend.run(tokens, opt);
    }

    /** Several prompts, each as {@link #run} alone would run it (a backend may batch them). */
    public java.util.List<ActivationCache> runBatch(java.util.List<int[]> prompts, RunOptions opt) {
        for (int[] p : prompts) Forward.check(cfg, p, 0);
        return backend.runBatch(prompts, opt);
    }
}
