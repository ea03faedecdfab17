package org.circuitscope.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.circuitscope.tensor.Tensor;

/**
 * Where a model's forward pass runs: the Vector API kernels in core ({@link SimdBackend},
 * "simd") or another engine found through a {@link BackendProvider} ("djl": PyTorch through
 * DJL, on a GPU where there is one). Every backend passes the same hook points ({@link
 * HookPoint#all}) in the same order, records only what {@link RunOptions} names and runs its
 * hooks on heap tensors, so every analysis that runs a {@link Transformer} runs on any backend.
 * Weight-only analyses (QK/OV circuits, composition) and the backward pass read core's
 * weights and do not come here.
 */
public interface Backend extends AutoCloseable {
    /** The name users select it by ("simd", "djl"). */
    String name();

    /** Where it computes, for logs and results ("cpu", "gpu(0)"). */
    String device();

    /** A full run from position 0 (no BOS added): what {@link Transformer#run} returns. */
    ActivationCache run(int[] tokens, RunOptions opt);

    /**
     * Positions [from, tokens.length) of {@code tokens}, reading the keys and values of
     * positions &lt; from from {@code out}'s cache and writing the new rows through {@code
     * out}; returns what {@code opt} records (the caller asks for nothing unless from is 0).
     * Called by {@link IncrementalForward#extend}, which holds the cache's lock.
     */
    Map<String, Tensor> extend(KeyValueCache.Writer out, int[] tokens, RunOptions opt, Runnable checkpoint);

    /**
     * Several prompts (of any lengths), each as {@link #run} would run it alone; a backend
     * that batches pads and masks them. Hooks see each prompt's own activations.
     */
    default List<ActivationCache> runBatch(List<int[]> prompts, RunOptions opt) {
        List<ActivationCache> out = new ArrayList<>(prompts.size());
        for (int[] p : prompts) out.add(run(p, opt));
        return out;
    }

    /** Frees what the backend holds for its model (device memory); a closed backend runs nothing. */
    @Override
    default void close() {}
}
