package io.phenostream.ingest;

import io.phenostream.common.events.ImageSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The image sets of one folder push, sent without a wait per site: an upload thread hands its completed site to
 * the producer and goes on uploading while Kafka acknowledges ({@code acks=all} took 18 to 37 ms per site when
 * each upload thread waited for it, benchmarks/RESULTS.md). Resume stays exact:
 * <ul>
 *   <li>a site's receipt is written only after Kafka acknowledged its image set, and acknowledged sites share one
 *       receipt object per chunk ({@link #CHUNK_SITES} sites or {@link #MAX_CHUNK_NANOS}, whichever comes first),
 *       written by the upload thread that fills the chunk, never by the producer's I/O thread;</li>
 *   <li>{@link #awaitAll} waits once for everything sent and records every acknowledged site; a site Kafka
 *       refused fails it, naming the site, after the receipts of the others are written, so a push of the same
 *       folder again publishes exactly the sites that were not acknowledged;</li>
 *   <li>{@link #stop} does the same after a failure elsewhere (an upload), and refuses any later send.</li>
 * </ul>
 * Only a process killed between an acknowledgement and its chunk's receipt publishes those sites again on resume
 * (at least once, same key: downstream replaces by key).
 */
final class InFlightSites {

    /** Sites per receipt object at most. */
    static final int CHUNK_SITES = 32;
    /** An acknowledged site waits at most this long for its chunk's receipt (checked at each send). */
    static final long MAX_CHUNK_NANOS = 500_000_000L;

    private final RunPublisher publisher;
    private final String runKey;
    /**
     * Held while a site is handed to the producer and registered; never while the producer's I/O thread needs this
     * object's lock to record an acknowledgement (a send blocked on a full buffer would wait for that thread).
     */
    private final Object sendLock = new Object();
    /** Each sent site's acknowledgement, once recorded in {@link #acknowledged} (or as the failure). */
    private final List<CompletableFuture<?>> sent = new ArrayList<>();
    private boolean stopped;
    private final List<String> acknowledged = new ArrayList<>();
    private final AtomicInteger published = new AtomicInteger();
    private long oldestAcknowledged;
    private Throwable failure;

    InFlightSites(final RunPublisher publisher, final String runKey) {
        this.publisher = publisher;
        this.runKey = runKey;
    }

    /**
     * Sends a site (unless its receipt says it was published) and writes the receipt of a full or old chunk.
     *
     * @return false when the site was already published
     * @throws IllegalStateException when Kafka refused an earlier site of this push, or after {@link #stop}
     */
    boolean send(final ImageSet set) {
        synchronized (sendLock) {
            throwIfFailed();
            if (stopped) {
                throw new IllegalStateException("Site " + set.siteKey() + " not published: the push of " + runKey
                    + " stopped");
            }
            // registered under the lock: a site sent after stop() could be acknowledged and never recorded
            final CompletableFuture<String> ack = publisher.sendSite(set);
            if (ack == null) {
                return false;
            }
            sent.add(ack.whenComplete(this::acknowledged));
        }
        writeReceipts(false);
        return true;
    }

    /** Sites Kafka acknowledged so far. */
    int published() {
        return published.get();
    }

    /**
     * Waits for Kafka's answer on every site sent and writes the receipts of those acknowledged.
     *
     * @throws IllegalStateException naming the first site Kafka refused (the others' receipts are written)
     */
    void awaitAll() {
        final List<CompletableFuture<?>> all;
        synchronized (sendLock) {
            all = List.copyOf(sent);
        }
        for (final CompletableFuture<?> f : all) {
            try {
                f.join();
            } catch (final CompletionException e) {
                // recorded as the failure by acknowledged(); the receipts of the others come first
            }
        }
        writeReceipts(true);
        throwIfFailed();
    }

    /**
     * After a failure elsewhere: refuses further sends, waits for the sites already sent and records those
     * acknowledged, so that a resumed push starts after them. Errors go to {@code cause} as suppressed.
     */
    void stop(final Throwable cause) {
        synchronized (sendLock) {
            stopped = true;
        }
        try {
            awaitAll();
        } catch (final RuntimeException e) {
            synchronized (this) {
                if (e.getCause() == failure) {
                    return; // Kafka's refusal: what stopped the push, or seen by it at the next send
                }
            }
            cause.addSuppressed(e); // e.g. S3 refused the last receipts
        }
    }

    private synchronized void acknowledged(final String receipt, final Throwable err) {
        if (err != null) {
            if (failure == null) {
                failure = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            }
            return;
        }
        if (acknowledged.isEmpty()) {
            oldestAcknowledged = System.nanoTime();
        }
        acknowledged.add(receipt);
        published.incrementAndGet();
    }

    /** One receipt object for the acknowledged sites not yet recorded: all of them, or a full or old chunk. */
    private void writeReceipts(final boolean all) {
        final List<String> chunk;
        synchronized (this) {
            if (acknowledged.isEmpty() || !all && acknowledged.size() < CHUNK_SITES
                && System.nanoTime() - oldestAcknowledged < MAX_CHUNK_NANOS) {
                return;
            }
            chunk = List.copyOf(acknowledged);
            acknowledged.clear();
        }
        try {
            publisher.markAll(runKey, chunk);
        } catch (final RuntimeException e) {
            synchronized (this) {
                acknowledged.addAll(0, chunk); // published, not yet recorded: a later write may still record them
            }
            throw e;
        }
    }

    private synchronized void throwIfFailed() {
        if (failure != null) {
            throw new IllegalStateException(failure.getMessage() + " (the sites of " + runKey + " Kafka acknowledged"
                + " are recorded; pushing the folder again publishes the rest)", failure);
        }
    }
}
