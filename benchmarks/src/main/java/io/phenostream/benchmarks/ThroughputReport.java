package io.phenostream.benchmarks;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.phenostream.ingest.IngestMetrics;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The markdown tables of {@link IngestThroughputHarness}: one row per round (raw PUT, ingest and re-push
 * throughput, their ratios), the medians, and the mean latency of each ingest stage from the
 * {@code phenostream.ingest.stage} timers.
 */
public final class ThroughputReport {

    /** One round: the same bytes PUT raw, ingested into a fresh bucket, then pushed again (all skipped). */
    public record Round(int number, boolean rawFirst, RawPutBaseline.Timing raw, long ingestNanos, long repushNanos,
                        long bytes) {

        public double rawMbps() {
            return raw.megabytesPerSecond();
        }

        public double ingestMbps() {
            return bytes / 1e6 / (ingestNanos / 1e9);
        }

        public double repushMbps() {
            return bytes / 1e6 / (repushNanos / 1e9);
        }

        public double ingestRatio() {
            return ingestMbps() / rawMbps();
        }

        public double repushRatio() {
            return repushMbps() / rawMbps();
        }
    }

    private ThroughputReport() {
    }

    public static String roundsTable(final List<Round> rounds) {
        final StringBuilder sb = new StringBuilder();
        sb.append("| round | order | raw PUT s | raw PUT MB/s | ingest s | ingest MB/s | re-push s | re-push MB/s"
            + " | ingest / raw | re-push / raw |\n");
        sb.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (final Round r : rounds) {
            sb.append(String.format(Locale.ROOT, "| %d | %s | %.2f | %.1f | %.2f | %.1f | %.2f | %.1f | %.2f | %.2f |%n",
                r.number(), r.rawFirst() ? "raw, ingest" : "ingest, raw", r.raw().nanos() / 1e9, r.rawMbps(),
                r.ingestNanos() / 1e9, r.ingestMbps(), r.repushNanos() / 1e9, r.repushMbps(), r.ingestRatio(),
                r.repushRatio()));
        }
        sb.append(String.format(Locale.ROOT, "| **median** | | | **%.1f** | | **%.1f** | | **%.1f** | **%.2f** | **%.2f** |%n",
            median(rounds, Round::rawMbps), median(rounds, Round::ingestMbps), median(rounds, Round::repushMbps),
            median(rounds, Round::ingestRatio), median(rounds, Round::repushRatio)));
        return sb.toString();
    }

    /**
     * Count and mean of each stage timer, for the fresh ingests and for the re-pushes, and the raw PUT's mean
     * latency per image beside them (the baseline of the upload stage).
     */
    public static String stageTable(final MeterRegistry ingest, final MeterRegistry repush, final List<Round> rounds) {
        final StringBuilder sb = new StringBuilder();
        sb.append("| stage | ingest: count | ingest: mean ms | re-push: count | re-push: mean ms |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: |\n");
        for (final IngestMetrics.Stage stage : IngestMetrics.Stage.values()) {
            final String tag = stage.name().toLowerCase(Locale.ROOT);
            sb.append("| ").append(tag).append(" | ").append(cell(ingest, tag)).append(" | ").append(cell(repush, tag))
                .append(" |\n");
        }
        final long files = rounds.stream().mapToLong(r -> r.raw().files()).sum();
        final long putNanos = rounds.stream().mapToLong(r -> r.raw().putNanos()).sum();
        sb.append(String.format(Locale.ROOT, "| (raw PUT, baseline) | %d | %.2f | | |%n", files,
            files == 0 ? 0 : putNanos / 1e6 / files));
        return sb.toString();
    }

    private static String cell(final MeterRegistry registry, final String stage) {
        final Timer t = registry.find("phenostream.ingest.stage").tag("stage", stage).timer();
        if (t == null || t.count() == 0) {
            return "0 | -";
        }
        return String.format(Locale.ROOT, "%d | %.2f", t.count(), t.mean(TimeUnit.MILLISECONDS));
    }

    static double median(final List<Round> rounds, final ToDoubleFunction<Round> value) {
        final double[] v = rounds.stream().mapToDouble(value).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        final int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }
}
