package org.circuitscope.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    @Test
    void everyIndexRunsOnceWithOrWithoutThePool() {
        for (boolean serial : new boolean[] {false, true}) {
            AtomicIntegerArray seen = new AtomicIntegerArray(1000);
            Runnable r = () -> WorkerPool.parallelFor(1000, seen::incrementAndGet);
            if (serial) WorkerPool.serially(() -> { r.run(); return null; });
            else r.run();
            int[] once = new int[1000], got = new int[1000];
            java.util.Arrays.fill(once, 1);
            for (int i = 0; i < 1000; i++) got[i] = seen.get(i);
            assertArrayEquals(once, got, "serial=" + serial);
        }
    }

    @Test
    void insideSeriallyNoWorkLeavesTheCallingThread() {
        Thread caller = Thread.currentThread();
        Set<Thread> ran = ConcurrentHashMap.newKeySet();
        int result = WorkerPool.serially(() -> {
            WorkerPool.parallelFor(64, i -> ran.add(Thread.currentThread()));
            return 7;
        });
        assertEquals(7, result);
        assertEquals(Set.of(caller), ran);
    }
}
