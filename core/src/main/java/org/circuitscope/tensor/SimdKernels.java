package org.circuitscope.tensor;

/** Vector API kernels (placeholder until the SIMD paths land: delegates to the scalar loops). */
public final class SimdKernels extends ScalarKernels {
    @Override
    public String name() { return "simd (placeholder)"; }
}
