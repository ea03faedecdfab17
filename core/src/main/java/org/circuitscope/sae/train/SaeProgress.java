package org.circuitscope.sae.train;

import java.io.PrintStream;

/** The train-sae progress bar: one redrawn line on a terminal, a line every few seconds in a log. */
final class SaeProgress {
    private final PrintStream out;
    private final int total, start;
    private final boolean tty = System.console() != null;
    private final long t0 = System.nanoTime();
    private long lastPrint, tokens;
    private double mse = Double.NaN, l0 = Double.NaN;

    SaeProgress(PrintStream out, int total, int start) {
        this.out = out;
        this.total = total;
        this.start = start;
    }

    void step(int step, SaeObjective.Step r, int n, int dead, int resampled) {
        long active = 0;
        for (int f : r.fired()) active += f;
        double stepL0 = active / (double) n;
        mse = Double.isNaN(mse) ? r.mse() : 0.95 * mse + 0.05 * r.mse();
        l0 = Double.isNaN(l0) ? stepL0 : 0.95 * l0 + 0.05 * stepL0;
        tokens += n;
        long now = System.nanoTime();
        if (resampled == 0 && (!tty && now - lastPrint < 5_000_000_000L || tty && now - lastPrint < 200_000_000L) && step != total) return;
        lastPrint = now;
        double elapsed = (now - t0) / 1e9;
        long eta = Math.round(elapsed / Math.max(1, step - start) * (total - step));
        int width = 24, filled = (int) ((long) width * step / total);
        String line = String.format("[%s] step %d/%d  mse %.4f  L0 %.1f  dead %d  %,.0f tok/s  ETA %dm%02ds%s",
                "#".repeat(filled) + "-".repeat(width - filled), step, total, mse, l0, dead, tokens / elapsed, eta / 60, eta % 60,
                resampled > 0 ? "  resampled " + resampled : "");
        if (tty) out.print("\r" + line + "   ");
        else out.println(line);
        out.flush();
    }

    void done() { if (tty) out.println(); }
}
