package io.phenostream.ingest;

import io.phenostream.common.domain.PlateMapEntry;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.ImageRef;
import io.phenostream.common.events.ImageSet;
import io.phenostream.common.events.PlateRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One plate run being pushed, by folder or by HTTP: its plate-run record goes out first, then each site's
 * image set as soon as every channel of that site is stored, so extraction starts on the first site while the
 * plate is still being imaged. A run opened with {@code open = true} takes sites until {@link #close} publishes
 * its final site count; a folder ingest publishes it closed, with the count of sites found, and closes the
 * session once its sites are in.
 *
 * <p>A session {@link #start started} for HTTP publishes each site before {@link #add} returns (the reply says
 * whether it was published). A {@link #startPipelined pipelined} one (the folder ingest) sends each site without
 * waiting for Kafka ({@link InFlightSites}); {@link #close} waits for the acknowledgements, and {@link #stop}
 * records what was acknowledged when the push fails.
 */
public final class RunSession {

    /** Where a run stands: sites published (now or by an earlier push), sites waiting for channels. */
    public record Status(String runKey, String analysisId, boolean open, int expectedSites, int sitesPublished,
                         int sitesAlreadyPublished, Map<String, List<String>> incompleteSites) {
    }

    private record Channel(ImageRef ref, ImageHeader header) {
    }

    private final RunPublisher publisher;
    /** Sites sent and not waited for; null when each site is published before add() returns. */
    private final InFlightSites inFlight;
    private final AnalysisSpec analysis;
    private final Map<WellId, PlateMapEntry> plateMap;
    private final Map<PlateFolder.SiteId, Map<String, Channel>> pending = new TreeMap<>();
    private final Map<PlateFolder.SiteId, String> complete = new HashMap<>();
    private PlateRun run;
    private boolean closed;
    private int published;
    private int alreadyPublished;

    private RunSession(final PlateRun run, final AnalysisSpec analysis, final RunPublisher publisher,
                       final boolean pipelined) {
        this.run = run;
        this.analysis = analysis;
        this.publisher = publisher;
        this.inFlight = pipelined ? new InFlightSites(publisher, run.runKey()) : null;
        this.plateMap = run.plateMap().stream().collect(Collectors.toMap(PlateMapEntry::well, e -> e));
    }

    /** Publishes the plate run (unless already published with the same content) and takes its sites. */
    public static RunSession start(final PlateRun run, final AnalysisSpec analysis, final RunPublisher publisher) {
        publisher.publishRun(run);
        return new RunSession(run, analysis, publisher, false);
    }

    /**
     * As {@link #start}, but sites go to Kafka without a wait each: {@link #add} returns once the site is sent,
     * and {@link #close} (or {@link #stop} on failure) waits for Kafka once for all of them.
     */
    public static RunSession startPipelined(final PlateRun run, final AnalysisSpec analysis,
                                            final RunPublisher publisher) {
        publisher.publishRun(run);
        return new RunSession(run, analysis, publisher, true);
    }

    public synchronized PlateRun run() {
        return run;
    }

    public String analysisId() {
        return analysis.analysisId();
    }

    /**
     * Adds one stored channel image of a site; publishes the site's image set when this completes it (a
     * pipelined session sends it, and counts it published once Kafka acknowledged it).
     *
     * @return the image set published (or sent), if this image completed its site
     * @throws IllegalArgumentException naming the file when the image does not belong to this run
     */
    public Optional<ImageSet> add(final WellId well, final int site, final ImageRef ref, final ImageHeader header) {
        final ImageSet set;
        synchronized (this) {
            final String file = ref.fileName() == null ? ref.uri() : ref.fileName();
            if (closed) {
                throw new IllegalStateException(file + ": run " + run.runKey() + " is closed");
            }
            if (!plateMap.containsKey(well) || !run.layout().contains(well)) {
                throw new IllegalArgumentException(file + ": well " + well + " is not in the plate map of "
                    + run.runKey());
            }
            if (!run.channels().contains(ref.channel())) {
                throw new IllegalArgumentException(file + ": channel '" + ref.channel() + "' is not one of the run's "
                    + run.channels());
            }
            if (site < 0) {
                throw new IllegalArgumentException(file + ": site " + site + " is negative");
            }
            final PlateFolder.SiteId id = new PlateFolder.SiteId(well, site);
            final String done = complete.get(id);
            if (done != null) {
                if (done.contains(ref.channel() + "=" + ref.sha256())) {
                    return Optional.empty(); // the same image again: already published
                }
                throw new IllegalArgumentException(file + ": well " + well + " site " + site + " was already "
                    + "published with another " + ref.channel() + " image");
            }
            final Map<String, Channel> channels = pending.computeIfAbsent(id, k -> new TreeMap<>());
            final Channel previous = channels.get(ref.channel());
            if (previous != null && !previous.ref.sha256().equals(ref.sha256())) {
                throw new IllegalArgumentException(file + ": second " + ref.channel() + " image for well " + well
                    + " site " + site + " (first: " + previous.ref.fileName() + ")");
            }
            for (final Channel other : channels.values()) {
                if (!other.header.compatibleWith(header)) {
                    throw new IllegalArgumentException(file + " is " + header.describe() + " but " + other.ref.fileName()
                        + " of the same site is " + other.header.describe());
                }
            }
            channels.put(ref.channel(), new Channel(ref, header));
            if (channels.size() < run.channels().size()) {
                return Optional.empty();
            }
            pending.remove(id);
            final List<ImageRef> refs = new ArrayList<>();
            for (final String name : run.channels()) {
                refs.add(channels.get(name).ref);
            }
            complete.put(id, refs.stream().map(r -> r.channel() + "=" + r.sha256()).collect(Collectors.joining(",")));
            set = new ImageSet(ImageSet.SCHEMA_VERSION, analysis.analysisId(), analysis, run.experimentId(),
                run.plateId(), run.runId(), well, site, refs, run.nuclearChannel(), run.cellChannel(),
                Instant.now().toString());
        }
        // Publishing outside the lock lets the other upload threads go on adding channels meanwhile.
        final boolean sent;
        try {
            sent = inFlight != null ? inFlight.send(set) : publisher.publishSite(set);
        } catch (final RuntimeException e) {
            synchronized (this) {
                // not published: the site waits for a retry of any of its channels
                complete.remove(new PlateFolder.SiteId(well, site));
                final Map<String, Channel> channels = new TreeMap<>();
                for (final ImageRef r : set.images()) {
                    channels.put(r.channel(), new Channel(r, header));
                }
                pending.put(new PlateFolder.SiteId(well, site), channels);
            }
            throw e;
        }
        synchronized (this) {
            if (!sent) {
                alreadyPublished++;
            } else if (inFlight == null) {
                published++; // a pipelined session counts its sites when Kafka acknowledges them
            }
        }
        return Optional.of(set);
    }

    /**
     * Closes the run: publishes the plate run again with its final site count, after which its results can be
     * final. Refused while a site still lacks a channel.
     *
     * @param finalSites the number of sites imaged, or null for the number of sites published
     */
    public synchronized PlateRun close(final Integer finalSites) {
        if (inFlight != null) {
            inFlight.awaitAll(); // a closed run's results may be final: its sites go out before it
        }
        if (!pending.isEmpty()) {
            throw new PlateRejectedException("Closing run " + run.runKey(), incomplete().entrySet().stream()
                .map(e -> e.getKey() + " has only " + e.getValue() + " of " + run.channels()).toList());
        }
        final int sites = finalSites != null ? finalSites : complete.size();
        if (sites < complete.size()) {
            throw new IllegalArgumentException("Run " + run.runKey() + " cannot close with " + sites + " sites: "
                + complete.size() + " are already published");
        }
        if (run.open()) {
            final PlateRun closedRun = run.closedWith(sites, Instant.now().toString());
            publisher.publishRun(closedRun);
            run = closedRun;
        }
        closed = true;
        return run;
    }

    /**
     * After a failed push: takes no more sites, waits for Kafka's answer on the sites already sent and records
     * those acknowledged (a resumed push starts after them). Errors of its own go to {@code cause} as suppressed.
     */
    public void stop(final Throwable cause) {
        synchronized (this) {
            closed = true;
        }
        if (inFlight != null) {
            inFlight.stop(cause);
        }
    }

    public synchronized Status status() {
        return new Status(run.runKey(), analysis.analysisId(), run.open(), run.expectedSites(),
            published + (inFlight == null ? 0 : inFlight.published()), alreadyPublished, incomplete());
    }

    private Map<String, List<String>> incomplete() {
        final Map<String, List<String>> out = new TreeMap<>();
        pending.forEach((id, channels) -> out.put(id.well() + "/" + id.site(), List.copyOf(channels.keySet())));
        return out;
    }

    /** Sites whose every channel is stored and published (now or by an earlier push). */
    public synchronized Set<String> completeSites() {
        final Set<String> out = new TreeSet<>();
        complete.keySet().forEach(id -> out.add(id.well() + "/" + id.site()));
        return out;
    }
}
