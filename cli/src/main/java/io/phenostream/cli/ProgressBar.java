package io.phenostream.cli;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line text progress bar: files, bytes and rate. Redraws at most every 200 ms. */
final class ProgressBar {

    private final String label;
    private final PrintStream out;
    private final long start = System.nanoTime();
    private long lastDraw;

    ProgressBar(final String label, final PrintStream out) {
        this.label = label;
        this.out = out;
    }

    synchronized void update(final int filesDone, final int filesTotal, final long bytesDone, final long bytesTotal) {
        final long now = System.nanoTime();
        if (filesDone < filesTotal && now - lastDraw < 200_000_000L) {
            return;
        }
        lastDraw = now;
        final int width = 30;
        final int filled = filesTotal == 0 ? width : (int) ((long) width * filesDone / filesTotal);
        final double seconds = Math.max(1e-3, (now - start) / 1e9);
        out.printf(Locale.ROOT, "\r%s [%s%s] %d/%d files, %.1f/%.1f MB, %.1f MB/s", label, "#".repeat(filled),
            " ".repeat(width - filled), filesDone, filesTotal, bytesDone / 1e6, bytesTotal / 1e6, bytesDone / 1e6 / seconds);
        if (filesDone >= filesTotal) {
            out.println();
        }
        out.flush();
    }
}
