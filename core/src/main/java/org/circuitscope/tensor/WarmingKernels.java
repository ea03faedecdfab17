package org.circuitscope.tensor;

import java.util.SplittableRandom;

/**
 * The SIMD kernels, answered by the scalar ones until the SIMD ones are faster. Until C2 has
 * compiled it the Vector API is many times slower than plain loops (every vector is a heap
 * object), so a fresh JVM, such as a language server's first analysis or a one-shot CLI
 * command, finishes sooner on scalar code. {@link #warmUp} exercises both implementations on
 * small products and rows (with tails on every tile) and switches every later call to SIMD once
 * SIMD has won {@link #WINS_NEEDED} rounds in a row, or once {@code limitNanos} has passed.
 *
 * <p>A call already running finishes on the implementation it started on, so one forward pass
 * may mix the two: both are tested against the same float64 references. Work that must repeat
 * bit for bit (corpus scans) waits for the switch first ({@link #awaitSwitch}).
 */
final class WarmingKernels implements Kernels {
    /** Consecutive rounds SIMD must win: one win can be a scheduling accident on a busy machine. */
    static final int WINS_NEEDED = 3;
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(WarmingKernels.class.getName());

    private final Kernels first;
    private final Kernels target;
    private volatile Kernels current;

    WarmingKernels(Kernels first, Kernels target) {
        this.first = first;
        this.target = target;
        this.current = first;
    }

    /**
     * Starts {@link #warmUp} on a daemon thread after {@code delayNanos} (it ends with the
     * switch). The delay leaves the cores to the first calls, which are short on scalar code;
     * racing during them would slow them down on a two-core machine.
     */
    WarmingKernels startInBackground(long delayNanos, long limitNanos) {
        this.limitNanos = limitNanos;
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(java.time.Duration.ofNanos(delayNanos));
            } catch (InterruptedException e) {
                return;
            }
            if (started.compareAndSet(false, true)) warmUp(limitNanos);
        }, "circuitscope-kernel-warm-up");
        t.setDaemon(true);
        t.start();
        return this;
    }

    /**
     * Starts the race now on a daemon thread, unless it has started: for a caller that knows
     * heavy work is coming and the cores are free meanwhile (a language server before its first
     * document, while it loads the model), so the first pass finds the SIMD kernels compiled.
     */
    void startNow() {
        if (!started.compareAndSet(false, true)) return;
        Thread t = new Thread(() -> warmUp(limitNanos), "circuitscope-kernel-warm-up-now");
        t.setDaemon(true);
        t.start();
    }

    /** Whether a race has started (at most one runs). */
    private final java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile long limitNanos = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    /** Counted down at the switch. */
    private final java.util.concurrent.CountDownLatch switchedLatch = new java.util.concurrent.CountDownLatch(1);

    /** True once calls go to the target kernels. */
    boolean switched() { return current == target; }

    /** Sends every later call to the target kernels now, compiled or not; ends a race that runs. */
    void switchNow() {
        started.set(true);
        current = target;
        switchedLatch.countDown();
    }

    /** Waits up to {@code maxWait} for the switch; true once calls go to the target kernels. */
    boolean awaitSwitch(java.time.Duration maxWait) throws InterruptedException {
        return switchedLatch.await(maxWait.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS) || switched();
    }

    /**
     * Races the two implementations on the same work until the target wins {@link #WINS_NEEDED}
     * rounds in a row or {@code limitNanos} has passed, then switches to the target. Returns the
     * number of rounds run.
     */
    int warmUp(long limitNanos) {
        Workload w = new Workload();
        long start = System.nanoTime();
        int wins = 0, rounds = 0;
        while (wins < WINS_NEEDED && current != target && System.nanoTime() - start < limitNanos) {
            long t0 = System.nanoTime();
            w.run(target);
            long t1 = System.nanoTime();
            w.run(first);
            long t2 = System.nanoTime();
            wins = nextStreak(wins, t1 - t0, t2 - t1);
            rounds++;
        }
        current = target;
        switchedLatch.countDown();
        long ms = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        int r = rounds;
        boolean won = wins >= WINS_NEEDED;
        // A timeline of a cold start needs this moment (bench LspColdStart --breakdown).
        LOG.fine(() -> "kernels switched to " + target.name() + " after " + r + " rounds, " + ms + " ms" + (won ? "" : " (time limit)"));
        return rounds;
    }

    /** The new count of consecutive wins after a round where the target took {@code targetNanos}. */
    static int nextStreak(int wins, long targetNanos, long firstNanos) {
        return targetNanos < firstNanos ? wins + 1 : 0;
    }

    /**
     * Every kernel on sizes off the tile and vector widths, small enough that products run on
     * the calling thread (the worker pool stays free for real work).
     */
    private static final class Workload {
        private static final int M = 37, N = 45, K = 70, ROW = 131, BATCH = 3;
        private final float[] a, b, c, x, y, w, bias, out;

        Workload() {
            SplittableRandom r = new SplittableRandom(1);
            a = fill(r, M * K);
            b = fill(r, BATCH * K * N);
            c = new float[BATCH * M * N];
            x = fill(r, ROW);
            y = fill(r, ROW);
            w = fill(r, ROW);
            bias = fill(r, ROW);
            out = new float[ROW];
        }

        private static float[] fill(SplittableRandom r, int n) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() - 0.5);
            return v;
        }

        void run(Kernels k) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                k.gemm(ta, tb, M, N, K, a, 0, ta ? M : K, b, 0, tb ? K : N, c, 0, N, t == 3);
            }
            k.gemmBatched(BATCH, false, true, M, N, K, a, 0, K, 0, b, 0, K, K * N, c, 0, N, M * N, false);
            // One row: the unpacked path of one-token passes.
            k.gemm(false, false, 1, N, K, a, 0, K, b, 0, N, c, 0, N, false);
            float s = k.dot(x, 0, y, 0, ROW);
            k.segmentDots(a, 0, K, M, x, 0, 2, K / 2, c, 0, M);
            k.axpy(s * 1e-3f, x, 0, y, 0, ROW);
            System.arraycopy(x, 0, out, 0, ROW);
            k.softmax(out, 0, ROW);
            out[0] = (float) k.logSumExp(x, 0, ROW) + k.countAbove(x, 0, ROW, s, true);
            k.layerNorm(x, 0, out, 0, ROW, 1e-5f, w, bias);
            k.layerNorm(x, 0, out, 0, ROW, 1e-5f, null, null);
            k.geluNew(out, 0, ROW);
            k.gelu(out, 0, ROW);
            k.relu(out, 0, ROW);
            k.silu(out, 0, ROW);
        }
    }

    @Override public String name() { return switched() ? target.name() : target.name() + ", scalar until compiled"; }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        current.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    @Override
    public void gemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOff, int lda, int aStride, float[] b, int bOff, int ldb, int bStride,
                            float[] c, int cOff, int ldc, int cStride, boolean accumulate) {
        current.gemmBatched(batch, transA, transB, m, n, k, a, aOff, lda, aStride, b, bOff, ldb, bStride, c, cOff, ldc, cStride, accumulate);
    }

    @Override public float dot(float[] a, int aOff, float[] b, int bOff, int n) { return current.dot(a, aOff, b, bOff, n); }

    @Override
    public void segmentDots(float[] a, int aOff, int lda, int rows, float[] x, int xOff, int segs, int seg, float[] out, int outOff, int ldo) {
        current.segmentDots(a, aOff, lda, rows, x, xOff, segs, seg, out, outOff, ldo);
    }

    @Override public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) { current.axpy(alpha, x, xOff, y, yOff, n); }

    @Override public void softmax(float[] x, int off, int n) { current.softmax(x, off, n); }

    @Override public double logSumExp(float[] x, int off, int n) { return current.logSumExp(x, off, n); }

    @Override public int countAbove(float[] x, int off, int n, float t, boolean orEqual) { return current.countAbove(x, off, n, t, orEqual); }

    @Override
    public float layerNorm(float[] x, int xOff, float[] out, int outOff, int n, float eps, float[] w, float[] b) {
        return current.layerNorm(x, xOff, out, outOff, n, eps, w, b);
    }

    @Override public void geluNew(float[] x, int off, int n) { current.geluNew(x, off, n); }

    @Override public void gelu(float[] x, int off, int n) { current.gelu(x, off, n); }

    @Override public void relu(float[] x, int off, int n) { current.relu(x, off, n); }

    @Override public void silu(float[] x, int off, int n) { current.silu(x, off, n); }

    @Override
    public void gemmBatched16(int batch, int m, int n, int k, float[] a, int aOff, int lda, int aStride,
                              short[] b, DType bType, int bOff, int ldb, int bStride,
                              float[] c, int cOff, int ldc, int cStride, boolean accumulate) {
        current.gemmBatched16(batch, m, n, k, a, aOff, lda, aStride, b, bType, bOff, ldb, bStride, c, cOff, ldc, cStride, accumulate);
    }
}
