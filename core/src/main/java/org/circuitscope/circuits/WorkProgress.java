package org.circuitscope.circuits;

/**
 * Where a long analysis stands: called after each unit of work with the units done so far and
 * the total, from the thread doing the work. The command line draws it as a progress bar, the
 * language server as {@code $/progress} reports.
 */
@FunctionalInterface
public interface WorkProgress {
    /** Ignores every report. */
    WorkProgress NONE = (done, total) -> {};

    void advance(int done, int total);
}
