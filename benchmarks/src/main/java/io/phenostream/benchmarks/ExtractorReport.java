package io.phenostream.benchmarks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.phenostream.extractor.WorkerAccess;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The markdown tables of {@link ExtractorThroughputHarness}: per round the worker's and the bare loops'
 * throughput and their ratios with the medians; the share of time per worker stage from the
 * {@code phenostream.extractor.stage} timers; the bare loop's own split; the embedder's batching.
 */
final class ExtractorReport {

    /** Embedder meters (tagged by model; the harness loads one model). */
    static final String INFERENCE_TIMER = "phenostream.embedding.inference";
    static final String BATCH_SIZE = "phenostream.embedding.batch.size";

    /**
     * One round: the plate through the worker, through the bare site loop, and its cell count of crops through
     * the bare model.
     */
    record Round(int number, boolean workerFirst, int sites, long workerCells, long workerNanos,
                 BareSiteLoop.Timing bare, BareModelLoop.Timing model) {

        double workerSitesPerSecond() {
            return sites / (workerNanos / 1e9);
        }

        double workerCellsPerSecond() {
            return workerCells / (workerNanos / 1e9);
        }

        /** Worker throughput over the bare loop's on the same sites: the infrastructure's cost is 1 - this. */
        double efficiency() {
            return workerSitesPerSecond() / bare.sitesPerSecond();
        }

        /** Share of the bare model's throughput the worker's cells reach (1 would mean the model is the limit). */
        double modelShare() {
            return workerCellsPerSecond() / model.cropsPerSecond();
        }
    }

    /** Cumulative meter values at one moment; differences of two give one round's figures. */
    record MeterSnapshot(Map<String, double[]> stages, long cells, long batches, double batchedCrops,
                         double inferenceNanos) {

        static MeterSnapshot take(final MeterRegistry registry) {
            final Map<String, double[]> stages = new LinkedHashMap<>();
            for (final String stage : WorkerAccess.stages()) {
                final Timer t = registry.find(WorkerAccess.STAGE_TIMER).tag("stage", stage).timer();
                stages.put(stage, t == null ? new double[2]
                    : new double[] {t.count(), t.totalTime(TimeUnit.NANOSECONDS)});
            }
            final Counter cells = registry.find(WorkerAccess.CELLS_COUNTER).counter();
            final DistributionSummary batch = registry.find(BATCH_SIZE).summary();
            final Timer inference = registry.find(INFERENCE_TIMER).timer();
            return new MeterSnapshot(stages, cells == null ? 0 : (long) cells.count(),
                batch == null ? 0 : batch.count(), batch == null ? 0 : batch.totalAmount(),
                inference == null ? 0 : inference.totalTime(TimeUnit.NANOSECONDS));
        }

        MeterSnapshot minus(final MeterSnapshot earlier) {
            final Map<String, double[]> diff = new LinkedHashMap<>();
            stages.forEach((stage, v) -> {
                final double[] e = earlier.stages.getOrDefault(stage, new double[2]);
                diff.put(stage, new double[] {v[0] - e[0], v[1] - e[1]});
            });
            return new MeterSnapshot(diff, cells - earlier.cells, batches - earlier.batches,
                batchedCrops - earlier.batchedCrops, inferenceNanos - earlier.inferenceNanos);
        }

        MeterSnapshot plus(final MeterSnapshot other) {
            final Map<String, double[]> sum = new LinkedHashMap<>();
            stages.forEach((stage, v) -> {
                final double[] o = other.stages.getOrDefault(stage, new double[2]);
                sum.put(stage, new double[] {v[0] + o[0], v[1] + o[1]});
            });
            return new MeterSnapshot(sum, cells + other.cells, batches + other.batches,
                batchedCrops + other.batchedCrops, inferenceNanos + other.inferenceNanos);
        }

        static MeterSnapshot empty() {
            final Map<String, double[]> stages = new LinkedHashMap<>();
            WorkerAccess.stages().forEach(s -> stages.put(s, new double[2]));
            return new MeterSnapshot(stages, 0, 0, 0, 0);
        }
    }

    private ExtractorReport() {
    }

    static String roundsTable(final List<Round> rounds) {
        final StringBuilder sb = new StringBuilder();
        sb.append("| round | order | worker s | worker sites/s | worker cells/s | bare loop s | bare sites/s"
            + " | bare cells/s | efficiency (worker / bare) | bare model crops/s | worker cells/s / model crops/s |\n");
        sb.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (final Round r : rounds) {
            sb.append(String.format(Locale.ROOT, "| %d | %s | %.2f | %.2f | %.0f | %.2f | %.2f | %.0f | %.2f | %.0f"
                    + " | %.3f |%n", r.number(), r.workerFirst() ? "worker, bare" : "bare, worker",
                r.workerNanos() / 1e9, r.workerSitesPerSecond(), r.workerCellsPerSecond(), r.bare().nanos() / 1e9,
                r.bare().sitesPerSecond(), r.bare().cellsPerSecond(), r.efficiency(), r.model().cropsPerSecond(),
                r.modelShare()));
        }
        sb.append(String.format(Locale.ROOT, "| **median** | | | **%.2f** | **%.0f** | | **%.2f** | **%.0f** | **%.2f**"
                + " | **%.0f** | **%.3f** |%n", median(rounds, Round::workerSitesPerSecond),
            median(rounds, Round::workerCellsPerSecond), median(rounds, r -> r.bare().sitesPerSecond()),
            median(rounds, r -> r.bare().cellsPerSecond()), median(rounds, Round::efficiency),
            median(rounds, r -> r.model().cropsPerSecond()), median(rounds, Round::modelShare)));
        return sb.toString();
    }

    /**
     * Sites timed, mean time per site and share of the summed stage time, per worker stage. A stage's time runs
     * from the moment a site is handed to it until the stage is done, so it includes the wait for a free thread.
     */
    static String stageTable(final MeterSnapshot measured) {
        final double total = measured.stages().values().stream().mapToDouble(v -> v[1]).sum();
        final StringBuilder sb = new StringBuilder();
        sb.append("| stage | sites | mean ms per site | share of stage time |\n");
        sb.append("| --- | ---: | ---: | ---: |\n");
        measured.stages().forEach((stage, v) -> sb.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.1f %% |%n",
            stage, (long) v[0], v[0] == 0 ? 0 : v[1] / 1e6 / v[0], total == 0 ? 0 : 100 * v[1] / total)));
        return sb.toString();
    }

    /** The bare loop's thread time per site: analysis (decode to crops) and the forward pass of its crops. */
    static String bareSplitTable(final List<Round> rounds) {
        final long sites = rounds.stream().mapToLong(r -> r.bare().sites()).sum();
        final double analyze = rounds.stream().mapToDouble(r -> r.bare().analyzeNanos()).sum();
        final double embed = rounds.stream().mapToDouble(r -> r.bare().embedNanos()).sum();
        final StringBuilder sb = new StringBuilder();
        sb.append("| bare loop part | mean ms per site (one thread) | share |\n");
        sb.append("| --- | ---: | ---: |\n");
        sb.append(String.format(Locale.ROOT, "| analyze (decode, segment, features, QC, crops) | %.2f | %.1f %% |%n",
            analyze / 1e6 / sites, 100 * analyze / (analyze + embed)));
        sb.append(String.format(Locale.ROOT, "| embed (one forward pass per site) | %.2f | %.1f %% |%n",
            embed / 1e6 / sites, 100 * embed / (analyze + embed)));
        return sb.toString();
    }

    /** The worker's batching over the measured rounds: batches, crops per batch, forward time, model busy time. */
    static String embedderLine(final MeterSnapshot measured, final List<Round> rounds) {
        final double workerNanos = rounds.stream().mapToDouble(Round::workerNanos).sum();
        return String.format(Locale.ROOT, "Worker embedder: %d forward passes, %.1f crops per pass on average,"
                + " %.2f ms per pass; the model was busy %.1f %% of the worker's wall time.%n", measured.batches(),
            measured.batches() == 0 ? 0 : measured.batchedCrops() / measured.batches(),
            measured.batches() == 0 ? 0 : measured.inferenceNanos() / 1e6 / measured.batches(),
            100 * measured.inferenceNanos() / workerNanos);
    }

    /** CPU ms per site of each thread group, in the worker's passes and the bare loop's, and their totals. */
    static String cpuTable(final CpuTimes worker, final CpuTimes bare, final long sitesPerSide) {
        final StringBuilder sb = new StringBuilder();
        sb.append("| threads | worker: CPU ms per site | bare loop: CPU ms per site |\n");
        sb.append("| --- | ---: | ---: |\n");
        for (final String group : CpuTimes.GROUPS) {
            sb.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f |%n", group,
                worker.byGroup().get(group) / 1e6 / sitesPerSide, bare.byGroup().get(group) / 1e6 / sitesPerSide));
        }
        sb.append(String.format(Locale.ROOT, "| **process total** | **%.1f** | **%.1f** |%n",
            worker.processNanos() / 1e6 / sitesPerSide, bare.processNanos() / 1e6 / sitesPerSide));
        return sb.toString();
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
