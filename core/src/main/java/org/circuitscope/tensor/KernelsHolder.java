package org.circuitscope.tensor;

/** Picks the kernel implementation once per JVM from {@code -Dcircuitscope.simd}. */
final class KernelsHolder {
    static final Kernels INSTANCE = Boolean.parseBoolean(System.getProperty("circuitscope.simd", "true"))
            ? new SimdKernels() : new ScalarKernels();

    private KernelsHolder() {}
}
