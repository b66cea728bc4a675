package io.phenostream.benchmarks;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.ExtractionParameters;
import io.phenostream.common.events.ImageRef;
import io.phenostream.common.events.ImageSet;
import io.phenostream.common.events.ScoringParameters;
import io.phenostream.common.kafka.KafkaClientConfigs;
import io.phenostream.common.kafka.Topics;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.common.s3.S3ClientFactory;
import io.phenostream.common.synth.SynthFiles;
import io.phenostream.common.synth.SynthOptions;
import io.phenostream.common.synth.SyntheticPlateGenerator;
import io.phenostream.extractor.FeatureExtractorService;
import io.phenostream.extractor.analysis.SiteAnalyzer;
import io.phenostream.extractor.embedding.EmbeddingModel;
import io.phenostream.infra.LocalInfrastructure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * End-to-end feature extraction throughput against the embedded servers of local mode: how close does a
 * {@link FeatureExtractorService} worker (poll, S3 GET + sha256, analyse, embed in batches across sites, Parquet
 * to S3, site-features to Kafka, commit) come to the same per-site work done in a tight in-process loop? One run
 * starts one embedded S3Proxy and one Kafka broker (PostgreSQL is not started), generates a synthetic plate,
 * uploads its images, starts one worker, runs {@code --warmup-sites} sites through it and through the bare loops
 * (not reported), then {@code --rounds} rounds of:
 * <ol>
 *   <li>worker: every site of the plate published as an image-set (a new run id each round), timed from the
 *       first send until the worker reports the last site done;</li>
 *   <li>bare site loop ({@link BareSiteLoop}): the same sites from memory, decode to embedding, on as many
 *       threads as the worker's CPU pool;</li>
 *   <li>bare model ({@link BareModelLoop}): as many crops as the worker measured cells, cut from this plate,
 *       through the model in batches of {@code phenostream.embedding.max-batch} on one thread.</li>
 * </ol>
 * Worker and bare loop alternate their order between rounds. Prints markdown tables: per round sites/s, cells/s,
 * efficiency (worker / bare loop) and worker cells/s against bare-model crops/s with medians; the share of time
 * per worker stage from the {@code phenostream.extractor.stage} timers; the bare loop's split; the batching.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.phenostream.benchmarks.ExtractorThroughputHarness \
 *     [--wells 96] [--sites 2] [--size 512] [--rounds 3] [--warmup-sites 24] [--threads 0] [--seed 42] \
 *     [--models DIR --model NAME/VERSION] [--work-dir DIR] [--keep]
 * </pre>
 * Run it from the repository root: the default model is the test fixture under {@code feature-extractor/}.
 */
public final class ExtractorThroughputHarness {

    static final Path FIXTURE_MODEL = Path.of(EmbeddingBenchmark.FIXTURE_MODEL);
    static final String FIXTURE_NAME = "fixture-tiny/1";
    private static final String EXPERIMENT = "BENCH-EXTRACT";
    private static final String PLATE = "BENCH-X001";
    /** Any JDBC URL stops local mode from starting PostgreSQL, which the extractor never uses. */
    private static final String UNUSED_DB_URL = "jdbc:postgresql://127.0.0.1:1/unused-by-extractor-benchmark";
    /** Crops kept from a bare pass to feed the bare model (bounds memory for large crops). */
    private static final int CROP_SAMPLE = 4096;
    /** The worker's gauge of sites polled and not yet committed (its backpressure bound is 4 x threads). */
    private static final String IN_FLIGHT_GAUGE = "phenostream.extractor.in.flight";
    private static final long PASS_TIMEOUT_NANOS = 15L * 60 * 1_000_000_000L;

    private final ExtractorHarnessOptions options;

    public ExtractorThroughputHarness(final ExtractorHarnessOptions options) {
        this.options = options;
    }

    public static void main(final String[] args) throws IOException {
        final ExtractorHarnessOptions options;
        try {
            options = ExtractorHarnessOptions.parse(args);
        } catch (final IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(ExtractorHarnessOptions.USAGE);
            System.exit(2);
            return;
        }
        System.out.print(new ExtractorThroughputHarness(options).run());
        System.out.flush();
        // Client, server and DJL threads are closed, but Jetty/Kafka may leave a non-daemon straggler behind.
        System.exit(0);
    }

    /** Runs the whole measurement and returns the markdown report. */
    public String run() throws IOException {
        final Path temp = options.workDir() == null ? Files.createTempDirectory("extractor-throughput-")
            : Files.createTempDirectory(Files.createDirectories(options.workDir()), "extractor-throughput-");
        try {
            return measure(temp);
        } finally {
            if (options.keep()) {
                log("Kept %s", temp);
            } else {
                IngestThroughputHarness.deleteRecursively(temp);
            }
        }
    }

    /** A site of the plate: where it is, its images in memory and their S3 references once uploaded. */
    private record PlateSite(WellId well, int site, Map<String, byte[]> images, List<ImageRef> refs) {
    }

    private String measure(final Path temp) throws IOException {
        final long start = System.nanoTime();
        final SynthOptions synth = SynthOptions.defaults().withLayout(PlateLayout.parse(Integer.toString(options.wells())))
            .withSitesPerWell(options.sites()).withImageSize(options.size()).withSeed(options.seed())
            .withPlateId(PLATE).withExperimentId(EXPERIMENT);
        final Path plateDir = temp.resolve("plate");
        long t0 = System.nanoTime();
        new SyntheticPlateGenerator().generate(synth, plateDir);
        log("Generated %d-well plate, %d site(s)/well, %d px in %.1f s", options.wells(), options.sites(),
            options.size(), seconds(System.nanoTime() - t0));
        final List<PlateSite> sites = readSites(synth, plateDir);

        final Path modelsRoot = options.modelsDir() != null ? options.modelsDir() : fixtureModels(temp.resolve("models"));
        final String modelName = options.modelsDir() != null ? options.model() : FIXTURE_NAME;
        final String[] nameVersion = modelName.split("/", 2);
        final String sha = EmbeddingModel.sha256(modelsRoot.resolve(nameVersion[0]).resolve(nameVersion[1])
            .resolve(EmbeddingModel.MODEL_FILE));
        final AnalysisSpec analysis = new AnalysisSpec(modelName, sha, ExtractionParameters.defaults(),
            ScoringParameters.defaults());

        final PhenoConfig base = PhenoConfig.load(null)
            .with(ConfigKey.DATA_DIR, temp.resolve("data").toString())
            // one embedded broker and one embedded S3 server, whatever the environment points at
            .with(ConfigKey.KAFKA_BOOTSTRAP, null)
            .with(ConfigKey.S3_ENDPOINT, null)
            .with(ConfigKey.DB_URL, UNUSED_DB_URL);
        t0 = System.nanoTime();
        try (LocalInfrastructure infra = IngestThroughputHarness.startQuietly(base)) {
            log("Embedded Kafka + S3 started in %.1f s", seconds(System.nanoTime() - t0));
            final int threads = options.threads() > 0 ? options.threads()
                : infra.config().getInt(ConfigKey.EXTRACTOR_THREADS) > 0
                ? infra.config().getInt(ConfigKey.EXTRACTOR_THREADS) : Runtime.getRuntime().availableProcessors();
            final PhenoConfig config = infra.config().with(ConfigKey.MODELS_DIR, modelsRoot.toString())
                .with(ConfigKey.EXTRACTOR_THREADS, Integer.toString(threads));
            final int maxBatch = config.getInt(ConfigKey.EMBEDDING_MAX_BATCH);
            t0 = System.nanoTime();
            final List<PlateSite> uploaded = upload(config, sites);
            log("Uploaded %d images in %.1f s", 3 * uploaded.size(), seconds(System.nanoTime() - t0));

            final SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (EmbeddingModel bareModel = EmbeddingModel.load(modelsRoot, nameVersion[0], nameVersion[1],
                     config.require(ConfigKey.EMBEDDING_DEVICE));
                 Producer<String, byte[]> producer = new KafkaProducer<>(KafkaClientConfigs.producer(config,
                     "extractor-bench-feeder"));
                 BareSiteLoop bareLoop = new BareSiteLoop(bareModel, new SiteAnalyzer(analysis.extraction()), threads,
                     CROP_SAMPLE);
                 FeatureExtractorService worker = new FeatureExtractorService(config, "bench", registry, null)
                     .start()) {
                final Runner runner = new Runner(config, producer, worker, registry, analysis, bareLoop, bareModel,
                    maxBatch);
                warmUp(runner, uploaded);
                ExtractorReport.MeterSnapshot measured = ExtractorReport.MeterSnapshot.empty();
                int peakInFlight = 0;
                CpuTimes workerCpu = CpuTimes.zero();
                CpuTimes bareCpu = CpuTimes.zero();
                final List<ExtractorReport.Round> rounds = new ArrayList<>();
                for (int r = 1; r <= options.rounds(); r++) {
                    final boolean workerFirst = r % 2 == 1;
                    final List<ImageSet> sets = imageSets(analysis, uploaded, "r" + r);
                    BarePass barePass = workerFirst ? null : runner.bare(uploaded, sets);
                    final WorkerPass pass = runner.worker(sets);
                    if (barePass == null) {
                        barePass = runner.bare(uploaded, sets);
                    }
                    final BareSiteLoop.Timing bare = barePass.timing();
                    workerCpu = workerCpu.plus(pass.cpu());
                    bareCpu = bareCpu.plus(barePass.cpu());
                    if (bare.cells() != pass.cells()) {
                        log("WARNING round %d: the worker measured %d cells but the bare loop %d on the same sites",
                            r, pass.cells(), bare.cells());
                    }
                    final BareModelLoop.Timing model = BareModelLoop.run(bareModel, bare.crops(), pass.cells(),
                        maxBatch);
                    final ExtractorReport.Round round = new ExtractorReport.Round(r, workerFirst, sets.size(),
                        pass.cells(), pass.nanos(), bare, model);
                    rounds.add(round);
                    measured = measured.plus(pass.meters());
                    peakInFlight = Math.max(peakInFlight, pass.peakInFlight());
                    log("Round %d/%d: worker %.2f sites/s, bare loop %.2f sites/s (efficiency %.2f), worker %.0f"
                            + " cells/s vs bare model %.0f crops/s", r, options.rounds(), round.workerSitesPerSecond(),
                        bare.sitesPerSecond(), round.efficiency(), round.workerCellsPerSecond(),
                        model.cropsPerSecond());
                }
                final String report = report(rounds, measured, bareModel, threads, maxBatch,
                    config.getInt(ConfigKey.EMBEDDING_MAX_WAIT_MS), peakInFlight, workerCpu, bareCpu);
                log("Done in %.1f s", seconds(System.nanoTime() - start));
                return report;
            }
        }
    }

    /** The worker's time for one pass over the plate, its cells, and its meters' increments over the pass. */
    private record WorkerPass(long nanos, long cells, int peakInFlight, ExtractorReport.MeterSnapshot meters,
                              CpuTimes cpu) {
    }

    private record Runner(PhenoConfig config, Producer<String, byte[]> producer, FeatureExtractorService worker,
                          SimpleMeterRegistry registry, AnalysisSpec analysis, BareSiteLoop bareLoop,
                          EmbeddingModel bareModel, int maxBatch) {

        /** Publishes the image-sets and waits until the worker has finished every one of them. */
        WorkerPass worker(final List<ImageSet> sets) {
            final long before = worker.sitesProcessed() + worker.sitesFailed();
            final long failedBefore = worker.sitesFailed();
            final ExtractorReport.MeterSnapshot meters = ExtractorReport.MeterSnapshot.take(registry);
            final String topic = config.topic(Topics.IMAGE_SETS);
            final CpuTimes cpuBefore = CpuTimes.take();
            final long t0 = System.nanoTime();
            for (final ImageSet set : sets) {
                producer.send(new ProducerRecord<>(topic, set.siteKey(), EventSerdes.imageSet().serialize(topic, set)));
            }
            producer.flush();
            int peakInFlight = 0;
            while (worker.sitesProcessed() + worker.sitesFailed() < before + sets.size()) {
                final Gauge inFlight = registry.find(IN_FLIGHT_GAUGE).gauge();
                peakInFlight = Math.max(peakInFlight, inFlight == null ? 0 : (int) inFlight.value());
                if (!worker.isRunning()) {
                    throw new IllegalStateException("The worker stopped (see its log above)");
                }
                if (System.nanoTime() - t0 > PASS_TIMEOUT_NANOS) {
                    throw new IllegalStateException("The worker finished " + (worker.sitesProcessed()
                        + worker.sitesFailed() - before) + " of " + sets.size() + " sites in 15 minutes");
                }
                sleepMillis(5);
            }
            final long nanos = System.nanoTime() - t0;
            final CpuTimes cpu = CpuTimes.since(cpuBefore);
            if (worker.sitesFailed() > failedBefore) {
                throw new IllegalStateException((worker.sitesFailed() - failedBefore) + " site(s) failed in the"
                    + " worker (dead-lettered; see its log above): the timing would not be comparable");
            }
            final ExtractorReport.MeterSnapshot increments = ExtractorReport.MeterSnapshot.take(registry).minus(meters);
            return new WorkerPass(nanos, increments.cells(), peakInFlight, increments, cpu);
        }

        /** The bare site loop over the same sites, and the process CPU it took. */
        BarePass bare(final List<PlateSite> sites, final List<ImageSet> sets) {
            final List<BareSiteLoop.Site> work = new ArrayList<>(sites.size());
            for (int i = 0; i < sites.size(); i++) {
                work.add(new BareSiteLoop.Site(sets.get(i), sites.get(i).images()));
            }
            final CpuTimes before = CpuTimes.take();
            final BareSiteLoop.Timing timing = bareLoop.run(work);
            return new BarePass(timing, CpuTimes.since(before));
        }
    }

    private record BarePass(BareSiteLoop.Timing timing, CpuTimes cpu) {
    }

    /** JIT, model load, consumer-group join and connection pools, outside every measurement. */
    private void warmUp(final Runner runner, final List<PlateSite> sites) {
        final int n = Math.min(options.warmupSites(), sites.size());
        if (n == 0) {
            return;
        }
        final long t0 = System.nanoTime();
        final List<PlateSite> first = sites.subList(0, n);
        final List<ImageSet> sets = imageSets(runner.analysis(), first, "warmup");
        final WorkerPass pass = runner.worker(sets);
        final BareSiteLoop.Timing bare = runner.bare(first, sets).timing();
        BareModelLoop.run(runner.bareModel(), bare.crops(), Math.max(bare.cells(), 10L * runner.maxBatch()),
            runner.maxBatch());
        log("Warm-up (not reported): %d sites, %d cells, in %.1f s (worker pass %.1f s)", n, pass.cells(),
            seconds(System.nanoTime() - t0), seconds(pass.nanos()));
    }

    private List<PlateSite> readSites(final SynthOptions synth, final Path plateDir) throws IOException {
        final List<PlateSite> sites = new ArrayList<>();
        for (final WellId well : synth.layout().wells()) {
            for (int s = 0; s < synth.sitesPerWell(); s++) {
                final Map<String, byte[]> images = new LinkedHashMap<>();
                for (int c = 0; c < SynthFiles.CHANNELS.size(); c++) {
                    images.put(SynthFiles.CHANNELS.get(c), Files.readAllBytes(
                        plateDir.resolve(SynthFiles.imageFileName(synth.plateId(), well, s, c))));
                }
                sites.add(new PlateSite(well, s, images, List.of()));
            }
        }
        return sites;
    }

    /** Puts every image into the bucket (content-addressed, as the ingest does), outside the measurement. */
    private static List<PlateSite> upload(final PhenoConfig config, final List<PlateSite> sites) {
        final List<PlateSite> uploaded = new ArrayList<>(sites.size());
        try (ObjectStore store = new ObjectStore(S3ClientFactory.create(config), config.require(ConfigKey.S3_BUCKET))) {
            for (final PlateSite site : sites) {
                final List<ImageRef> refs = new ArrayList<>();
                site.images().forEach((channel, bytes) -> refs.add(store.putImage(channel,
                    SynthFiles.imageFileName(PLATE, site.well(), site.site(), SynthFiles.CHANNELS.indexOf(channel)),
                    bytes)));
                uploaded.add(new PlateSite(site.well(), site.site(), site.images(), refs));
            }
        }
        return uploaded;
    }

    private static List<ImageSet> imageSets(final AnalysisSpec analysis, final List<PlateSite> sites,
                                            final String runId) {
        final String now = Instant.now().toString();
        return sites.stream().map(s -> new ImageSet(ImageSet.SCHEMA_VERSION, analysis.analysisId(), analysis,
            EXPERIMENT, PLATE, runId, s.well(), s.site(), s.refs(), SyntheticSiteImages.NUCLEAR,
            SyntheticSiteImages.CELL, now)).toList();
    }

    /**
     * The fixture model (3 x 24 x 24 crops -> 8 floats) under {@code root/fixture-tiny/1}, its input channels
     * declared by role (nuclear, other, cell) so that it fits the synthetic plate, as FeatureExtractorServiceIT does.
     */
    static Path fixtureModels(final Path root) {
        if (!Files.isRegularFile(FIXTURE_MODEL.resolve(EmbeddingModel.MODEL_FILE))) {
            throw new IllegalStateException("No fixture model at " + FIXTURE_MODEL.toAbsolutePath()
                + ": run from the repository root, or name a model with --models DIR --model NAME/VERSION");
        }
        try {
            final Path dir = Files.createDirectories(root.resolve(FIXTURE_NAME));
            Files.copy(FIXTURE_MODEL.resolve(EmbeddingModel.MODEL_FILE), dir.resolve(EmbeddingModel.MODEL_FILE));
            final String json = Files.readString(FIXTURE_MODEL.resolve(EmbeddingModel.SPEC_FILE))
                .replaceFirst("\"inputChannels\"\\s*:\\s*\\[[^\\]]*\\]",
                    "\"inputChannels\": [\"nuclear\", \"other\", \"cell\"]");
            Files.writeString(dir.resolve(EmbeddingModel.SPEC_FILE), json);
            return root;
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot copy the fixture model into " + root + ": " + e.getMessage(), e);
        }
    }

    private String report(final List<ExtractorReport.Round> rounds, final ExtractorReport.MeterSnapshot measured,
                          final EmbeddingModel model, final int threads, final int maxBatch, final int maxWaitMs,
                          final int peakInFlight, final CpuTimes workerCpu, final CpuTimes bareCpu) {
        final int sitesPerPass = rounds.get(0).sites();
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Plate: %d wells x %d site(s) x %d channels of %d px 16-bit TIFF: %d sites,"
                + " %.0f cells per site on average. Model: %s (%d x %d x %d crops -> %d floats) on %s. Analysis"
                + " threads: %d (worker CPU pool and bare loop); worker embedder: max batch %d, max wait %d ms."
                + " Machine: %d cores, Java %s.%n%n", options.wells(), options.sites(), SynthFiles.CHANNELS.size(),
            options.size(), sitesPerPass, (double) rounds.get(0).workerCells() / sitesPerPass, model.spec().id(),
            model.spec().inputChannels().size(), model.spec().cropSize(), model.spec().cropSize(),
            model.spec().embeddingSize(), model.device(), threads, maxBatch, maxWaitMs,
            Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
        sb.append(ExtractorReport.roundsTable(rounds)).append('\n');
        sb.append("Worker stages (`phenostream.extractor.stage`, all rounds; each includes the wait for its pool):\n\n");
        sb.append(ExtractorReport.stageTable(measured)).append('\n');
        sb.append(String.format(Locale.ROOT, "Peak sites in flight in the worker (`phenostream.extractor.in.flight`,"
            + " sampled every 5 ms): %d; its backpressure bound is 4 x threads = %d.%n%n", peakInFlight, 4 * threads));
        sb.append(ExtractorReport.bareSplitTable(rounds)).append('\n');
        sb.append("Process CPU time per site (all rounds), by the threads that spent it:\n\n");
        sb.append(ExtractorReport.cpuTable(workerCpu, bareCpu, (long) rounds.size() * sitesPerPass)).append('\n');
        sb.append(ExtractorReport.embedderLine(measured, rounds)).append('\n');
        sb.append(String.format(Locale.ROOT, "Median over %d round(s): the worker runs at %.0f%% of the bare loop's"
                + " throughput (efficiency %.2f); its cells/s are %.1f%% of what the bare model embeds per second.%n",
            rounds.size(), 100 * ExtractorReport.median(rounds, ExtractorReport.Round::efficiency),
            ExtractorReport.median(rounds, ExtractorReport.Round::efficiency),
            100 * ExtractorReport.median(rounds, ExtractorReport.Round::modelShare)));
        return sb.toString();
    }

    private static void sleepMillis(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the worker", e);
        }
    }

    private static double seconds(final long nanos) {
        return nanos / 1e9;
    }

    private static void log(final String format, final Object... args) {
        System.err.println("[extractor-throughput] " + String.format(Locale.ROOT, format, args));
    }
}
