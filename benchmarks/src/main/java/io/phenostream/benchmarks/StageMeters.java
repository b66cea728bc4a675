package io.phenostream.benchmarks;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.phenostream.extractor.WorkerAccess;
import io.phenostream.ingest.IngestMetrics;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline's stage timers at one moment, cumulative: the live extractor's {@code phenostream.extractor.stage}
 * (per site, from hand-over to done, so each includes the wait for its pool), the ingest's
 * {@code phenostream.ingest.stage} (validate per plate, publish per Kafka record, the others per image), and the
 * embedder's forward passes; {@link #minus} gives an interval's.
 *
 * @param timers  "service stage" -> {count, total nanoseconds}
 * @param crops   crops embedded (summed batch sizes)
 */
record StageMeters(Map<String, double[]> timers, double crops) {

    static final String INFERENCE = "embedder inference (per batch)";
    static final String QUEUE_WAIT = "embedder queue wait (per crop)";

    static StageMeters take(final MeterRegistry registry) {
        final Map<String, double[]> timers = new LinkedHashMap<>();
        for (final IngestMetrics.Stage s : IngestMetrics.Stage.values()) {
            final String stage = s.name().toLowerCase(Locale.ROOT);
            timers.put("ingest " + stage, values(registry.find("phenostream.ingest.stage").tag("stage", stage).timer()));
        }
        for (final String stage : WorkerAccess.stages()) {
            timers.put("extractor " + stage, values(registry.find(WorkerAccess.STAGE_TIMER).tag("stage", stage)
                .tag("lane", "live").timer()));
        }
        timers.put(INFERENCE, values(registry.find(ExtractorReport.INFERENCE_TIMER).timer()));
        timers.put(QUEUE_WAIT, values(registry.find("phenostream.embedding.queue.wait").timer()));
        final DistributionSummary batch = registry.find(ExtractorReport.BATCH_SIZE).summary();
        return new StageMeters(timers, batch == null ? 0 : batch.totalAmount());
    }

    private static double[] values(final Timer t) {
        return t == null ? new double[2] : new double[] {t.count(), t.totalTime(TimeUnit.NANOSECONDS)};
    }

    StageMeters minus(final StageMeters earlier) {
        final Map<String, double[]> diff = new LinkedHashMap<>();
        timers.forEach((k, v) -> {
            final double[] e = earlier.timers.getOrDefault(k, new double[2]);
            diff.put(k, new double[] {v[0] - e[0], v[1] - e[1]});
        });
        return new StageMeters(diff, crops - earlier.crops);
    }

    long count(final String timer) {
        return (long) timers.getOrDefault(timer, new double[2])[0];
    }

    /** Mean milliseconds per recorded event; NaN when none. */
    double meanMillis(final String timer) {
        final double[] v = timers.getOrDefault(timer, new double[2]);
        return v[0] == 0 ? Double.NaN : v[1] / v[0] / 1e6;
    }

    double totalMillis(final String timer) {
        return timers.getOrDefault(timer, new double[2])[1] / 1e6;
    }
}
