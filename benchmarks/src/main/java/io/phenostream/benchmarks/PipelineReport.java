package io.phenostream.benchmarks;

import io.phenostream.common.events.AnalysisSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * What {@link PipelineBenchmarkHarness} measured, as markdown for {@code benchmarks/RESULTS.md} and as SVG plots.
 */
final class PipelineReport {

    private static final double MB = 1e6;

    /** Plates pushed one at a time, each after the previous one's final hit list. */
    record Sequential(List<PlateWatcher.PlateRun> plates, PipelineSampler.Peaks peaks, ThreadCpuTracker.Totals cpu,
                      PipelineSampler.Gc gc) {

        double wallSeconds() {
            return (plates.get(plates.size() - 1).finalAt - plates.get(0).ingestStart) / 1e9;
        }
    }

    /**
     * Plates pushed back to back.
     *
     * @param steady    {sites/s, cells/s} between 10 % and 90 % of the burst's sites done
     * @param postgres  PostgreSQL's CPU over the burst and its memory at the end
     * @param streams   the scorer's Kafka Streams thread metrics at the end of the burst
     */
    record Burst(String name, List<PlateWatcher.PlateRun> plates, List<PipelineSampler.Progress> progress,
                 double[] steady, StageMeters meters, ThreadCpuTracker.Totals cpu, ProcFs.Postgres postgres,
                 PipelineSampler.Peaks peaks, PipelineSampler.Gc gc, Map<String, Double> streams) {

        long sites() {
            return plates.stream().mapToLong(p -> p.sites).sum();
        }

        /** Cells the live extractor measured during the burst. */
        double cells() {
            return progress.get(progress.size() - 1).cells() - progress.get(0).cells();
        }

        /** First ingest call to the last final hit list. */
        double wallSeconds() {
            return (plates.stream().mapToLong(p -> p.finalAt).max().orElseThrow()
                - plates.stream().mapToLong(p -> p.ingestStart).min().orElseThrow()) / 1e9;
        }

        double wallSitesPerSecond() {
            return sites() / wallSeconds();
        }

        /** Sites over the time spent inside the ingest calls: the most the ingest alone could feed. */
        double ingestSitesPerSecond() {
            return sites() / plates.stream().mapToDouble(PlateWatcher.PlateRun::ingestSeconds).sum();
        }
    }

    /**
     * One pipeline at one extractor thread count.
     *
     * @param bareBefore the bare loop's passes before the burst, one Timing per plate and repeat, the first
     *                   {@code barePlates} being one pass over each plate
     * @param bareAfter  the same after the burst
     */
    record PipelineRun(int threads, double startSeconds, Sequential sequential, Burst burst, Burst big384,
                       List<BareSiteLoop.Timing> bareBefore, List<BareSiteLoop.Timing> bareAfter, int barePlates) {

        List<BareSiteLoop.Timing> bare() {
            final List<BareSiteLoop.Timing> all = new ArrayList<>(bareBefore);
            all.addAll(bareAfter);
            return all;
        }

        /** The bare loop's sites/s over all its passes (before and after the burst). */
        double bareSitesPerSecond() {
            return sitesPerSecond(bare());
        }

        static double sitesPerSecond(final List<BareSiteLoop.Timing> passes) {
            return passes.stream().mapToLong(BareSiteLoop.Timing::sites).sum()
                / (passes.stream().mapToLong(BareSiteLoop.Timing::nanos).sum() / 1e9);
        }

        double efficiency() {
            return burst.steady()[0] / bareSitesPerSecond();
        }
    }

    private final PipelineHarnessOptions options;
    private final String command;
    private final Instant started;
    private final double seconds;
    private final double loadBefore;
    private final double loadAfter;
    private final long jvmHwm;
    private final AnalysisSpec analysis;
    private final List<PipelineRun> runs;

    PipelineReport(final PipelineHarnessOptions options, final String command, final Instant started,
                   final double seconds, final double loadBefore, final double loadAfter, final long jvmHwm,
                   final AnalysisSpec analysis, final List<PipelineRun> runs) {
        this.options = options;
        this.command = command;
        this.started = started;
        this.seconds = seconds;
        this.loadBefore = loadBefore;
        this.loadAfter = loadAfter;
        this.jvmHwm = jvmHwm;
        this.analysis = analysis;
        this.runs = runs.stream().sorted(Comparator.comparingInt(PipelineRun::threads)).toList();
    }

    private PipelineRun main() {
        return runs.stream().filter(r -> r.sequential() != null).findFirst().orElse(runs.get(runs.size() - 1));
    }

    String markdown(final List<Path> plots) {
        final StringBuilder sb = new StringBuilder();
        final PipelineRun main = main();
        sb.append("### Whole pipeline: throughput, latency, efficiency, scaling, memory\n\n");
        sb.append("```bash\n").append(command).append("\n```\n\n");
        sb.append(String.format(Locale.ROOT, "Machine: %s; Java %s, max heap %.0f MB. Started %s UTC, took %.0f s "
                + "(%.1f min). Load average (1 min) %.2f at the start, %.2f at the end.%n%n", ProcFs.machine(),
            System.getProperty("java.version"), Runtime.getRuntime().maxMemory() / MB, started.truncatedTo(ChronoUnit.SECONDS).toString().replace("T", " ")
                .replace("Z", ""), seconds, seconds / 60, loadBefore, loadAfter));
        sb.append(String.format(Locale.ROOT, "Plates: %d wells x %d site(s) x 3 channels of %d px 16-bit TIFF, each "
                + "its own experiment; analysis: %s. Local pipeline (`LocalPipeline`: embedded Kafka, S3Proxy and "
                + "PostgreSQL, ingest, extractor, scorer and sink in one JVM), a fresh one per extractor thread count, "
                + "each warmed up with one plate (not reported).%n%n", options.wells(), options.sites(),
            options.size(), AnalysisSpec.NO_MODEL.equals(analysis.modelName()) ? "classical (no embedding model)"
                : "model " + analysis.modelName()));
        throughput(sb);
        latency(sb, main);
        breakdown(sb, main);
        memory(sb, main);
        costPerCell(sb);
        if (!plots.isEmpty()) {
            sb.append("Plots (written by the harness): ");
            sb.append(String.join(", ", plots.stream().map(p -> "`" + p + "`").toList())).append(".\n");
        }
        return sb.toString();
    }

    private void throughput(final StringBuilder sb) {
        sb.append("#### Throughput and efficiency\n\n");
        sb.append("Steady state: sites finished by the extractor between 10 % and 90 % of the burst's sites, over "
            + "that time (fill and drain left out). Wall: the burst's sites over first push to last final hit list. "
            + "Ingest: the burst's sites over the time spent in the ingest calls (one plate after another on one "
            + "caller thread, as a user pushes them), the most the ingest could feed. "
            + "Images/s = sites/s x 3 channels. Bare loop: `BareSiteLoop` on the first plates of the same burst, "
            + "same threads and analysis, images in memory, before and after the burst. Efficiency = steady "
            + "pipeline sites/s / bare sites/s.\n\n");
        sb.append("| extractor threads | plates x wells | sites | steady sites/s | images/s | cells/s | cells/site "
            + "| wall sites/s | ingest sites/s | bare sites/s (before / after) | efficiency |\n");
        sb.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (final PipelineRun r : runs) {
            final Burst b = r.burst();
            sb.append(String.format(Locale.ROOT, "| %d | %d x %d | %d | %.2f | %.1f | %.0f | %.1f | %.2f | %.2f | %.2f "
                    + "(%.2f / %.2f) | %.2f |%n", r.threads(), b.plates().size(), b.plates().get(0).wells, b.sites(),
                b.steady()[0], 3 * b.steady()[0], b.steady()[1], b.cells() / b.sites(), b.wallSitesPerSecond(),
                b.ingestSitesPerSecond(),
                r.bareSitesPerSecond(), PipelineRun.sitesPerSecond(r.bareBefore()),
                PipelineRun.sitesPerSecond(r.bareAfter()), r.efficiency()));
        }
        for (final PipelineRun r : runs) {
            if (r.big384() != null) {
                final Burst b = r.big384();
                sb.append(String.format(Locale.ROOT, "| %d | 1 x 384 | %d | %.2f | %.1f | %.0f | %.1f | %.2f | %.2f | "
                        + "| %.2f (vs the 96-well bare loop) |%n", r.threads(), b.sites(), b.steady()[0],
                    3 * b.steady()[0], b.steady()[1], b.cells() / b.sites(), b.wallSitesPerSecond(),
                    b.ingestSitesPerSecond(),
                    b.steady()[0] / r.bareSitesPerSecond()));
            }
        }
        if (runs.size() > 1) {
            final PipelineRun lo = runs.get(0);
            final PipelineRun hi = runs.get(runs.size() - 1);
            sb.append(String.format(Locale.ROOT, "%nScaling %d -> %d extractor threads: pipeline x%.2f, bare loop "
                    + "x%.2f.%n", lo.threads(), hi.threads(), hi.burst().steady()[0] / lo.burst().steady()[0],
                hi.bareSitesPerSecond() / lo.bareSitesPerSecond()));
        }
        sb.append('\n');
        for (final PipelineRun r : runs) {
            checkCells(sb, r);
        }
        sb.append('\n');
    }

    /** The bare loop's cells against plate QC's in PostgreSQL, for the same plates (QC leaves excluded sites out). */
    private static void checkCells(final StringBuilder sb, final PipelineRun r) {
        final List<String> pairs = new ArrayList<>();
        for (int i = 0; i < r.barePlates(); i++) {
            pairs.add(r.bareBefore().get(i).cells() + " / " + r.burst().plates().get(i).cells);
        }
        sb.append(String.format(Locale.ROOT, "Cells per plate, bare loop / plate QC in PostgreSQL (which leaves out "
            + "sites QC excluded), %d thread(s): %s.%n", r.threads(), String.join(", ", pairs)));
    }

    private void latency(final StringBuilder sb, final PipelineRun main) {
        final Sequential s = main.sequential();
        sb.append(String.format(Locale.ROOT, "#### Latency per plate%n%n%d plates pushed one at a time at %d "
                + "extractor threads, each after the previous one's final hit list (PostgreSQL polled every %d ms). "
                + "p95 is the nearest rank: with %d plates it is the %s.%n%n", s.plates().size(), main.threads(),
            PlateWatcher.POLL_MS, s.plates().size(), s.plates().size() < 20 ? "largest" : "95th percentile"));
        sb.append("| interval | median s | p95 s | min s | max s |\n| --- | ---: | ---: | ---: | ---: |\n");
        row(sb, "last image ingested -> final hit list in PostgreSQL", s.plates(),
            PlateWatcher.PlateRun::finalLatency);
        row(sb, "... of which ingest returned -> extractor finished the plate's sites", s.plates(),
            p -> (p.extractorDone - p.ingestReturn) / 1e9);
        row(sb, "... of which extractor finished -> final (scorer, sink, PostgreSQL)", s.plates(),
            p -> (p.finalAt - p.extractorDone) / 1e9);
        row(sb, "first image stored -> first plate QC row (" + s.plates().get(0).firstQcStatus + ")", s.plates(),
            PlateWatcher.PlateRun::firstPartialLatency);
        row(sb, "ingest call (validate, upload, publish the whole plate)", s.plates(),
            PlateWatcher.PlateRun::ingestSeconds);
        for (final PipelineRun r : runs) {
            row(sb, String.format(Locale.ROOT, "under a back-to-back burst of %d (%d thread(s)): last image -> final",
                r.burst().plates().size(), r.threads()), r.burst().plates(), PlateWatcher.PlateRun::finalLatency);
            if (r.big384() != null) {
                row(sb, "one 384-well plate alone (" + r.threads() + " thread(s)): last image -> final",
                    r.big384().plates(), PlateWatcher.PlateRun::finalLatency);
            }
        }
        sb.append('\n');
    }

    private static void row(final StringBuilder sb, final String what, final List<PlateWatcher.PlateRun> plates,
                            final ToDoubleFunction<PlateWatcher.PlateRun> f) {
        final double[] v = plates.stream().mapToDouble(f).toArray();
        sb.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f |%n", what, median(v),
            percentile(v, 0.95), Arrays.stream(v).min().orElse(Double.NaN), Arrays.stream(v).max().orElse(Double.NaN)));
    }

    private void breakdown(final StringBuilder sb, final PipelineRun main) {
        final Burst b = main.burst();
        sb.append(String.format(Locale.ROOT, "#### Where the time goes (burst at %d threads)%n%n", main.threads()));
        sb.append("Stage timers over the burst (Micrometer). Extractor stages are per site and include the wait for "
            + "their pool; ingest validate is per plate, publish per Kafka record, the others per image.\n\n");
        sb.append("| timer | count | mean ms | total s |\n| --- | ---: | ---: | ---: |\n");
        b.meters().timers().forEach((name, v) -> {
            if (v[0] > 0) {
                sb.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f |%n", name, (long) v[0],
                    v[1] / v[0] / 1e6, v[1] / 1e9));
            }
        });
        sb.append("\nNo Micrometer timer: the scorer (Kafka Streams; its own metrics below), the sink's PostgreSQL "
            + "writes, the S3 GET alone (inside extractor fetch), Kafka produce/consume. Their cost shows as CPU "
            + "below.\n\n");
        sb.append("CPU time per site over each burst, by the threads that spent it (sampled every 200 ms; "
            + "PostgreSQL from /proc, outside the JVM):\n\n");
        sb.append("| threads |");
        runs.forEach(r -> sb.append(String.format(Locale.ROOT, " %d extractor thread(s): CPU ms per site | share |",
            r.threads())));
        sb.append("\n| --- |");
        runs.forEach(r -> sb.append(" ---: | ---: |"));
        sb.append('\n');
        for (final String group : ThreadCpuTracker.GROUPS) {
            sb.append("| ").append(group).append(" |");
            for (final PipelineRun r : runs) {
                final double total = r.burst().cpu().processNanos() + r.burst().postgres().cpuNanos();
                final long ns = r.burst().cpu().nanos(group);
                sb.append(String.format(Locale.ROOT, " %.1f | %.1f %% |", ns / 1e6 / r.burst().sites(),
                    100 * ns / total));
            }
            sb.append('\n');
        }
        sb.append("| PostgreSQL processes |");
        for (final PipelineRun r : runs) {
            final double total = r.burst().cpu().processNanos() + r.burst().postgres().cpuNanos();
            sb.append(String.format(Locale.ROOT, " %.1f | %.1f %% |", r.burst().postgres().cpuNanos() / 1e6
                / r.burst().sites(), 100 * r.burst().postgres().cpuNanos() / total));
        }
        sb.append("\n| **total (JVM + PostgreSQL)** |");
        for (final PipelineRun r : runs) {
            final double total = r.burst().cpu().processNanos() + r.burst().postgres().cpuNanos();
            sb.append(String.format(Locale.ROOT, " **%.1f** | 100 %% |", total / 1e6 / r.burst().sites()));
        }
        sb.append("\n| bare loop, same work (wall ms per site on its thread, not CPU) |");
        for (final PipelineRun r : runs) {
            sb.append(String.format(Locale.ROOT, " %.1f | |", bareThreadMillisPerSite(r)));
        }
        sb.append("\n\n");
        final String top = ThreadCpuTracker.GROUPS.stream().max(Comparator.comparingLong(g -> b.cpu().nanos(g)))
            .orElseThrow();
        sb.append(String.format(Locale.ROOT, "Largest CPU consumer at %d threads: **%s**, %.1f ms per site of %.1f.%n",
            main.threads(), top, b.cpu().nanos(top) / 1e6 / b.sites(),
            (b.cpu().processNanos() + b.postgres().cpuNanos()) / 1e6 / b.sites()));
        final List<Map.Entry<String, Long>> others = b.cpu().otherByName().entrySet().stream()
            .filter(e -> e.getValue() > 0).sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(5)
            .toList();
        if (!others.isEmpty()) {
            sb.append("Top 'other Java threads': ").append(String.join(", ", others.stream().map(e -> String.format(
                Locale.ROOT, "`%s` %.1f ms/site", e.getKey(), e.getValue() / 1e6 / b.sites())).toList()))
                .append(".\n");
        }
        sb.append('\n');
        if (b.streams().isEmpty()) {
            sb.append("Kafka Streams metrics: not found in JMX.\n\n");
        } else {
            sb.append("Scorer: Kafka Streams thread metrics at the end of the burst (JMX, Kafka's windowed "
                + "averages):\n\n| metric | value | meaning |\n| --- | ---: | --- |\n");
            b.streams().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "| `%s` | %.3f | %s |%n", k, v,
                StreamsMetrics.ATTRIBUTES.get(k))));
            sb.append('\n');
        }
    }

    private static double bareThreadMillisPerSite(final PipelineRun r) {
        long nanos = 0;
        long sites = 0;
        for (final BareSiteLoop.Timing t : r.bare()) {
            nanos += t.analyzeNanos() + t.embedNanos();
            sites += t.sites();
        }
        return nanos / 1e6 / sites;
    }

    private void memory(final StringBuilder sb, final PipelineRun main) {
        sb.append("#### Memory\n\n");
        sb.append("Peaks sampled every 100 ms (PostgreSQL every second); RSS = the JVM's resident set (`VmRSS`), "
            + "which holds the heap, Kafka's and S3Proxy's buffers, OpenCV's and libtorch's native memory; "
            + "PostgreSQL PSS = proportional set size summed over its processes.\n\n");
        sb.append("| phase | threads | wall s | peak heap used MB | peak JVM RSS MB | PostgreSQL PSS MB | GCs | GC ms "
            + "| GC share of wall |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        final Sequential s = main.sequential();
        memoryRow(sb, "plates one at a time", main.threads(), s.wallSeconds(), s.peaks(), s.gc());
        for (final PipelineRun r : runs) {
            memoryRow(sb, "burst of " + r.burst().plates().size(), r.threads(), r.burst().wallSeconds(),
                r.burst().peaks(), r.burst().gc());
            if (r.big384() != null) {
                memoryRow(sb, "one 384-well plate", r.threads(), r.big384().wallSeconds(), r.big384().peaks(),
                    r.big384().gc());
            }
        }
        final double[] heap = s.plates().stream().mapToDouble(p -> p.heapAfterGc / MB).toArray();
        final double[] x = new double[heap.length];
        Arrays.setAll(x, i -> i + 1);
        final double[] fit = linearFit(x, heap);
        sb.append(String.format(Locale.ROOT, "%nJVM peak resident set over the whole run (`VmHWM`): %.0f MB. Heap "
                + "used after a full GC at the end of each of the %d plates pushed one at a time (MB): %s. Least-squares "
                + "slope: **%+.2f MB per plate** (%+.2f %% of the mean per plate; R^2 %.2f).%n%n", jvmHwm / MB,
            heap.length, String.join(", ", Arrays.stream(heap).mapToObj(v -> String.format(Locale.ROOT, "%.0f", v))
                .toList()), fit[1], 100 * fit[1] / Arrays.stream(heap).average().orElse(Double.NaN), fit[2]));
    }

    private static void memoryRow(final StringBuilder sb, final String phase, final int threads, final double wall,
                                  final PipelineSampler.Peaks peaks, final PipelineSampler.Gc gc) {
        sb.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.0f | %.0f | %.0f | %d | %d | %.1f %% |%n", phase,
            threads, wall, peaks.heapUsed() / MB, peaks.jvmRss() / MB, peaks.postgresPss() / MB, gc.collections(),
            gc.millis(), 100 * gc.millis() / 1000.0 / wall));
    }

    private void costPerCell(final StringBuilder sb) {
        final List<BareSiteLoop.SiteCost> costs = allCosts();
        if (costs.isEmpty()) {
            return;
        }
        final double[] cells = costs.stream().mapToDouble(BareSiteLoop.SiteCost::cells).toArray();
        final double[] ms = costs.stream().mapToDouble(c -> c.nanos() / 1e6).toArray();
        final double[] fit = linearFit(cells, ms);
        sb.append("#### Cost per site against cells per site\n\n");
        sb.append(String.format(Locale.ROOT, "The harness's plates keep the default density (SiteAnalysisBenchmark -p cellDensity sweeps it); their wells vary in cell "
                + "count (seeding density, cytotoxic compounds). Thread time of each site in the bare loop (all passes, "
                + "all thread counts, %d sites): least squares **%.2f ms + %.3f ms per cell** (R^2 %.2f).%n%n",
            costs.size(), fit[0], fit[1], fit[2]));
        sb.append("| cells per site (quartile) | sites | mean cells | mean ms per site | ms per cell |\n"
            + "| --- | ---: | ---: | ---: | ---: |\n");
        final List<BareSiteLoop.SiteCost> sorted = costs.stream().sorted(Comparator.comparingInt(
            BareSiteLoop.SiteCost::cells)).toList();
        for (int q = 0; q < 4; q++) {
            final List<BareSiteLoop.SiteCost> part = sorted.subList(q * sorted.size() / 4, (q + 1) * sorted.size() / 4);
            if (part.isEmpty()) {
                continue;
            }
            final double c = part.stream().mapToInt(BareSiteLoop.SiteCost::cells).average().orElse(0);
            final double m = part.stream().mapToLong(BareSiteLoop.SiteCost::nanos).average().orElse(0) / 1e6;
            sb.append(String.format(Locale.ROOT, "| %d..%d | %d | %.1f | %.2f | %.3f |%n", part.get(0).cells(),
                part.get(part.size() - 1).cells(), part.size(), c, m, c == 0 ? Double.NaN : m / c));
        }
        sb.append('\n');
    }

    private List<BareSiteLoop.SiteCost> allCosts() {
        final List<BareSiteLoop.SiteCost> out = new ArrayList<>();
        runs.forEach(r -> r.bare().forEach(t -> out.addAll(t.perSite())));
        return out;
    }

    /** Writes the SVG plots into {@code dir}; returns their paths. */
    List<Path> writePlots(final Path dir) {
        final List<Path> out = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            final List<String> categories = runs.stream().map(r -> r.threads() + (r.threads() == 1 ? " thread"
                : " threads")).toList();
            final double[][] values = {runs.stream().mapToDouble(r -> r.burst().steady()[0]).toArray(),
                runs.stream().mapToDouble(PipelineRun::bareSitesPerSecond).toArray()};
            out.add(write(dir.resolve("throughput-vs-threads.svg"), SvgCharts.bars("Sites/s vs extractor threads ("
                + options.wells() + " wells, " + options.size() + " px)", "sites per second", categories,
                List.of("pipeline, steady state", "bare loop (no Kafka/S3/DB)"), values)));

            final PipelineRun main = main();
            final List<PlateWatcher.PlateRun> seq = main.sequential().plates();
            final List<SvgCharts.Series> latency = new ArrayList<>();
            latency.add(SvgCharts.Series.points("last image -> final, alone", index(seq.size()),
                seq.stream().mapToDouble(PlateWatcher.PlateRun::finalLatency).toArray()));
            latency.add(SvgCharts.Series.points("first image -> first QC row", index(seq.size()),
                seq.stream().mapToDouble(PlateWatcher.PlateRun::firstPartialLatency).toArray()));
            for (final PipelineRun r : runs) {
                final List<PlateWatcher.PlateRun> b = r.burst().plates();
                latency.add(SvgCharts.Series.points("last image -> final, burst, " + r.threads() + " thr",
                    index(b.size()), b.stream().mapToDouble(PlateWatcher.PlateRun::finalLatency).toArray()));
            }
            final double med = median(seq.stream().mapToDouble(PlateWatcher.PlateRun::finalLatency).toArray());
            latency.add(SvgCharts.Series.dashed("median, alone", new double[] {1, Math.max(2, seq.size())},
                new double[] {med, med}));
            out.add(write(dir.resolve("latency-per-plate.svg"), SvgCharts.points("Latency per plate ("
                + main.threads() + " extractor threads)", "plate (in push order)", "seconds", latency)));

            final double[] heap = seq.stream().mapToDouble(p -> p.heapAfterGc / MB).toArray();
            final double[] x = index(heap.length);
            final double[] fit = linearFit(x, heap);
            out.add(write(dir.resolve("heap-after-gc.svg"), SvgCharts.points("Heap after full GC, per plate",
                "plate", "MB", List.of(SvgCharts.Series.points("heap used after GC", x, heap),
                    SvgCharts.Series.dashed(String.format(Locale.ROOT, "fit: %+.2f MB/plate", fit[1]),
                        new double[] {1, heap.length}, new double[] {fit[0] + fit[1], fit[0] + fit[1] * heap.length})))));

            final List<BareSiteLoop.SiteCost> costs = allCosts();
            if (!costs.isEmpty()) {
                final double[] c = costs.stream().mapToDouble(BareSiteLoop.SiteCost::cells).toArray();
                final double[] ms = costs.stream().mapToDouble(s -> s.nanos() / 1e6).toArray();
                final double[] f = linearFit(c, ms);
                final double cMax = Arrays.stream(c).max().orElse(1);
                out.add(write(dir.resolve("cost-vs-cells.svg"), SvgCharts.points("Bare cost per site vs cells",
                    "cells in the site", "ms (thread time)", List.of(SvgCharts.Series.points("site", c, ms),
                        SvgCharts.Series.dashed(String.format(Locale.ROOT, "%.1f + %.2f ms/cell", f[0], f[1]),
                            new double[] {0, cMax}, new double[] {f[0], f[0] + f[1] * cMax})))));
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot write the plots into " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static Path write(final Path file, final String svg) throws IOException {
        Files.writeString(file, svg);
        return file;
    }

    private static double[] index(final int n) {
        final double[] x = new double[n];
        Arrays.setAll(x, i -> i + 1);
        return x;
    }

    static double median(final double[] values) {
        final double[] s = values.clone();
        Arrays.sort(s);
        if (s.length == 0) {
            return Double.NaN;
        }
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Nearest-rank percentile: the smallest value with at least {@code p} of the values at or below it. */
    static double percentile(final double[] values, final double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        final double[] s = values.clone();
        Arrays.sort(s);
        return s[Math.max(0, (int) Math.ceil(p * s.length) - 1)];
    }

    /** Least squares y = a + b x: {a, b, R^2}; b = 0 and R^2 = NaN when x does not vary. */
    static double[] linearFit(final double[] x, final double[] y) {
        final int n = x.length;
        final double mx = Arrays.stream(x).average().orElse(Double.NaN);
        final double my = Arrays.stream(y).average().orElse(Double.NaN);
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
            syy += (y[i] - my) * (y[i] - my);
        }
        if (sxx == 0) {
            return new double[] {my, 0, Double.NaN};
        }
        final double b = sxy / sxx;
        return new double[] {my - b * mx, b, syy == 0 ? 1 : sxy * sxy / (sxx * syy)};
    }
}
