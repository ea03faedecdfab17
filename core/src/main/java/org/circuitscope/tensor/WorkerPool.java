package org.circuitscope.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * The pool that runs kernel work, sized to the cores and separate from the common ForkJoin
 * pool (LSP4J and callers use that one; kernels must never starve them or be starved).
 */
public final class WorkerPool {
    private static final int THREADS = Integer.getInteger("circuitscope.threads",
            Runtime.getRuntime().availableProcessors());
    /** Numbers the pool's threads: getPoolIndex() is still 0 inside the factory, so every thread was "-0". */
    private static final java.util.concurrent.atomic.AtomicInteger NAMED = new java.util.concurrent.atomic.AtomicInteger();
    private static final ForkJoinPool POOL = new ForkJoinPool(THREADS, pool -> {
        var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("circuitscope-kernel-" + NAMED.getAndIncrement());
        t.setDaemon(true);
        return t;
    }, null, false);

    /** Bound while the caller wants its kernels on its own thread (see {@link #serially}). */
    private static final ScopedValue<Boolean> SERIAL = ScopedValue.newInstance();

    private WorkerPool() {}

    /**
     * Runs {@code work} with every kernel it calls on the calling thread. For short work that
     * shares the cores with latency-bound work: forking it would take every core for a moment
     * and make the other work wait for the scheduler.
     */
    public static <T, X extends Throwable> T serially(ScopedValue.CallableOp<T, X> work) throws X {
        return ScopedValue.where(SERIAL, Boolean.TRUE).call(work);
    }

    public static int threads() { return THREADS; }

    /**
     * Runs {@code body(i)} for i in [0, n), split into about {@code threads × 4} chunks. Runs
     * inline when n is 1, when already on a pool thread (nested parallelism would only add
     * overhead on a machine this size) and inside {@link #serially}.
     */
    public static void parallelFor(int n, IntConsumer body) {
        if (n <= 0) return;
        if (n == 1 || THREADS == 1 || onPool() || SERIAL.isBound()) {
            for (int i = 0; i < n; i++) body.accept(i);
            return;
        }
        int grain = Math.max(1, n / (THREADS * 4));
        POOL.invoke(new Range(0, n, grain, body));
    }

    /** False where {@link #parallelFor} would run its body inline (one thread, on the pool, inside {@link #serially}). */
    static boolean forks() {
        return THREADS > 1 && !onPool() && !SERIAL.isBound();
    }

    /** True on one of this pool's threads, where work runs inline rather than forking again. */
    public static boolean onPool() {
        return Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread w && w.getPool() == POOL;
    }

    private static final class Range extends RecursiveAction {
        private final int lo, hi, grain;
        private final IntConsumer body;

        Range(int lo, int hi, int grain, IntConsumer body) {
            this.lo = lo; this.hi = hi; this.grain = grain; this.body = body;
        }

        @Override
        protected void compute() {
            if (hi - lo <= grain) {
                for (int i = lo; i < hi; i++) body.accept(i);
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Range(lo, mid, grain, body), new Range(mid, hi, grain, body));
        }
    }
}
