package io.phenostream.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.domain.PlateMapEntry;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.domain.WellRole;
import io.phenostream.common.events.Keys;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.s3.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes a plate folder. First everything is checked, so a bad folder publishes nothing: file names against
 * the naming scheme, channels, wells against the plate map, and every image's header (decodable, not truncated,
 * same size and bit depth across the channels of a site); all problems are reported at once. Then the plate run
 * goes to {@code plate-runs}, the images to S3 in parallel (skipped when already stored), and each site's image
 * set to {@code image-sets} as soon as its channels are stored, so extraction starts on the first site. Image
 * sets are sent without a wait per site; the push waits once for Kafka's acknowledgements before it returns
 * ({@link RunSession#startPipelined}), and reports as published only the sites Kafka acknowledged.
 * Re-pushing the same folder uploads and publishes nothing (see {@link IngestReceipts}); a push interrupted by
 * an S3 or Kafka failure resumes where it stopped.
 */
public final class PlateIngestor {

    private static final Logger LOG = LoggerFactory.getLogger(PlateIngestor.class);

    /** Progress callback: files and bytes stored so far, out of the totals. */
    public interface Progress {
        void update(int filesDone, int filesTotal, long bytesDone, long bytesTotal);
    }

    private final ObjectStore store;
    private final Producer<String, byte[]> producer;
    private final PhenoConfig config;
    private final IngestMetrics metrics;
    private final ImageUploader uploader;
    private volatile String epoch;

    public PlateIngestor(final ObjectStore store, final Producer<String, byte[]> producer, final PhenoConfig config) {
        this(store, producer, config, Metrics.globalRegistry);
    }

    public PlateIngestor(final ObjectStore store, final Producer<String, byte[]> producer, final PhenoConfig config,
                         final MeterRegistry registry) {
        this.store = store;
        this.producer = producer;
        this.config = config;
        this.metrics = new IngestMetrics(registry);
        this.uploader = new ImageUploader(store, config, metrics);
    }

    public IngestMetrics metrics() {
        return metrics;
    }

    /** The largest image accepted, in pixels ({@code phenostream.image.max-pixels}). */
    public long maxImagePixels() {
        return config.getInt(ConfigKey.IMAGE_MAX_PIXELS);
    }

    public ImageUploader uploader() {
        return uploader;
    }

    /** A publisher sharing this ingestor's producer, receipts and metrics (the HTTP API opens runs with it). */
    public RunPublisher publisher(final boolean force) {
        if (epoch == null) {
            epoch = RunPublisher.epoch(config);
        }
        return new RunPublisher(producer, new IngestReceipts(store, epoch, new S3Retry(store.client(), config, metrics)),
            metrics, config, force);
    }

    public IngestResult ingest(final IngestRequest request, final Progress progress) {
        Keys.requireId("experiment", request.experimentId());
        Keys.requireId("plate", request.plateId());
        final int threads = Math.max(1, config.getInt(ConfigKey.INGEST_UPLOAD_THREADS));
        final ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            final Thread t = new Thread(r, "ingest-upload");
            t.setDaemon(true);
            return t;
        });
        try {
            final long t0 = System.nanoTime();
            final CheckedPlate plate;
            try {
                plate = check(request, pool);
            } catch (final RuntimeException e) {
                metrics.failure(IngestMetrics.Stage.VALIDATE);
                throw e;
            }
            metrics.timer(IngestMetrics.Stage.VALIDATE).record(System.nanoTime() - t0,
                java.util.concurrent.TimeUnit.NANOSECONDS);
            return push(request, plate, pool, progress);
        } finally {
            pool.shutdownNow();
        }
    }

    /** A folder that passed every check, with each image's header and digest. */
    private record CheckedPlate(PlateFolder folder, ChannelLayout channels, Map<Path, ImageHeader> headers,
                                Map<Path, ContentDigest> digests, List<String> warnings) {
    }

    private CheckedPlate check(final IngestRequest request, final ExecutorService pool) {
        final PlateFolder folder = PlateFolder.scan(request.dir(), request.scheme());
        final List<String> problems = new ArrayList<>(folder.problems());
        final List<String> warnings = new ArrayList<>();
        for (final Path p : folder.unmatched()) {
            warnings.add(p.getFileName() + ": matches no " + folder.scheme().name() + " file name; not ingested");
        }
        final ChannelLayout channels = resolveChannels(request, folder);
        checkWellsAgainstPlateMap(request, folder, problems, warnings);

        final Map<Path, ImageHeader> headers = new ConcurrentHashMap<>();
        final Map<Path, ContentDigest> digests = new ConcurrentHashMap<>();
        final List<String> fileProblems = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<Future<?>> reads = new ArrayList<>();
        for (final Map<String, Path> site : folder.sites().values()) {
            for (final Path file : site.values()) {
                reads.add(pool.submit(() -> {
                    try {
                        headers.put(file, ImageHeader.read(file).requirePixelsAtMost(file.getFileName().toString(),
                            maxImagePixels()));
                        digests.put(file, uploader.digest(file));
                    } catch (final RuntimeException e) {
                        fileProblems.add(e.getMessage());
                    }
                }));
            }
        }
        await(reads, request.dir());
        problems.addAll(new TreeSet<>(fileProblems));
        for (final var site : folder.sites().entrySet()) {
            ImageHeader first = null;
            Path firstFile = null;
            for (final Path file : site.getValue().values()) {
                final ImageHeader h = headers.get(file);
                if (h == null) {
                    continue;
                }
                if (first == null) {
                    first = h;
                    firstFile = file;
                } else if (!first.compatibleWith(h)) {
                    problems.add(file.getFileName() + " is " + h.describe() + " but " + firstFile.getFileName()
                        + " of the same site is " + first.describe());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new PlateRejectedException("Plate folder " + request.dir(), problems);
        }
        warnings.forEach(w -> LOG.warn("{}: {}", request.dir(), w));
        return new CheckedPlate(folder, channels, headers, digests, warnings);
    }

    private IngestResult push(final IngestRequest request, final CheckedPlate plate, final ExecutorService pool,
                              final Progress progress) {
        final PlateFolder folder = plate.folder();
        final String runId = request.runId() != null ? Keys.requireId("run", request.runId())
            : contentRunId(folder, plate.digests());
        final PlateRun run = new PlateRun(PlateRun.SCHEMA_VERSION, request.experimentId(), request.plateId(), runId,
            request.plateMap().layout(), plate.channels().channelNames(), plate.channels().nuclearChannel(),
            plate.channels().cellChannel(), folder.sitesPerWell(), folder.sites().size(), request.plateMap().entries(),
            "folder:" + request.dir().toAbsolutePath(), Instant.now().toString(), false);
        final RunSession session = RunSession.startPipelined(run, request.analysis(), publisher(request.force()));

        final int filesTotal = plate.digests().size();
        final long bytesTotal = plate.digests().values().stream().mapToLong(ContentDigest::size).sum();
        final AtomicInteger filesDone = new AtomicInteger();
        final AtomicLong bytesDone = new AtomicLong();
        final AtomicInteger uploaded = new AtomicInteger();
        final AtomicLong bytesUploaded = new AtomicLong();
        progress.update(0, filesTotal, 0, bytesTotal);
        final List<Future<?>> pending = new ArrayList<>();
        for (final var site : folder.sites().entrySet()) {
            pending.add(pool.submit(() -> {
                for (final var channel : site.getValue().entrySet()) {
                    final Path file = channel.getValue();
                    final ContentDigest digest = plate.digests().get(file);
                    final ImageUploader.Stored stored = uploader.store(plate.channels().nameOf(channel.getKey()), file,
                        digest);
                    if (stored.uploaded()) {
                        uploaded.incrementAndGet();
                        bytesUploaded.addAndGet(digest.size());
                    }
                    session.add(site.getKey().well(), site.getKey().site(), stored.ref(), plate.headers().get(file));
                    progress.update(filesDone.incrementAndGet(), filesTotal, bytesDone.addAndGet(digest.size()),
                        bytesTotal);
                }
                return null;
            }));
        }
        try {
            await(pending, request.dir());
            session.close(null); // waits once for Kafka's acknowledgement of every site sent
        } catch (final RuntimeException e) {
            session.stop(e); // records the sites Kafka did acknowledge, so a push again resumes after them
            throw e;
        }
        final RunSession.Status status = session.status();
        LOG.info("Ingested run {} ({} sites: {} published, {} already published; {} images, {} uploaded, {} bytes; "
                + "scheme {}, analysis {})", run.runKey(), folder.sites().size(), status.sitesPublished(),
            status.sitesAlreadyPublished(), filesTotal, uploaded.get(), bytesTotal, folder.scheme().name(),
            session.analysisId());
        return new IngestResult(session.run(), session.analysisId(), folder.scheme().name(), folder.sites().size(),
            filesTotal, bytesTotal, uploaded.get(), bytesUploaded.get(), status.sitesPublished(),
            status.sitesAlreadyPublished(), List.copyOf(plate.warnings()));
    }

    private static void await(final List<Future<?>> futures, final Path dir) {
        try {
            for (final Future<?> f : futures) {
                f.get();
            }
        } catch (final ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            throw new IllegalStateException("Ingest of " + dir + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            futures.forEach(f -> f.cancel(true));
            throw new IllegalStateException("Ingest of " + dir + " interrupted", e);
        }
    }

    private static ChannelLayout resolveChannels(final IngestRequest request, final PlateFolder folder) {
        final ChannelLayout layout;
        if (request.channels() != null) {
            layout = request.channels();
        } else if (Files.isRegularFile(folder.dir().resolve(ChannelLayout.SIDECAR))) {
            layout = ChannelLayout.read(folder.dir().resolve(ChannelLayout.SIDECAR));
        } else {
            layout = ChannelLayout.defaults(folder.channelTokens());
        }
        for (final String token : folder.channelTokens()) {
            layout.nameOf(token);
        }
        return layout;
    }

    private static void checkWellsAgainstPlateMap(final IngestRequest request, final PlateFolder folder,
                                                  final List<String> problems, final List<String> warnings) {
        final Map<WellId, Path> unknown = new TreeMap<>();
        final Set<WellId> imaged = new TreeSet<>();
        for (final var site : folder.sites().entrySet()) {
            final WellId well = site.getKey().well();
            imaged.add(well);
            if (request.plateMap().entry(well).isEmpty() || !request.plateMap().layout().contains(well)) {
                unknown.putIfAbsent(well, site.getValue().values().iterator().next());
            }
        }
        unknown.forEach((well, file) -> problems.add(file.getFileName() + ": well " + well + " is not in the plate map"
            + " (" + request.plateMap().layout() + "-well plate)"));
        final List<WellId> notImaged = request.plateMap().entries().stream().filter(e -> e.role() != WellRole.EMPTY)
            .map(PlateMapEntry::well).filter(w -> !imaged.contains(w)).sorted().toList();
        if (!notImaged.isEmpty()) {
            warnings.add(notImaged.size() + " plate-map well(s) have no images: " + notImaged);
        }
    }

    /** A run id from the images' names and content hashes: the same folder is the same run. */
    static String contentRunId(final PlateFolder folder, final Map<Path, ContentDigest> digests) {
        try {
            final MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (final var site : folder.sites().values()) {
                for (final Path p : site.values()) {
                    md.update(p.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                    md.update(digests.get(p).sha256().getBytes(StandardCharsets.UTF_8));
                }
            }
            return "run-" + HexFormat.of().formatHex(md.digest()).substring(0, 12);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
