package org.circuitscope.tensor;

import java.util.concurrent.TimeUnit;

/**
 * Picks the kernel implementation once per JVM from {@code -Dcircuitscope.simd} and
 * {@code -Dcircuitscope.vectorBits} ({@link VectorWidth}): {@code simd=false} or
 * {@code vectorBits=0} gives the scalar kernels; otherwise SIMD at that width, answered by the scalar kernels until the SIMD ones
 * are compiled ({@link WarmingKernels}: its race starts after {@link #WARM_UP_DELAY_MS} and
 * gives up waiting after {@link #WARM_UP_LIMIT_S}).
 */
final class KernelsHolder {
    static final long WARM_UP_LIMIT_S = 30;
    /** Long enough for a language server's first analysis and hover of a small model. */
    static final long WARM_UP_DELAY_MS = 2_000;

    static final Kernels INSTANCE = Boolean.parseBoolean(System.getProperty("circuitscope.simd", "true")) && !VectorWidth.scalar()
            ? new WarmingKernels(new ScalarKernels(), new SimdKernels()).startInBackground(TimeUnit.MILLISECONDS.toNanos(WARM_UP_DELAY_MS), TimeUnit.SECONDS.toNanos(WARM_UP_LIMIT_S))
            : new ScalarKernels();

    private KernelsHolder() {}
}
