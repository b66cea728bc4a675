package io.phenostream.benchmarks;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phenostream.cli.LocalPipeline;
import io.phenostream.cli.SynthCommand;
import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.PlateMapParser;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.ImageSet;
import io.phenostream.common.synth.SynthFiles;
import io.phenostream.common.synth.SynthOptions;
import io.phenostream.extractor.analysis.SiteAnalyzer;
import io.phenostream.extractor.embedding.EmbeddingModel;
import io.phenostream.ingest.IngestRequest;
import io.phenostream.ingest.IngestResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The whole pipeline, one command: the local pipeline (embedded Kafka, S3 and PostgreSQL, the ingest, extractor,
 * scorer and sink in this JVM, as {@code ./screen run} runs it) on synthetic plates, measured in one run for:
 * <ul>
 *   <li><b>latency</b>: {@code --plates} plates pushed one at a time; per plate, last image ingested (the ingest
 *       returns) to its final hit list in PostgreSQL, and first image stored to its first partial plate QC row;
 *       split into the extraction tail and scoring + sink; heap after a full GC at the end of each plate (growth
 *       is the slope over the plates);</li>
 *   <li><b>throughput</b>: {@code --burst} plates pushed back to back, per extractor thread count; the steady-state
 *       sites/s (10 % to 90 % of the burst's sites done), images/s and cells/s, with the breakdown by stage from
 *       the Micrometer timers ({@code phenostream.extractor.stage}, {@code phenostream.ingest.stage},
 *       {@code phenostream.embedding.inference}), Kafka Streams' own metrics for the scorer, and the CPU time per
 *       site of every stage's threads and of PostgreSQL's processes;</li>
 *   <li><b>efficiency</b>: the burst's steady sites/s over {@link BareSiteLoop}'s on the first plates of the same
 *       burst, same threads, same analysis (decode, segmentation, features, QC, plus crops and one forward pass
 *       per site with {@code --model}), no Kafka, S3 or database; measured before and after the burst;</li>
 *   <li><b>scaling</b>: extractor threads ({@code --threads 1,2}, one pipeline each), 96 vs 384 wells (one 384-well
 *       plate pushed alone at the largest thread count), and the bare cost of a site against its cell count;</li>
 *   <li><b>memory</b>: peak heap used and JVM resident set (sampled every 100 ms), the JVM's VmHWM, PostgreSQL's
 *       proportional set size, garbage collections, per phase.</li>
 * </ul>
 * Every plate is an experiment of its own, so its final hit list does not wait for another plate. Prints the
 * markdown for {@code benchmarks/RESULTS.md} on stdout (progress on stderr) and writes SVG plots to {@code --out}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.phenostream.benchmarks.PipelineBenchmarkHarness [--large] \
 *     [--wells 96] [--sites 1] [--size 256] [--plates 10] [--burst 4] [--threads 1,2] [--384|--no-384] \
 *     [--models models --model cellembed/2] [--out benchmarks/target/pipeline-bench] [--work-dir DIR] [--keep]
 * </pre>
 * Run it from the repository root ({@code --models} defaults to {@code models}, {@code --out} to a folder under
 * {@code benchmarks/target}).
 */
public final class PipelineBenchmarkHarness {

    private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(20);
    /** Plates of each burst that the bare loop also runs (their images are held in memory for it). */
    private static final int BARE_PLATES = 2;
    /** Shortest bare pass on each side of a burst. */
    private static final long BARE_MIN_SECONDS = 3;

    private final PipelineHarnessOptions options;
    private final String command;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ThreadCpuTracker cpu = new ThreadCpuTracker();
    private int plateCounter;

    public PipelineBenchmarkHarness(final PipelineHarnessOptions options, final String command) {
        this.options = options;
        this.command = command;
    }

    public static void main(final String[] args) throws Exception {
        final PipelineHarnessOptions options;
        try {
            options = PipelineHarnessOptions.parse(args);
        } catch (final IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(PipelineHarnessOptions.USAGE);
            System.exit(2);
            return;
        }
        final String command = "java -cp benchmarks/target/benchmarks.jar "
            + PipelineBenchmarkHarness.class.getName() + (args.length == 0 ? "" : " " + String.join(" ", args));
        System.out.print(new PipelineBenchmarkHarness(options, command).run());
        System.out.flush();
        // Kafka, Jetty and PostgreSQL are closed, but a non-daemon straggler must not keep the JVM up.
        System.exit(0);
    }

    /** Runs every phase and returns the markdown report; the plots are in {@code options.out()}. */
    public String run() throws IOException, InterruptedException, TimeoutException {
        final Instant started = Instant.now();
        final long t0 = System.nanoTime();
        final double loadBefore = ProcFs.loadAverage();
        final Path temp = options.workDir() == null ? Files.createTempDirectory("pipeline-bench-")
            : Files.createTempDirectory(Files.createDirectories(options.workDir()), "pipeline-bench-");
        Metrics.globalRegistry.add(registry);
        final AnalysisSpec analysis = analysis();
        final List<PipelineReport.PipelineRun> runs = new ArrayList<>();
        try (PipelineSampler sampler = new PipelineSampler(cpu, registry);
             EmbeddingModel model = options.model() == null ? null : loadModel()) {
            final List<Integer> threads = options.threads().stream().sorted(Comparator.reverseOrder()).distinct()
                .toList();
            for (final int t : threads) {
                runs.add(runPipeline(temp, t, t == options.mainThreads(), analysis, model, sampler));
            }
        } finally {
            Metrics.globalRegistry.remove(registry);
            if (options.keep()) {
                log("Kept %s", temp);
            } else {
                IngestThroughputHarness.deleteRecursively(temp);
            }
        }
        final double seconds = (System.nanoTime() - t0) / 1e9;
        final PipelineReport report = new PipelineReport(options, command, started, seconds, loadBefore,
            ProcFs.loadAverage(), ProcFs.jvmRss().peak(), analysis, runs);
        final List<Path> plots = report.writePlots(options.out());
        log("Done in %.0f s; plots: %s", seconds, plots);
        return report.markdown(plots);
    }

    /** One pipeline at {@code threads} extractor threads: warm-up, [latency + memory], bare, burst, bare, [384]. */
    private PipelineReport.PipelineRun runPipeline(final Path temp, final int threads, final boolean main,
                                                   final AnalysisSpec analysis, final EmbeddingModel model,
                                                   final PipelineSampler sampler)
        throws InterruptedException, TimeoutException {
        final Path data = temp.resolve("data-" + threads + "-threads");
        final PhenoConfig config = PhenoConfig.load(null).with(ConfigKey.DATA_DIR, data.toString())
            // the embedded servers, whatever the environment points at
            .with(ConfigKey.KAFKA_BOOTSTRAP, null).with(ConfigKey.S3_ENDPOINT, null).with(ConfigKey.DB_URL, null)
            .with(ConfigKey.EXTRACTOR_THREADS, Integer.toString(threads))
            .with(ConfigKey.MODELS_DIR, options.modelsDir().toAbsolutePath().toString());
        long t0 = System.nanoTime();
        final PrintStream out = System.out;
        System.setOut(System.err); // the servers print banners; stdout is the report's
        final LocalPipeline pipeline;
        try {
            pipeline = LocalPipeline.start(config, true);
        } finally {
            System.setOut(out);
        }
        final double startSeconds = (System.nanoTime() - t0) / 1e9;
        log("Pipeline with %d extractor thread(s) started in %.1f s", threads, startSeconds);
        sampler.postgresData(data);
        try (pipeline; PlateWatcher watcher = new PlateWatcher(pipeline.store());
             BareSiteLoop bare = new BareSiteLoop(model, new SiteAnalyzer(analysis.extraction()), threads, 0)) {
            final Phases phases = new Phases(pipeline, watcher, sampler, analysis, temp.resolve("plates"), data);
            t0 = System.nanoTime();
            phases.sequential("warmup-" + threads, 1, options.wells(), false);
            log("Warm-up plate (not reported) in %.1f s", (System.nanoTime() - t0) / 1e9);
            PipelineReport.Sequential sequential = null;
            if (main) {
                sequential = phases.sequential("latency", options.plates(), options.wells(), true);
            }
            final List<PlateWatcher.PlateRun> burstPlates = phases.newPlates("burst-" + threads, options.burst(),
                options.wells());
            final List<List<BareSiteLoop.Site>> bareSites = new ArrayList<>();
            for (int i = 0; i < Math.min(BARE_PLATES, burstPlates.size()); i++) {
                bareSites.add(bareSites(phases.dirOf(burstPlates.get(i)), burstPlates.get(i), analysis));
            }
            final List<BareSiteLoop.Timing> bareBefore = barePass(bare, bareSites, "before");
            final PipelineReport.Burst burst = phases.burst("burst", burstPlates);
            final List<BareSiteLoop.Timing> bareAfter = barePass(bare, bareSites, "after");
            PipelineReport.Burst big = null;
            if (main && options.with384()) {
                big = phases.burst("384 wells", phases.newPlates("plate384", 1, 384));
            }
            return new PipelineReport.PipelineRun(threads, startSeconds, sequential, burst, big, bareBefore, bareAfter,
                bareSites.size());
        } finally {
            sampler.postgresData(null);
            // The next pipeline registers its meters again: drop this one's (gauges would keep its objects).
            registry.clear();
            Metrics.globalRegistry.clear();
        }
    }

    /**
     * The bare loop over each plate's sites, repeated until the pass took {@link #BARE_MIN_SECONDS} (short passes
     * are mostly noise on a shared machine); each repeat under a new run id, so the per-run illumination estimate
     * starts afresh as it does for a new plate in the worker. One Timing per plate and repeat; the first
     * {@code plates.size()} are one of each plate, for the cell check.
     */
    private static List<BareSiteLoop.Timing> barePass(final BareSiteLoop bare,
                                                      final List<List<BareSiteLoop.Site>> plates, final String when) {
        final List<BareSiteLoop.Timing> out = new ArrayList<>();
        long nanos = 0;
        for (int repeat = 0; repeat == 0 || nanos < BARE_MIN_SECONDS * 1_000_000_000L; repeat++) {
            for (final List<BareSiteLoop.Site> sites : plates) {
                final BareSiteLoop.Timing t = bare.run(withRun(sites, "bare-" + when + "-" + repeat));
                out.add(t);
                nanos += t.nanos();
            }
        }
        final long sites = out.stream().mapToLong(BareSiteLoop.Timing::sites).sum();
        log("Bare loop %s the burst: %d sites at %.2f sites/s", when, sites, sites / (nanos / 1e9));
        return out;
    }

    private static List<BareSiteLoop.Site> withRun(final List<BareSiteLoop.Site> sites, final String runId) {
        return sites.stream().map(site -> {
            final ImageSet s = site.set();
            return new BareSiteLoop.Site(new ImageSet(s.schemaVersion(), s.analysisId(), s.analysis(),
                s.experimentId(), s.plateId(), runId, s.well(), s.site(), s.images(), s.nuclearChannel(),
                s.cellChannel(), s.publishedAt()), site.images());
        }).toList();
    }

    /** The phases of one pipeline; plates are generated just before their phase and deleted after it. */
    private final class Phases {
        private final LocalPipeline pipeline;
        private final PlateWatcher watcher;
        private final PipelineSampler sampler;
        private final AnalysisSpec analysis;
        private final Path platesDir;
        private final Path dataDir;

        Phases(final LocalPipeline pipeline, final PlateWatcher watcher, final PipelineSampler sampler,
               final AnalysisSpec analysis, final Path platesDir, final Path dataDir) {
            this.pipeline = pipeline;
            this.watcher = watcher;
            this.sampler = sampler;
            this.analysis = analysis;
            this.platesDir = platesDir;
            this.dataDir = dataDir;
        }

        Path dirOf(final PlateWatcher.PlateRun plate) {
            return platesDir.resolve(plate.plateId);
        }

        /** Generates {@code count} plates (a new seed each, one experiment each), outside any measurement. */
        List<PlateWatcher.PlateRun> newPlates(final String phase, final int count, final int wells) {
            final long t0 = System.nanoTime();
            final List<PlateWatcher.PlateRun> plates = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                final int n = plateCounter++;
                final String plateId = String.format(Locale.ROOT, "BENCH-%s-%02d", phase.replace(' ', '-'), i)
                    .toUpperCase(Locale.ROOT);
                final SynthOptions o = SynthCommand.options(wells, options.sites(), options.size(),
                    options.seed() + n, plateId).withExperimentId("BENCH-PIPE-" + n);
                SynthCommand.generate(o, platesDir.resolve(plateId));
                plates.add(new PlateWatcher.PlateRun(o.experimentId(), plateId, analysis.analysisId(), wells,
                    o.layout().wells().size() * options.sites()));
            }
            log("Generated %d plate(s) of %d wells for %s in %.1f s", count, wells, phase,
                (System.nanoTime() - t0) / 1e9);
            return plates;
        }

        /**
         * Plates pushed one at a time, each waiting for its final hit list; with {@code heap}, a full GC after each
         * plate and the heap used after it.
         */
        PipelineReport.Sequential sequential(final String phase, final int count, final int wells,
                                             final boolean heap) throws InterruptedException, TimeoutException {
            final List<PlateWatcher.PlateRun> plates = newPlates(phase, count, wells);
            sampler.resetPeaks();
            final ThreadCpuTracker.Totals cpuBefore = cpu.totals();
            final PipelineSampler.Gc gcBefore = PipelineSampler.gc();
            for (final PlateWatcher.PlateRun p : plates) {
                sampler.startRecording();
                push(p);
                watcher.awaitFinal(List.of(p), PHASE_TIMEOUT, () -> { });
                final List<PipelineSampler.Progress> progress = sampler.stopRecording();
                p.extractorDone = doneAt(progress, p.sites);
                if (heap) {
                    System.gc();
                    p.heapAfterGc = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                }
                delete(p);
                log("%s %s: %d sites, ingest %.1f s, first partial QC %.1f s after its first image, final %.1f s"
                        + " after its last", phase, p.plateId, p.sites, p.ingestSeconds(), p.firstPartialLatency(),
                    p.finalLatency());
            }
            return new PipelineReport.Sequential(plates, sampler.peaks(), cpu.totals().minus(cpuBefore),
                PipelineSampler.gc().minus(gcBefore));
        }

        /** Plates pushed back to back; waits for every final hit list. */
        PipelineReport.Burst burst(final String phase, final List<PlateWatcher.PlateRun> plates)
            throws InterruptedException, TimeoutException {
            final long sites = plates.stream().mapToLong(p -> p.sites).sum();
            sampler.resetPeaks();
            final StageMeters metersBefore = StageMeters.take(registry);
            final ThreadCpuTracker.Totals cpuBefore = cpu.totals();
            final ProcFs.Postgres pgBefore = ProcFs.postgres(dataDir);
            final PipelineSampler.Gc gcBefore = PipelineSampler.gc();
            sampler.startRecording();
            for (final PlateWatcher.PlateRun p : plates) {
                push(p);
            }
            log("%s: %d plate(s), %d sites ingested; waiting for the results", phase, plates.size(), sites);
            watcher.awaitFinal(plates, PHASE_TIMEOUT, () -> { });
            final List<PipelineSampler.Progress> progress = sampler.stopRecording();
            final ProcFs.Postgres pgAfter = ProcFs.postgres(dataDir);
            final PipelineReport.Burst burst = new PipelineReport.Burst(phase, plates, progress,
                PipelineSampler.steadyRate(progress, sites), StageMeters.take(registry).minus(metersBefore),
                cpu.totals().minus(cpuBefore), new ProcFs.Postgres(pgAfter.processes(),
                pgAfter.cpuNanos() - pgBefore.cpuNanos(), pgAfter.pssBytes()), sampler.peaks(),
                PipelineSampler.gc().minus(gcBefore), StreamsMetrics.read());
            plates.forEach(this::delete);
            log("%s: steady %.2f sites/s, %.0f cells/s; plate latencies %s s", phase, burst.steady()[0],
                burst.steady()[1], plates.stream().map(p -> String.format(Locale.ROOT, "%.1f", p.finalLatency()))
                    .toList());
            return burst;
        }

        private void push(final PlateWatcher.PlateRun p) {
            final Path dir = dirOf(p);
            final IngestRequest request = new IngestRequest(dir, PlateMapParser.parse(dir.resolve("plate-map.csv"),
                layout(p)), p.experimentId, p.plateId, null, null, null, analysis);
            watcher.watch(p);
            p.ingestStart = System.nanoTime();
            final IngestResult result = pipeline.ingest(request, (filesDone, filesTotal, bytesDone, bytesTotal) -> {
                if (filesDone > 0 && p.firstImage == 0) {
                    p.firstImage = System.nanoTime();
                }
            });
            p.ingestReturn = System.nanoTime();
            if (!result.analysisId().equals(p.analysisId) || result.sites() != p.sites
                || result.sitesPublished() != p.sites) {
                throw new IllegalStateException("Ingest of " + p.plateId + " published " + result.sitesPublished()
                    + " of " + result.sites() + " sites (expected " + p.sites + ") for analysis "
                    + result.analysisId() + " (expected " + p.analysisId + ")");
            }
        }

        private void delete(final PlateWatcher.PlateRun p) {
            IngestThroughputHarness.deleteRecursively(dirOf(p));
        }
    }

    /** When the live extractor's sites-done counter first reached {@code sites} past the recording's start. */
    static long doneAt(final List<PipelineSampler.Progress> progress, final long sites) {
        final double base = progress.get(0).sites();
        for (final PipelineSampler.Progress p : progress) {
            if (p.sites() - base >= sites) {
                return p.nanos();
            }
        }
        return 0;
    }

    /** A plate's sites with their images in memory, as the bare loop takes them. */
    private List<BareSiteLoop.Site> bareSites(final Path dir, final PlateWatcher.PlateRun plate,
                                              final AnalysisSpec analysis) {
        final String now = Instant.now().toString();
        final List<BareSiteLoop.Site> sites = new ArrayList<>();
        try {
            for (final WellId well : layout(plate).wells()) {
                for (int s = 0; s < options.sites(); s++) {
                    final Map<String, byte[]> images = new LinkedHashMap<>();
                    for (int c = 0; c < SynthFiles.CHANNELS.size(); c++) {
                        images.put(SynthFiles.CHANNELS.get(c),
                            Files.readAllBytes(dir.resolve(SynthFiles.imageFileName(plate.plateId, well, s, c))));
                    }
                    sites.add(new BareSiteLoop.Site(new ImageSet(ImageSet.SCHEMA_VERSION, analysis.analysisId(),
                        analysis, plate.experimentId, plate.plateId, "bare", well, s, List.of(),
                        SyntheticSiteImages.NUCLEAR, SyntheticSiteImages.CELL, now), images));
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot read plate " + dir + ": " + e.getMessage(), e);
        }
        return sites;
    }

    private static PlateLayout layout(final PlateWatcher.PlateRun plate) {
        return PlateLayout.parse(Integer.toString(plate.wells));
    }

    private AnalysisSpec analysis() {
        final AnalysisSpec classical = AnalysisSpec.classicalDefaults();
        if (options.model() == null) {
            return classical;
        }
        final Path file = options.modelsDir().resolve(options.model()).resolve(EmbeddingModel.MODEL_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("No model " + options.model() + ": " + file.toAbsolutePath()
                + " does not exist (run from the repository root, or give --models DIR)");
        }
        return new AnalysisSpec(options.model(), EmbeddingModel.sha256(file), classical.extraction(),
            classical.scoring());
    }

    private EmbeddingModel loadModel() {
        final String[] nameVersion = options.model().split("/", 2);
        return EmbeddingModel.load(options.modelsDir(), nameVersion[0], nameVersion[1],
            PhenoConfig.load(null).require(ConfigKey.EMBEDDING_DEVICE));
    }

    static void log(final String format, final Object... args) {
        System.err.println("[pipeline-bench] " + String.format(Locale.ROOT, format, args));
    }
}
