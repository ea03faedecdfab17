package org.circuitscope.engine;

import org.circuitscope.circuits.WorkProgress;

/**
 * Long work shown to the user while it runs ({@code $/progress} in the language server): its
 * share done through {@link #advance}, its end through {@link #close}.
 */
public interface TrackedWork extends WorkProgress, AutoCloseable {
    @Override
    void close();

    /** Begin and end only, from a plain progress handle (no share reported in between). */
    static TrackedWork of(AutoCloseable handle) {
        return new TrackedWork() {
            @Override public void advance(int done, int total) {}

            @Override
            public void close() {
                try {
                    handle.close();
                } catch (Exception e) {
                    throw new IllegalStateException("ending a progress report failed", e);
                }
            }
        };
    }
}
