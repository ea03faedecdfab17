package org.circuitscope.cli;

import java.io.PrintWriter;
import org.circuitscope.scan.ScanRunner;

/**
 * The scan's progress bar on stderr: tokens done of all, tokens/s of this run and the ETA. On a
 * terminal it redraws one line; in a log it writes a line every 10 seconds (as training does).
 */
final class ScanProgress implements ScanRunner.Listener {
    private final PrintWriter out;
    private final boolean tty = System.console() != null;
    private final long t0 = System.nanoTime();
    private long lastPrint;
    private boolean drew;

    ScanProgress(PrintWriter out) { this.out = out; }

    @Override
    public void progress(long done, long total, long skipped) {
        long now = System.nanoTime();
        boolean last = skipped + done >= total;
        if (!last && done > 0 && now - lastPrint < (tty ? 200_000_000L : 10_000_000_000L)) return;
        lastPrint = now;
        out.print((tty ? "\r" : "") + line(done, total, skipped, (now - t0) / 1e9) + (tty ? "   " : "\n"));
        if (tty && last) out.println();
        drew = true;
        out.flush();
    }

    /** {@code [####----] 1,234/5,678 tokens (1,000 from finished shards)  2,345 tok/s  ETA 0m12s}. */
    static String line(long done, long total, long skipped, double seconds) {
        long all = Math.max(1, total), at = skipped + done;
        int width = 24, filled = (int) (width * at / all);
        double rate = seconds > 0 ? done / seconds : Double.NaN;
        String eta = done == 0 || !(rate > 0) ? "-" : fmtTime(Math.round((total - at) / rate));
        return String.format("[%s] %,d/%,d tokens%s  %s tok/s  ETA %s", "#".repeat(filled) + "-".repeat(width - filled), at, total,
                skipped > 0 ? String.format(" (%,d from finished shards)", skipped) : "", Double.isNaN(rate) || done == 0 ? "-" : String.format("%,.0f", rate), eta);
    }

    private static String fmtTime(long s) { return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60) : String.format("%dm%02ds", s / 60, s % 60); }

    void done() { if (tty && !drew) out.println(); }
}
