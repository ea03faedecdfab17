package org.circuitscope.train;

import java.io.PrintStream;

/**
 * The training progress line: step, loss, held-out loss, tokens/s and ETA. On a terminal it
 * redraws one line; in a log file it writes a line every few seconds, so logs stay readable.
 */
final class Progress {
    private final PrintStream out;
    private final int total, start;
    private final boolean tty = System.console() != null;
    private final long t0 = System.nanoTime();
    private long lastPrint;
    private double emaLoss = Double.NaN, heldout = Double.NaN, tokPerSec = Double.NaN;
    private String heads = "";

    Progress(PrintStream out, int total, int start) {
        this.out = out;
        this.total = total;
        this.start = start;
    }

    void step(int step, double[] losses, double synthFrac) {
        double mean = 0;
        for (double l : losses) mean += l / losses.length;
        emaLoss = Double.isNaN(emaLoss) ? mean : 0.9 * emaLoss + 0.1 * mean;
        long now = System.nanoTime();
        if (!tty && now - lastPrint < 10_000_000_000L && step != total) return;
        lastPrint = now;
        double elapsed = (now - t0) / 1e9, per = elapsed / Math.max(1, step - start);
        long eta = Math.round(per * (total - step));
        int width = 24, filled = (int) ((long) width * step / total);
        String bar = "#".repeat(filled) + "-".repeat(width - filled);
        String line = String.format("[%s] step %d/%d  loss %.3f  held-out %s  %s tok/s  synth %.0f%%  ETA %dm%02ds%s", bar, step, total, emaLoss,
                Double.isNaN(heldout) ? "-" : String.format("%.3f", heldout), Double.isNaN(tokPerSec) ? "-" : String.format("%,.0f", tokPerSec),
                synthFrac * 100, eta / 60, eta % 60, heads);
        if (tty) out.print("\r" + line + "   ");
        else out.println(line);
        out.flush();
    }

    void eval(Trainer.Eval e) {
        heldout = e.heldoutLoss();
        tokPerSec = e.tokensPerSecond();
        // A zero-layer model has no heads to score.
        boolean heads0 = e.prevToken().length > 0;
        heads = heads0 ? String.format("  prev L0 %.2f  ind %.2f", max(e.prevToken()[0]), max(e.induction()[e.induction().length - 1])) : "";
        if (tty) out.println();
        out.printf("eval step %d: train %.3f held-out %.3f%s, %,.0f tok/s%n", e.step(), e.trainLoss(), e.heldoutLoss(),
                heads0 ? String.format(" best prev-token (layer 0) %.2f best induction (last layer) %.2f",
                        max(e.prevToken()[0]), max(e.induction()[e.induction().length - 1])) : "",
                e.tokensPerSecond());
    }

    void done() { if (tty) out.println(); }

    private static double max(double[] a) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : a) m = Math.max(m, v);
        return m;
    }
}
