package io.phenostream.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a root folder into which instruments write one sub-folder per plate run, and ingests a plate folder
 * once it is complete: when its marker file appears (default {@code COMPLETE}), or when its file set (names,
 * sizes, modification times) has not changed for the configured time. Polling, not a file-system watch service:
 * instrument shares are usually network mounts, where change notifications are not delivered.
 *
 * <p>The outcome is written into the plate folder, so nothing fails silently: {@code INGESTED.txt} with the run
 * key and counts, or {@code INGEST-FAILED.txt} with every problem found. A failed folder is tried again once its
 * files change (the operator fixed it); an ingested one is not looked at again.
 */
public final class PlateFolderWatcher {

    private static final Logger LOG = LoggerFactory.getLogger(PlateFolderWatcher.class);

    public static final String INGESTED = "INGESTED.txt";
    public static final String FAILED = "INGEST-FAILED.txt";

    /** What happened to one plate folder in one poll. */
    public record Outcome(Path folder, IngestResult result, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    private record Seen(String fingerprint, long since, boolean failed) {
    }

    private final Path root;
    private final String marker;
    private final long stableMillis;
    private final Function<Path, IngestRequest> requests;
    private final PlateIngestor ingestor;
    private final Map<Path, Seen> seen = new HashMap<>();

    /**
     * @param requests builds the ingest request of a plate folder (plate map, ids, naming scheme)
     * @param stableSeconds 0 = ingest only folders with the marker
     */
    public PlateFolderWatcher(final Path root, final String marker, final long stableSeconds,
                              final Function<Path, IngestRequest> requests, final PlateIngestor ingestor) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("Watched folder " + root + " does not exist or is not a directory");
        }
        this.root = root;
        this.marker = marker;
        this.stableMillis = stableSeconds * 1000;
        this.requests = requests;
        this.ingestor = ingestor;
    }

    /** One pass over the root: ingests every plate folder that became complete. */
    public List<Outcome> poll(final long nowMillis) {
        final List<Outcome> outcomes = new ArrayList<>();
        final List<Path> folders;
        try (Stream<Path> s = Files.list(root)) {
            folders = s.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        } catch (final IOException e) {
            throw new IllegalStateException("Cannot list watched folder " + root + ": " + e.getMessage(), e);
        }
        for (final Path folder : folders) {
            if (Files.exists(folder.resolve(INGESTED))) {
                continue;
            }
            final String fingerprint = fingerprint(folder);
            final Seen before = seen.get(folder);
            if (before == null || !before.fingerprint.equals(fingerprint)) {
                seen.put(folder, new Seen(fingerprint, nowMillis, false));
            }
            final Seen now = seen.get(folder);
            if (now.failed) {
                continue; // unchanged since it failed: wait for a fix
            }
            final boolean marked = Files.exists(folder.resolve(marker));
            final boolean stable = stableMillis > 0 && nowMillis - now.since >= stableMillis;
            if (marked || stable) {
                final Outcome outcome = ingest(folder, marked ? "marker " + marker : "stable for "
                    + (nowMillis - now.since) / 1000 + " s");
                seen.put(folder, new Seen(fingerprint(folder), nowMillis, !outcome.ok()));
                outcomes.add(outcome);
            }
        }
        return outcomes;
    }

    /** Polls until interrupted. */
    public void run(final long intervalMillis, final java.util.function.Consumer<Outcome> onOutcome)
        throws InterruptedException {
        LOG.info("Watching {} for plate folders (marker {}, stable after {} s)", root, marker, stableMillis / 1000);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                poll(System.currentTimeMillis()).forEach(onOutcome);
            } catch (final RuntimeException e) {
                LOG.error("Watching {} failed this round, trying again: {}", root, e.getMessage());
            }
            Thread.sleep(intervalMillis);
        }
    }

    private Outcome ingest(final Path folder, final String why) {
        LOG.info("Plate folder {} is complete ({}): ingesting", folder, why);
        try {
            final IngestResult r = ingestor.ingest(requests.apply(folder), (a, b, c, d) -> { });
            write(folder, INGESTED, "run " + r.run().runKey() + "\nanalysis " + r.analysisId() + "\nsites " + r.sites()
                + " (" + r.sitesPublished() + " published, " + r.sitesAlreadyPublished() + " already published)\nimages "
                + r.images() + " (" + r.imagesUploaded() + " uploaded)\n" + String.join("\n", r.warnings()) + "\n");
            deleteQuietly(folder.resolve(FAILED));
            return new Outcome(folder, r, null);
        } catch (final RuntimeException e) {
            LOG.error("Plate folder {} not ingested: {}", folder, e.getMessage());
            write(folder, FAILED, e.getMessage() + "\n");
            return new Outcome(folder, null, e.getMessage());
        }
    }

    /** Names, sizes and modification times of the folder's files, minus the watcher's own reports. */
    private static String fingerprint(final Path folder) {
        final StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.list(folder)) {
            for (final Path p : s.sorted().toList()) {
                final String name = p.getFileName().toString();
                if (name.equals(FAILED) || name.equals(INGESTED) || name.endsWith(".tmp")) {
                    continue;
                }
                sb.append(name).append(':').append(Files.size(p)).append(':')
                    .append(Files.getLastModifiedTime(p).toMillis()).append('\n');
            }
        } catch (final IOException e) {
            return "unreadable:" + e.getMessage();
        }
        return sb.toString();
    }

    private static void write(final Path folder, final String name, final String text) {
        try {
            final Path tmp = folder.resolve(name + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, folder.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (final IOException e) {
            LOG.error("Cannot write {} into {}: {}", name, folder, e.getMessage());
        }
    }

    private static void deleteQuietly(final Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (final IOException e) {
            // a stale failure report is harmless next to INGESTED.txt
        }
    }
}
