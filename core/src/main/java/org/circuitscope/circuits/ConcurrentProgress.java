package org.circuitscope.circuits;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link WorkProgress} fed by units of work finishing on several threads at once (heads done in
 * parallel): each finished unit counts one, and the reports reach the underlying progress one at a
 * time and never go back, as if one thread had done the work in some order.
 */
final class ConcurrentProgress {
    private final WorkProgress progress;
    private final int total;
    private final AtomicInteger done = new AtomicInteger();
    private int reported;

    ConcurrentProgress(WorkProgress progress, int total) {
        this.progress = progress;
        this.total = total;
    }

    /** One more unit done. */
    void unitDone() {
        int d = done.incrementAndGet();
        synchronized (this) {
            if (d <= reported) return;
            reported = d;
            progress.advance(d, total);
        }
    }
}
