package io.phenostream.benchmarks;

import io.phenostream.sink.PlateQcRow;
import io.phenostream.sink.ResultsStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

/**
 * Watches PostgreSQL, as a user of the results would, for the plates the harness pushed: when each plate's first
 * plate QC row appears (a partial result, normally {@code RUNNING}) and when its results are final (its plate QC
 * row {@code FINAL} and its experiment's compound scores final, i.e. the final hit list is queryable). Polls every
 * {@link #POLL_MS} ms on a thread of its own, so a plate's times are known to within that.
 */
final class PlateWatcher implements AutoCloseable {

    static final long POLL_MS = 100;

    /**
     * One plate through the pipeline and its times ({@code System.nanoTime()}, 0 = not yet). Each plate is an
     * experiment of its own, so "experiment final" is this plate's final hit list and no other plate's.
     */
    static final class PlateRun {
        final String experimentId;
        final String plateId;
        final String analysisId;
        final int wells;
        final int sites;
        volatile long ingestStart;
        volatile long firstImage;
        volatile long ingestReturn;
        /** When the live extractor had finished as many sites as the plate has (plates pushed alone only). */
        volatile long extractorDone;
        volatile long firstQc;
        volatile String firstQcStatus;
        volatile long finalAt;
        volatile long cells;
        /** Heap used after a full GC once the plate was final (bytes); -1 when not measured. */
        volatile long heapAfterGc = -1;

        PlateRun(final String experimentId, final String plateId, final String analysisId, final int wells,
                 final int sites) {
            this.experimentId = experimentId;
            this.plateId = plateId;
            this.analysisId = analysisId;
            this.wells = wells;
            this.sites = sites;
        }

        /** Last image ingested (the ingest call returned) to the final hit list in PostgreSQL, seconds. */
        double finalLatency() {
            return (finalAt - ingestReturn) / 1e9;
        }

        /** First image stored by the ingest to the plate's first plate QC row in PostgreSQL, seconds. */
        double firstPartialLatency() {
            return (firstQc - firstImage) / 1e9;
        }

        /** Ingest call, start to return, seconds. */
        double ingestSeconds() {
            return (ingestReturn - ingestStart) / 1e9;
        }

        boolean isFinal() {
            return finalAt != 0;
        }
    }

    private final ResultsStore store;
    private final List<PlateRun> watched = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    PlateWatcher(final ResultsStore store) {
        this.store = store;
        this.thread = new Thread(this::run, "bench-results-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    void watch(final PlateRun plate) {
        watched.add(plate);
    }

    /** Waits until every plate is final; fails after {@code timeout} or when polling failed. */
    void awaitFinal(final List<PlateRun> plates, final Duration timeout, final Runnable check)
        throws TimeoutException, InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!plates.stream().allMatch(PlateRun::isFinal)) {
            if (failure != null) {
                throw new IllegalStateException("Polling PostgreSQL failed: " + failure.getMessage(), failure);
            }
            check.run();
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(plates.stream().filter(p -> !p.isFinal()).map(p -> p.plateId).toList()
                    + " not final after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }

    private void run() {
        while (running) {
            try {
                for (final PlateRun p : watched) {
                    poll(p);
                }
                Thread.sleep(POLL_MS);
            } catch (final InterruptedException e) {
                return;
            } catch (final RuntimeException e) {
                failure = e;
                return;
            }
        }
    }

    private void poll(final PlateRun p) {
        if (p.isFinal()) {
            watched.remove(p);
            return;
        }
        final long now = System.nanoTime();
        final PlateQcRow row = store.plateQc(p.experimentId, p.analysisId).stream()
            .filter(q -> q.plateId().equals(p.plateId)).findFirst().orElse(null);
        if (row == null) {
            return;
        }
        if (p.firstQc == 0) {
            p.firstQc = now;
            p.firstQcStatus = row.status();
        }
        if ("FINAL".equals(row.status()) && store.isExperimentFinal(p.experimentId, p.analysisId)) {
            p.cells = row.nCells();
            p.finalAt = now;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
