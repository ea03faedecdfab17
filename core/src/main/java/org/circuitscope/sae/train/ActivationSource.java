package org.circuitscope.sae.train;

/** Where training activations come from: a fresh batch of rows per step, never stored beyond it. */
public interface ActivationSource {
    /** A batch of activation rows, n × d_in, row-major. */
    record Batch(float[] x, int n) {}

    /** The batch of step {@code step}; the same step gives the same batch, so a resumed run sees what it would have. */
    Batch batch(long seed, int step);
}
