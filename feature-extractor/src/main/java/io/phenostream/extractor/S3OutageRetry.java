package io.phenostream.extractor;

import io.phenostream.common.s3.S3Errors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the worker's S3 calls (image GETs, cell-table, label-image and illumination PUTs) through an S3 outage:
 * transient failures ({@link S3Errors#isTransient}: no connection, timeouts, 5xx, throttling) are retried with
 * backoff (200 ms doubling to 10 s) for up to the retry window ({@code phenostream.extractor.s3-retry-ms}), so an
 * outage shorter than that never turns sites into FAILED ones (they would be lost from their plate). Anything else,
 * e.g. a 404 or a checksum mismatch, fails at once: retrying cannot fix it. Every call is idempotent (a GET, or a
 * PUT of the whole object at a key of its own), so a retry after a lost response is harmless. Thread-safe.
 */
final class S3OutageRetry {

    private static final Logger LOG = LoggerFactory.getLogger(S3OutageRetry.class);
    private static final long FIRST_DELAY_MS = 200;
    private static final long MAX_DELAY_MS = 10_000;

    private final long windowNanos;
    private volatile boolean unavailable;

    /** @param windowMs how long one call retries while S3 is unreachable; 0 = no retries */
    S3OutageRetry(final long windowMs) {
        this.windowNanos = TimeUnit.MILLISECONDS.toNanos(windowMs);
    }

    /** Whether the last attempt of any call found S3 unreachable (readiness: the worker cannot work now). */
    boolean unavailable() {
        return unavailable;
    }

    /**
     * The result of {@code op}, retried while its failures are transient and the next attempt falls in the window.
     *
     * @param what what the call does, for the log
     */
    <T> T call(final String what, final Supplier<T> op) {
        final long deadline = System.nanoTime() + windowNanos;
        long delayMs = FIRST_DELAY_MS;
        for (int attempt = 1; ; attempt++) {
            try {
                final T result = op.get();
                unavailable = false;
                return result;
            } catch (final RuntimeException e) {
                if (!S3Errors.isTransient(e)) {
                    throw e;
                }
                unavailable = true;
                if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs) > deadline) {
                    throw e;
                }
                LOG.warn("S3 unreachable ({}, attempt {}), retrying in {} ms: {}", what, attempt, delayMs,
                    e.getMessage());
                try {
                    Thread.sleep(delayMs);
                } catch (final InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                delayMs = Math.min(delayMs * 2, MAX_DELAY_MS);
            }
        }
    }
}
