package io.phenostream.benchmarks;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.PlateMap;
import io.phenostream.common.domain.PlateMapParser;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.common.s3.S3ClientFactory;
import io.phenostream.common.synth.SynthFiles;
import io.phenostream.common.synth.SynthOptions;
import io.phenostream.common.synth.SyntheticPlateGenerator;
import io.phenostream.infra.LocalInfrastructure;
import io.phenostream.ingest.ChannelLayout;
import io.phenostream.ingest.IngestRequest;
import io.phenostream.ingest.IngestResult;
import io.phenostream.ingest.PlateFolder;
import io.phenostream.ingest.PlateIngestor;
import io.phenostream.ingest.RunPublisher;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * End-to-end ingest throughput against the embedded servers of local mode: how close does
 * {@link PlateIngestor#ingest} (validate, digest, HEAD, upload, verify, publish) come to what the same S3 server
 * accepts from plain PUTs? One run starts one embedded S3Proxy and one embedded Kafka broker on a fresh data
 * folder (PostgreSQL is not started), generates a synthetic plate, then runs {@code --rounds} rounds of:
 * <ol>
 *   <li>raw PUT baseline: the plate's images PUT to a new bucket, same client, same thread count as the ingest
 *       ({@code phenostream.ingest.upload-threads});</li>
 *   <li>ingest of the plate folder into another new bucket (so nothing is skipped), timed from call to return;</li>
 *   <li>re-push of the same folder into that bucket: every image and site is skipped (digest, HEAD, receipts).</li>
 * </ol>
 * The order of baseline and ingest alternates between rounds so that neither always runs on a warmer JVM or a
 * fuller disk, and {@code --warmup} unreported rounds run first (JIT, connection pools, first buckets). Prints markdown tables: per round throughput and ratios with their medians, and the mean latency
 * of each ingest stage from the {@code phenostream.ingest.stage} timers.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.phenostream.benchmarks.IngestThroughputHarness \
 *     [--wells 96] [--sites 2] [--size 1024] [--rounds 3] [--warmup 1] [--seed 42] [--work-dir DIR] [--keep]
 * </pre>
 */
public final class IngestThroughputHarness {

    private static final String EXPERIMENT = "BENCH-INGEST";
    /** Any JDBC URL stops local mode from starting PostgreSQL, which the ingest never uses. */
    private static final String UNUSED_DB_URL = "jdbc:postgresql://127.0.0.1:1/unused-by-ingest-benchmark";

    private final HarnessOptions options;

    public IngestThroughputHarness(final HarnessOptions options) {
        this.options = options;
    }

    public static void main(final String[] args) throws IOException {
        final HarnessOptions options;
        try {
            options = HarnessOptions.parse(args);
        } catch (final IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(HarnessOptions.USAGE);
            System.exit(2);
            return;
        }
        System.out.print(new IngestThroughputHarness(options).run());
        System.out.flush();
        // Client and server threads are closed, but Jetty/Kafka may leave a non-daemon straggler behind.
        System.exit(0);
    }

    /** Runs the whole measurement and returns the markdown report. */
    public String run() throws IOException {
        final Path temp = options.workDir() == null ? Files.createTempDirectory("ingest-throughput-")
            : Files.createTempDirectory(Files.createDirectories(options.workDir()), "ingest-throughput-");
        try {
            return measure(temp);
        } finally {
            if (options.keep()) {
                log("Kept %s", temp);
            } else {
                deleteRecursively(temp);
            }
        }
    }

    private String measure(final Path temp) {
        final Path plateDir = temp.resolve("plate");
        final SynthOptions synth = SynthOptions.defaults().withLayout(PlateLayout.parse(Integer.toString(options.wells())))
            .withSitesPerWell(options.sites()).withImageSize(options.size()).withSeed(options.seed());
        long t0 = System.nanoTime();
        generatePlate(synth, plateDir);
        log("Generated %d-well plate, %d site(s)/well, %d px in %.1f s", options.wells(), options.sites(),
            options.size(), seconds(System.nanoTime() - t0));
        final PlateMap plateMap = PlateMapParser.parse(plateDir.resolve(SynthFiles.PLATE_MAP), synth.layout());
        final List<Path> images = imagesOf(plateDir);

        final PhenoConfig base = PhenoConfig.load(null)
            .with(ConfigKey.DATA_DIR, temp.resolve("data").toString())
            // one embedded broker and one embedded S3 server, whatever the environment points at
            .with(ConfigKey.KAFKA_BOOTSTRAP, null)
            .with(ConfigKey.S3_ENDPOINT, null)
            .with(ConfigKey.DB_URL, UNUSED_DB_URL);
        t0 = System.nanoTime();
        try (LocalInfrastructure infra = startQuietly(base);
             S3Client s3 = S3ClientFactory.create(infra.config());
             Producer<String, byte[]> producer = new KafkaProducer<>(RunPublisher.producerConfig(infra.config()))) {
            log("Embedded Kafka + S3 started in %.1f s", seconds(System.nanoTime() - t0));
            final PhenoConfig config = infra.config();
            final int threads = Math.max(1, config.getInt(ConfigKey.INGEST_UPLOAD_THREADS));
            final RoundRunner runner = new RoundRunner(s3, producer, config, new RawPutBaseline(s3, threads), images,
                new IngestRequest(plateDir, plateMap, EXPERIMENT, synth.plateId(), null, null, null,
                    AnalysisSpec.classicalDefaults()));
            for (int w = 1; w <= options.warmup(); w++) {
                // own registries: warm-up latencies stay out of the stage table
                final ThroughputReport.Round round = runner.run("warmup-" + w, w, w % 2 == 1,
                    new SimpleMeterRegistry(), new SimpleMeterRegistry());
                log("Warm-up %d/%d (not reported): raw %.1f MB/s, ingest %.1f MB/s, re-push %.1f MB/s", w,
                    options.warmup(), round.rawMbps(), round.ingestMbps(), round.repushMbps());
            }
            final SimpleMeterRegistry ingestMetrics = new SimpleMeterRegistry();
            final SimpleMeterRegistry repushMetrics = new SimpleMeterRegistry();
            final List<ThroughputReport.Round> rounds = new ArrayList<>();
            for (int r = 1; r <= options.rounds(); r++) {
                final ThroughputReport.Round round = runner.run("r" + r, r, r % 2 == 1, ingestMetrics,
                    repushMetrics);
                rounds.add(round);
                log("Round %d/%d: raw %.1f MB/s, ingest %.1f MB/s (%.2fx), re-push %.1f MB/s (%.2fx)", r,
                    options.rounds(), round.rawMbps(), round.ingestMbps(), round.ingestRatio(), round.repushMbps(),
                    round.repushRatio());
            }
            final long bytes = rounds.get(0).bytes();
            return report(rounds, images.size(), bytes, threads, ingestMetrics, repushMetrics);
        }
    }

    /** One round against the shared servers: raw PUT and ingest into two new buckets, then the re-push. */
    private record RoundRunner(S3Client s3, Producer<String, byte[]> producer, PhenoConfig config,
                               RawPutBaseline baseline, List<Path> images, IngestRequest request) {

        ThroughputReport.Round run(final String bucketSuffix, final int number, final boolean rawFirst,
                                   final SimpleMeterRegistry ingestMetrics, final SimpleMeterRegistry repushMetrics) {
            final String rawBucket = "bench-raw-" + bucketSuffix;
            final String ingestBucket = "bench-ingest-" + bucketSuffix;
            new ObjectStore(s3, rawBucket).ensureBucket();
            new ObjectStore(s3, ingestBucket).ensureBucket();

            RawPutBaseline.Timing raw = null;
            if (rawFirst) {
                raw = baseline.put(rawBucket, images);
            }
            final long ti = System.nanoTime();
            final IngestResult ingested = ingestor(ingestBucket, ingestMetrics)
                .ingest(request, IngestThroughputHarness::noProgress);
            final long ingestNanos = System.nanoTime() - ti;
            final long tr = System.nanoTime();
            final IngestResult repushed = ingestor(ingestBucket, repushMetrics)
                .ingest(request, IngestThroughputHarness::noProgress);
            final long repushNanos = System.nanoTime() - tr;
            if (!rawFirst) {
                raw = baseline.put(rawBucket, images);
            }
            checkSameWork(bucketSuffix, raw, ingested, repushed);
            return new ThroughputReport.Round(number, rawFirst, raw, ingestNanos, repushNanos, ingested.bytes());
        }

        private PlateIngestor ingestor(final String bucket, final SimpleMeterRegistry registry) {
            // The store must not be closed: it would close the client shared with the baseline.
            return new PlateIngestor(new ObjectStore(s3, bucket), producer, config.with(ConfigKey.S3_BUCKET, bucket),
                registry);
        }

        /**
         * A throughput is only comparable when both sides moved the same bytes: the fresh ingest must upload and
         * publish everything, the re-push nothing.
         */
        private static void checkSameWork(final String round, final RawPutBaseline.Timing raw,
                                          final IngestResult ingested, final IngestResult repushed) {
            final List<String> problems = new ArrayList<>();
            if (ingested.images() != raw.files() || ingested.bytes() != raw.bytes()) {
                problems.add("ingest saw " + ingested.images() + " images / " + ingested.bytes() + " bytes, the raw"
                    + " PUT " + raw.files() + " / " + raw.bytes());
            }
            if (ingested.imagesUploaded() != ingested.images() || ingested.sitesPublished() != ingested.sites()) {
                problems.add("fresh ingest uploaded " + ingested.imagesUploaded() + "/" + ingested.images()
                    + " images and published " + ingested.sitesPublished() + "/" + ingested.sites() + " sites");
            }
            if (repushed.imagesUploaded() != 0 || repushed.sitesPublished() != 0
                || repushed.sitesAlreadyPublished() != repushed.sites()) {
                problems.add("re-push uploaded " + repushed.imagesUploaded() + " images and published "
                    + repushed.sitesPublished() + " sites (" + repushed.sitesAlreadyPublished() + "/"
                    + repushed.sites() + " already published), expected all skipped");
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException("Round " + round + " did not do the expected work: "
                    + String.join("; ", problems));
            }
        }
    }

    private String report(final List<ThroughputReport.Round> rounds, final int images, final long bytes,
                          final int threads, final SimpleMeterRegistry ingestMetrics,
                          final SimpleMeterRegistry repushMetrics) {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Plate: %d wells x %d site(s) x %d channels, %d px 16-bit TIFF: %d images,"
                + " %.1f MB. Upload threads: %d. Machine: %d cores, Java %s.%n%n", options.wells(), options.sites(),
            SynthFiles.CHANNELS.size(), options.size(), images, bytes / 1e6, threads,
            Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
        sb.append(ThroughputReport.roundsTable(rounds)).append('\n');
        sb.append("Per-stage mean latency (`phenostream.ingest.stage`, all rounds; validate is per plate, publish per"
            + " record, the others per image):\n\n");
        sb.append(ThroughputReport.stageTable(ingestMetrics, repushMetrics, rounds)).append('\n');
        sb.append(String.format(Locale.ROOT, "Median over %d round(s): ingest runs at %.0f%% of raw PUT throughput"
                + " (%.2fx), a re-push of the same plate at %.2fx raw PUT throughput.%n", rounds.size(),
            100 * ThroughputReport.median(rounds, ThroughputReport.Round::ingestRatio),
            ThroughputReport.median(rounds, ThroughputReport.Round::ingestRatio),
            ThroughputReport.median(rounds, ThroughputReport.Round::repushRatio)));
        return sb.toString();
    }

    /**
     * Starts the embedded servers with stdout pointed at stderr: the Kafka test kit prints its storage formatting
     * to stdout, which would land in the middle of the markdown report.
     */
    static LocalInfrastructure startQuietly(final PhenoConfig config) {
        final PrintStream out = System.out;
        System.setOut(System.err);
        try {
            return LocalInfrastructure.start(config, true);
        } finally {
            System.setOut(out);
        }
    }

    /** The synthetic plate plus the {@code channels.csv} that names its channels (as {@code screen synth}). */
    private static void generatePlate(final SynthOptions synth, final Path dir) {
        new SyntheticPlateGenerator().generate(synth, dir);
        final Map<String, String> names = new LinkedHashMap<>();
        for (int i = 0; i < SynthFiles.CHANNELS.size(); i++) {
            names.put(Integer.toString(i), SynthFiles.CHANNELS.get(i));
        }
        try {
            ChannelLayout.write(dir.resolve(ChannelLayout.SIDECAR), new ChannelLayout(names,
                SynthFiles.CHANNELS.get(SynthFiles.DNA), SynthFiles.CHANNELS.get(SynthFiles.CELL_MASK)));
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot write " + dir.resolve(ChannelLayout.SIDECAR) + ": "
                + e.getMessage(), e);
        }
    }

    /** Exactly the files the ingest pushes: the channel images the folder scan groups into sites. */
    private static List<Path> imagesOf(final Path plateDir) {
        final PlateFolder folder = PlateFolder.scan(plateDir, null);
        if (!folder.problems().isEmpty()) {
            throw new IllegalStateException("Generated plate " + plateDir + " has problems: " + folder.problems());
        }
        return folder.sites().values().stream().flatMap(site -> site.values().stream()).toList();
    }

    private static void noProgress(final int filesDone, final int filesTotal, final long bytesDone,
                                   final long bytesTotal) {
        // the harness times the whole call; per-file progress would only add printing to the measurement
    }

    private static double seconds(final long nanos) {
        return nanos / 1e9;
    }

    private static void log(final String format, final Object... args) {
        System.err.println("[ingest-throughput] " + String.format(Locale.ROOT, format, args));
    }

    static void deleteRecursively(final Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (final Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (final IOException e) {
            log("Could not delete %s: %s", dir, e.getMessage());
        }
    }
}
