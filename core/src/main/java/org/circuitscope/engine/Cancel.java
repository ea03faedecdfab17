package org.circuitscope.engine;

import java.util.concurrent.CancellationException;

/**
 * Asks whether the work in progress should stop; long work calls {@link #check()} between
 * steps. Our own interface so that the engine, the command line and batch jobs need no
 * protocol library: the language server adapts its request cancellation to it.
 */
@FunctionalInterface
public interface Cancel {
    /** Work that is never cancelled (the command line, tests). */
    Cancel NEVER = () -> {};

    /** Returns when the work may go on; throws {@link CancellationException} when it must stop. */
    void check();
}
