package io.phenostream.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C for long-running commands: the shutdown hook interrupts the command's thread and waits (up to 30 s)
 * until the command has closed its resources, so a plate being ingested is not cut off mid-record and the
 * embedded servers stop cleanly. Open it first in a try-with-resources so it closes last.
 */
final class StopSignal implements AutoCloseable {

    private final CountDownLatch closed = new CountDownLatch(1);

    StopSignal() {
        final Thread worker = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.interrupt();
            try {
                closed.await(30, TimeUnit.SECONDS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stop-signal"));
    }

    /** Blocks until Ctrl-C (or another shutdown). */
    void await() {
        try {
            new CountDownLatch(1).await();
        } catch (final InterruptedException stop) {
            // the shutdown hook: return and let try-with-resources close everything
        }
    }

    @Override
    public void close() {
        closed.countDown();
    }
}
