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
    void awaitingTheSwitchReturnsOnceTheRaceHasEnded() throws Exception {
        WarmingKernels k = new WarmingKernels(new ScalarKernels(), new SimdKernels()).startInBackground(TimeUnit.HOURS.toNanos(1), 0);
        assertFalse(k.awaitSwitch(java.time.Duration.ofMillis(50)), "no race has run yet");
        k.startNow();
        assertTrue(k.awaitSwitch(java.time.Duration.ofSeconds(30)), "the race started now ended (limit 0)");
        assertTrue(k.switched());
    }
}
