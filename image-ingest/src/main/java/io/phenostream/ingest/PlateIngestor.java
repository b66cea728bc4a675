package io.phenostream.ingest;

import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.domain.PlateMapEntry;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.domain.WellRole;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.ImageRef;
import io.phenostream.common.events.ImageSet;
import io.phenostream.common.events.Keys;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.kafka.Topics;
import io.phenostream.common.s3.ObjectStore;
import java.io.IOException;
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
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes a plate run: images to S3 (content-addressed), the plate run to {@code plate-runs}, then one
 * image-set per site to {@code image-sets} as soon as that site's images are stored, so extraction starts on
 * the first site while the rest uploads. Re-pushing the same folder produces the same keys: downstream
 * stages replace, never double count.
 */
public final class PlateIngestor {

    private static final Logger LOG = LoggerFactory.getLogger(PlateIngestor.class);
    private static final int UPLOAD_THREADS = 4;

    /** Progress callback: files and bytes stored so far, out of the totals. */
    public interface Progress {
        void update(int filesDone, int filesTotal, long bytesDone, long bytesTotal);
    }

    private final ObjectStore store;
    private final Producer<String, byte[]> producer;
    private final PhenoConfig config;

    public PlateIngestor(final ObjectStore store, final Producer<String, byte[]> producer, final PhenoConfig config) {
        this.store = store;
        this.producer = producer;
        this.config = config;
    }

    public IngestResult ingest(final IngestRequest request, final Progress progress) {
        Keys.requireId("experiment", request.experimentId());
        Keys.requireId("plate", request.plateId());
        final PlateFolder folder = PlateFolder.scan(request.dir(), request.scheme());
        if (!folder.unmatched().isEmpty()) {
            LOG.warn("{} file(s) in {} match no naming scheme and are skipped, e.g. {}", folder.unmatched().size(),
                request.dir(), folder.unmatched().get(0).getFileName());
        }
        final ChannelLayout channels = resolveChannels(request, folder);
        checkWellsAgainstPlateMap(request, folder);

        final String runId = request.runId() != null ? Keys.requireId("run", request.runId()) : contentRunId(folder);
        final PlateRun run = new PlateRun(PlateRun.SCHEMA_VERSION, request.experimentId(), request.plateId(), runId,
            request.plateMap().layout(), channels.channelNames(), channels.nuclearChannel(), channels.cellChannel(),
            folder.sitesPerWell(), folder.sites().size(), request.plateMap().entries(), request.dir().toString(),
            Instant.now().toString());
        final String analysisId = request.analysis().analysisId();
        send(config.topic(Topics.PLATE_RUNS), run.runKey(), EventSerdes.plateRun().serialize(Topics.PLATE_RUNS, run));

        final int filesTotal = folder.sites().values().stream().mapToInt(Map::size).sum();
        final long bytesTotal = folder.sites().values().stream().flatMap(m -> m.values().stream())
            .mapToLong(PlateIngestor::size).sum();
        final AtomicLong filesDone = new AtomicLong();
        final AtomicLong bytesDone = new AtomicLong();
        final ExecutorService pool = Executors.newFixedThreadPool(UPLOAD_THREADS, r -> {
            final Thread t = new Thread(r, "ingest-upload");
            t.setDaemon(true);
            return t;
        });
        try {
            final List<Future<ImageSet>> pending = new ArrayList<>();
            for (final var site : folder.sites().entrySet()) {
                pending.add(pool.submit(() -> {
                    final List<ImageRef> refs = new ArrayList<>();
                    for (final var channel : site.getValue().entrySet()) {
                        final byte[] bytes = Files.readAllBytes(channel.getValue());
                        refs.add(store.putImage(channels.nameOf(channel.getKey()),
                            channel.getValue().getFileName().toString(), bytes));
                        progress.update((int) filesDone.incrementAndGet(), filesTotal,
                            bytesDone.addAndGet(bytes.length), bytesTotal);
                    }
                    final ImageSet set = new ImageSet(ImageSet.SCHEMA_VERSION, analysisId, request.analysis(),
                        run.experimentId(), run.plateId(), run.runId(), site.getKey().well(), site.getKey().site(),
                        refs, channels.nuclearChannel(), channels.cellChannel(), Instant.now().toString());
                    send(config.topic(Topics.IMAGE_SETS), set.siteKey(),
                        EventSerdes.imageSet().serialize(Topics.IMAGE_SETS, set));
                    return set;
                }));
            }
            for (final Future<ImageSet> f : pending) {
                f.get();
            }
        } catch (final ExecutionException e) {
            throw new IllegalStateException("Ingest of " + request.dir() + " failed: " + e.getCause().getMessage(),
                e.getCause());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Ingest interrupted", e);
        } finally {
            pool.shutdownNow();
        }
        producer.flush();
        LOG.info("Ingested run {} ({} sites, {} images, {} bytes, scheme {}, analysis {})", run.runKey(),
            folder.sites().size(), filesTotal, bytesTotal, folder.scheme().name(), analysisId);
        return new IngestResult(run, analysisId, folder.scheme().name(), folder.sites().size(), filesTotal, bytesTotal);
    }

    private void send(final String topic, final String key, final byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (final ExecutionException e) {
            throw new IllegalStateException("Cannot publish " + key + " to " + topic + ": " + e.getCause().getMessage(),
                e.getCause());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing " + key, e);
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

    private static void checkWellsAgainstPlateMap(final IngestRequest request, final PlateFolder folder) {
        final Set<WellId> unknown = new TreeSet<>();
        for (final PlateFolder.SiteId site : folder.sites().keySet()) {
            final var entry = request.plateMap().entry(site.well());
            if (entry.isEmpty() || !request.plateMap().layout().contains(site.well())) {
                unknown.add(site.well());
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Images in " + request.dir() + " for wells not in the plate map: " + unknown);
        }
        final long imaged = request.plateMap().entries().stream().filter(e -> e.role() != WellRole.EMPTY)
            .map(PlateMapEntry::well).filter(w -> folder.sites().keySet().stream().noneMatch(s -> s.well().equals(w)))
            .count();
        if (imaged > 0) {
            LOG.warn("{} plate-map well(s) have no images in {}", imaged, request.dir());
        }
    }

    /** A run id from the names, sizes and modification-independent content hashes of the images. */
    static String contentRunId(final PlateFolder folder) {
        try {
            final MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (final var site : folder.sites().values()) {
                for (final Path p : site.values()) {
                    md.update(p.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                    md.update(ObjectStore.sha256(Files.readAllBytes(p)).getBytes(StandardCharsets.UTF_8));
                }
            }
            return "run-" + HexFormat.of().formatHex(md.digest()).substring(0, 12);
        } catch (final NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException("Cannot hash images of " + folder.dir() + ": " + e.getMessage(), e);
        }
    }

    private static long size(final Path p) {
        try {
            return Files.size(p);
        } catch (final IOException e) {
            throw new IllegalArgumentException("Cannot read " + p + ": " + e.getMessage(), e);
        }
    }
}
