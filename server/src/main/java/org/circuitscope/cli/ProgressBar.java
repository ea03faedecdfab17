package org.circuitscope.cli;

import java.io.Console;
import java.io.PrintStream;
import org.circuitscope.circuits.WorkProgress;

/**
 * A one-line progress bar on standard error for a command made of phases: drawn only on a
 * terminal and only once the command has run for a second (short runs stay silent), redrawn in
 * place at most ten times a second, erased when closed. Piped or redirected runs print nothing,
 * so logs and {@code --json} output stay clean.
 */
final class ProgressBar implements AutoCloseable {
    private static final long SHOW_AFTER_NANOS = 1_000_000_000L, REDRAW_NANOS = 100_000_000L;
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    ProgressBar(PrintStream err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    /** A bar on {@link System#err} when this JVM runs on a terminal. */
    static ProgressBar onTerminal() {
        Console c = System.console();
        return new ProgressBar(System.err, c != null && c.isTerminal());
    }

    /**
     * The progress of one phase, which spans fractions [from, to) of the whole command: its
     * done/total reports move the bar from {@code from} towards {@code to}.
     */
    WorkProgress phase(String name, double from, double to) {
        at(name, from);
        return (done, total) -> at(name, from + (to - from) * Math.min(1, done / (double) Math.max(1, total)));
    }

    /** Draws the bar at this fraction of the whole with the phase's name, if it is time to. */
    void at(String phase, double fraction) {
        if (!enabled) return;
        long now = System.nanoTime();
        if (now - start < SHOW_AFTER_NANOS || (drawn && now - lastDraw < REDRAW_NANOS)) return;
        lastDraw = now;
        drawn = true;
        err.print("\r" + line(phase, fraction, (now - start) / 1e9) + "\u001b[K");
        err.flush();
    }

    /** "[#####.....]  42% composition scores  3.1 s". */
    static String line(String phase, double fraction, double seconds) {
        double f = Math.max(0, Math.min(1, fraction));
        int filled = (int) Math.round(f * WIDTH);
        return "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + String.format("%3d%% %s  %.1f s", Math.round(f * 100), phase, seconds);
    }

    @Override
    public void close() {
        if (drawn) {
            err.print("\r\u001b[K");
            err.flush();
            drawn = false;
        }
    }
}
