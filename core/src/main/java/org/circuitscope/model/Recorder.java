package org.circuitscope.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.circuitscope.tensor.Tensor;

/**
 * What one forward pass records and which hooks it runs ({@link RunOptions}), and what it
 * recorded, in forward order.
 */
final class Recorder {
    private final RunOptions opt;
    private final Map<String, Tensor> stored = new LinkedHashMap<>();

    Recorder(RunOptions opt) { this.opt = opt; }

    /** Records nothing and runs no hooks (the edit of a document, past its first pass). */
    static Recorder none() { return new Recorder(RunOptions.none()); }

    /**
     * Runs the hook on {@code name}, if any, and records what flows on when asked to. The
     * tensor returned is what the pass continues with.
     */
    Tensor hook(String name, Tensor value) {
        Hook h = opt.hooks().get(name);
        Tensor out = value;
        if (h != null) {
            out = h.apply(value, name);
            if (out == null || !Arrays.equals(out.shape(), value.shape())) {
                throw new IllegalStateException("hook on " + name + " must return a tensor of shape " + Arrays.toString(value.shape()));
            }
        }
        if (opt.names().test(name)) stored.put(name, out);
        return out;
    }

    /** Whether the activation outlives the stage that made it (recorded or handed to a hook): then later stages must not write in it. */
    boolean wants(String name) { return opt.wants(name); }

    /** Whether a hook runs on {@code name}. */
    boolean hooks(String name) { return opt.hooks().containsKey(name); }

    /** What was recorded, in forward order. */
    Map<String, Tensor> stored() { return Collections.unmodifiableMap(stored); }
}
