package io.phenostream.extractor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Micrometer meters of an extractor worker: time per stage, sites waiting in or passing through each stage
 * (queue depths), sites done or failed, cells measured. Cells/s and sites/s are the rates of the counters.
 */
final class ExtractorMetrics {

    enum Stage { FETCH, ANALYZE, EMBED, STORE, PUBLISH }

    private final MeterRegistry registry;
    private final Map<Stage, AtomicInteger> depth = new EnumMap<>(Stage.class);
    private final Map<Stage, Timer> timers = new EnumMap<>(Stage.class);
    private final Counter sitesOk;
    private final Counter sitesFailed;
    private final Counter cells;

    /** @param lane tags every meter, so a live and a replay worker in one process keep their own counts */
    ExtractorMetrics(final MeterRegistry registry, final AtomicInteger inFlight, final String lane) {
        this.registry = registry;
        for (final Stage s : Stage.values()) {
            final AtomicInteger d = new AtomicInteger();
            depth.put(s, d);
            Gauge.builder("phenostream.extractor.queue", d, AtomicInteger::get)
                .description("sites waiting for or in this stage").tag("stage", tag(s)).tag("lane", lane).register(registry);
            timers.put(s, Timer.builder("phenostream.extractor.stage").description("time per site in this stage")
                .tag("stage", tag(s)).tag("lane", lane).register(registry));
        }
        Gauge.builder("phenostream.extractor.in.flight", inFlight, AtomicInteger::get)
            .description("sites polled and not yet committed").tag("lane", lane).register(registry);
        sitesOk = Counter.builder("phenostream.extractor.sites").tag("status", "ok").tag("lane", lane)
            .register(registry);
        sitesFailed = Counter.builder("phenostream.extractor.sites").tag("status", "failed").tag("lane", lane)
            .register(registry);
        cells = Counter.builder("phenostream.extractor.cells").description("cells measured").tag("lane", lane)
            .register(registry);
    }

    MeterRegistry registry() {
        return registry;
    }

    void enter(final Stage stage) {
        depth.get(stage).incrementAndGet();
    }

    void leave(final Stage stage, final long startedNanos) {
        depth.get(stage).decrementAndGet();
        timers.get(stage).record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }

    void siteDone(final int cellCount) {
        sitesOk.increment();
        cells.increment(cellCount);
    }

    void siteFailed() {
        sitesFailed.increment();
    }

    double sitesOk() {
        return sitesOk.count();
    }

    double sitesFailed() {
        return sitesFailed.count();
    }

    private static String tag(final Stage s) {
        return s.name().toLowerCase();
    }
}
