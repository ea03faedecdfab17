package org.circuitscope.circuits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.circuitscope.tensor.WorkerPool;
import org.junit.jupiter.api.Test;

class ConcurrentProgressTest {

    @Test
    void unitsFinishingOnManyThreadsReachTheProgressInOrderOneAtATime() {
        int total = 500;
        List<Integer> seen = new ArrayList<>();
        int[] inside = {0};
        ConcurrentProgress p = new ConcurrentProgress((done, of) -> {
            // Not synchronized here: the wrapper must hand over one report at a time.
            inside[0]++;
            assertEquals(1, inside[0], "two reports at once");
            assertEquals(total, of);
            seen.add(done);
            inside[0]--;
        }, total);
        WorkerPool.parallelFor(total, i -> p.unitDone());
        assertTrue(seen.size() <= total);
        assertEquals(total, seen.getLast(), "the last report says all units are done");
        for (int i = 1; i < seen.size(); i++) assertTrue(seen.get(i) > seen.get(i - 1), "reports go up: " + seen);
    }
}
