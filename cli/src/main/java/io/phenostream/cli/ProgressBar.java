package io.phenostream.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line text progress bar: files, bytes and rate. On a terminal it redraws in place at most every 200 ms;
 * in a log (no console) it prints a line every 5 s, so CI logs and files stay readable.
 */
final class ProgressBar {

    private final String label;
    private final PrintStream out;
    private final long start = System.nanoTime();
    private final boolean terminal = System.console() != null;
    private long lastDraw;

    ProgressBar(final String label, final PrintStream out) {
        this.label = label;
        this.out = out;
    }

    synchronized void update(final int filesDone, final int filesTotal, final long bytesDone, final long bytesTotal) {
        final long now = System.nanoTime();
        final long interval = terminal ? 200_000_000L : 5_000_000_000L;
        if (filesDone < filesTotal && (now - lastDraw < interval || (!terminal && filesDone == 0))) {
            return;
        }
        lastDraw = now;
        final int width = 30;
        final int filled = filesTotal == 0 ? width : (int) ((long) width * filesDone / filesTotal);
        final double seconds = Math.max(1e-3, (now - start) / 1e9);
        out.printf(Locale.ROOT, (terminal ? "\r" : "") + "%s [%s%s] %d/%d files, %.1f/%.1f MB, %.1f MB/s", label, "#".repeat(filled),
            " ".repeat(width - filled), filesDone, filesTotal, bytesDone / 1e6, bytesTotal / 1e6, bytesDone / 1e6 / seconds);
        if (filesDone >= filesTotal || !terminal) {
            out.println();
        }
        out.flush();
    }
}
