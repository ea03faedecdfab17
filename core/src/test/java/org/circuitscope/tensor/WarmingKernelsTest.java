package org.circuitscope.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The scalar-then-SIMD switch: when it happens (its arithmetic is in {@link KernelsTest}). */
class WarmingKernelsTest {

    @Test
    void aStreakGrowsOnlyWhileTheTargetIsFaster() {
        assertEquals(1, WarmingKernels.nextStreak(0, 10, 20));
        assertEquals(3, WarmingKernels.nextStreak(2, 10, 20));
        assertEquals(0, WarmingKernels.nextStreak(2, 20, 10), "a lost round starts over");
        assertEquals(0, WarmingKernels.nextStreak(2, 10, 10), "a tie is not a win");
    }

    @Test
    void callsGoToTheFirstKernelsUntilTheWarmUpEnds() {
        WarmingKernels k = new WarmingKernels(new ScalarKernels(), new SimdKernels());
        assertFalse(k.switched());
        assertTrue(k.name().endsWith("scalar until compiled"), k.name());
        k.warmUp(0);
        assertTrue(k.switched(), "the time limit switches even without a race");
        assertEquals(new SimdKernels().name(), k.name());
    }

    @Test
    void theRaceEndsWithTheTargetWinningOrTheLimit() {
        WarmingKernels k = new WarmingKernels(new ScalarKernels(), new SimdKernels());
        long limit = TimeUnit.SECONDS.toNanos(60);
        long t0 = System.nanoTime();
        int rounds = k.warmUp(limit);
        long took = System.nanoTime() - t0;
        assertTrue(k.switched());
        assertTrue(took >= limit || rounds >= WarmingKernels.WINS_NEEDED,
                "ended after " + rounds + " rounds in " + took / 1_000_000 + " ms, before the limit and without enough wins");
    }

    @Test
    void startingNowSwitchesWithoutWaitingForTheDelayedStart() throws Exception {
        // A delayed race far in the future, then a start now: the switch comes from the second.
        WarmingKernels k = new WarmingKernels(new ScalarKernels(), new SimdKernels()).startInBackground(TimeUnit.HOURS.toNanos(1), 0);
        assertFalse(k.switched());
        k.startNow();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!k.switched() && System.nanoTime() < deadline) Thread.sleep(10);
        assertTrue(k.switched(), "the race started now ended (limit 0) and switched");
    }

    @Test
    void eachGroupSwitchesWhenItsOwnTargetIsFaster() throws Exception {
        // The target's softmax is the slow one, the first's products: products switch, softmax waits for the limit.
        WarmingKernels k = new WarmingKernels(new Slowed(WarmingKernels.Group.PRODUCTS), new Slowed(WarmingKernels.Group.SOFTMAX));
        k.startInBackground(TimeUnit.HOURS.toNanos(1), TimeUnit.SECONDS.toNanos(5));
        k.startNow();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!k.switched(WarmingKernels.Group.PRODUCTS) && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(k.switched(WarmingKernels.Group.PRODUCTS), "the products' target won every round");
        assertFalse(k.switched(WarmingKernels.Group.SOFTMAX), "the softmax's target lost every round");
        assertFalse(k.switched());
        assertTrue(k.awaitSwitch(java.time.Duration.ofSeconds(30)), "the limit switches the rest");
        assertTrue(k.switched(WarmingKernels.Group.SOFTMAX));
    }

    /** The scalar kernels, with every call of one group made a millisecond slower. */
    private record Slowed(WarmingKernels.Group slow) implements Kernels {
        private static final Kernels K = new ScalarKernels();

        private void pause(WarmingKernels.Group g) {
            if (g != slow) return;
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override public String name() { return "slowed " + slow; }

        @Override
        public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                         float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
            pause(WarmingKernels.Group.PRODUCTS);
            K.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        }

        @Override
        public void gemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k,
                                float[] a, int aOff, int lda, int aStride, float[] b, int bOff, int ldb, int bStride,
                                float[] c, int cOff, int ldc, int cStride, boolean accumulate) {
            pause(WarmingKernels.Group.PRODUCTS);
            K.gemmBatched(batch, transA, transB, m, n, k, a, aOff, lda, aStride, b, bOff, ldb, bStride, c, cOff, ldc, cStride, accumulate);
        }

        @Override public float dot(float[] a, int aOff, float[] b, int bOff, int n) { pause(WarmingKernels.Group.ROWS); return K.dot(a, aOff, b, bOff, n); }

        @Override
        public void segmentDots(float[] a, int aOff, int lda, int rows, float[] x, int xOff, int segs, int seg, float[] out, int outOff, int ldo) {
            pause(WarmingKernels.Group.ROWS);
            K.segmentDots(a, aOff, lda, rows, x, xOff, segs, seg, out, outOff, ldo);
        }

        @Override public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) { pause(WarmingKernels.Group.ROWS); K.axpy(alpha, x, xOff, y, yOff, n); }

        @Override public void softmax(float[] x, int off, int n) { pause(WarmingKernels.Group.SOFTMAX); K.softmax(x, off, n); }

        @Override
        public float layerNorm(float[] x, int xOff, float[] out, int outOff, int n, float eps, float[] w, float[] b) {
            pause(WarmingKernels.Group.NORM);
            return K.layerNorm(x, xOff, out, outOff, n, eps, w, b);
        }

        @Override public void geluNew(float[] x, int off, int n) { pause(WarmingKernels.Group.ACTIVATIONS); K.geluNew(x, off, n); }

        @Override public void gelu(float[] x, int off, int n) { pause(WarmingKernels.Group.ACTIVATIONS); K.gelu(x, off, n); }

        @Override public void relu(float[] x, int off, int n) { pause(WarmingKernels.Group.ACTIVATIONS); K.relu(x, off, n); }

        @Override public void silu(float[] x, int off, int n) { pause(WarmingKernels.Group.ACTIVATIONS); K.silu(x, off, n); }
    }
}
