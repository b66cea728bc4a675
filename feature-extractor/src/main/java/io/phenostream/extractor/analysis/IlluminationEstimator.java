package io.phenostream.extractor.analysis;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.opencv.core.Mat;

/**
 * Illumination functions per (plate run, channel), estimated as sites stream in and shared by all worker
 * threads.
 *
 * <p>Streaming: {@link #addSite} adds a site to its run's accumulator and returns the function to correct that
 * site with. Below {@link #minSites()} sites the function is the identity (recorded as such by its id). From then
 * on the estimate is refreshed when the site count reaches {@code minSites}, then each time it doubles (steps of at
 * most {@value #MAX_REFRESH_STEP} sites): a plate gets a handful of function versions, each worth storing, rather
 * than one per site, while early sites are not corrected by a poor estimate for long.
 *
 * <p>Replay (whole plate available): add every site, call {@link #complete} (the estimate from all of them,
 * frozen), then correct each site with {@link #current}. A function stored earlier can be reinstated with
 * {@link #install}.
 *
 * <p>Memory is bounded: at most {@code maxAccumulators} (run, channel) entries, the least recently used evicted
 * first; {@link #evictRun} drops a finished run. Thread-safe.
 */
public final class IlluminationEstimator {

    /** Sites needed before a run's function is more than the identity. */
    public static final int DEFAULT_MIN_SITES = 8;
    /** (run, channel) entries kept; at most ~0.5 MB each. */
    public static final int DEFAULT_MAX_ACCUMULATORS = 64;
    /** Largest number of sites between two refreshes of a streaming estimate. */
    public static final int MAX_REFRESH_STEP = 256;

    private final int minSites;
    private final Map<Key, Entry> entries;

    public IlluminationEstimator() {
        this(DEFAULT_MIN_SITES, DEFAULT_MAX_ACCUMULATORS);
    }

    public IlluminationEstimator(final int minSites, final int maxAccumulators) {
        if (minSites < 1) {
            throw new IllegalArgumentException("minSites must be >= 1, was " + minSites);
        }
        if (maxAccumulators < 1) {
            throw new IllegalArgumentException("maxAccumulators must be >= 1, was " + maxAccumulators);
        }
        this.minSites = minSites;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(final Map.Entry<Key, Entry> eldest) {
                return size() > maxAccumulators;
            }
        };
    }

    public int minSites() {
        return minSites;
    }

    /**
     * Decodes {@code encoded} and adds it; see {@link #addSite(String, String, String, Mat)}.
     *
     * @throws ImageDecodeException naming the channel when the image cannot be decoded or has another size
     */
    public IlluminationFunction addSite(final String runId, final String channel, final String siteKey,
                                        final byte[] encoded) {
        OpenCvLoader.ensureLoaded();
        try (MatScope scope = new MatScope()) {
            return addSite(runId, channel, siteKey, ChannelDecoder.decode(channel, encoded, scope));
        }
    }

    /**
     * Adds one site's decoded channel image (once per {@code siteKey}: a re-delivered site is not counted again)
     * and returns the function to correct it with: the identity below {@link #minSites()} sites, else the latest
     * estimate. After {@link #complete} or {@link #install} the run's function no longer changes.
     */
    IlluminationFunction addSite(final String runId, final String channel, final String siteKey, final Mat image) {
        final Entry entry = entry(runId, channel);
        entry.accumulator.add(siteKey, image);
        return entry.refresh(minSites);
    }

    /** The function in use for the run and channel now (the identity for a run not seen). */
    public IlluminationFunction current(final String runId, final String channel) {
        final Entry entry;
        synchronized (entries) {
            entry = entries.get(new Key(runId, channel));
        }
        return entry == null ? IlluminationFunction.identity(0) : entry.refresh(minSites);
    }

    /**
     * All of the run's sites are in: estimates from every one of them (the identity below {@link #minSites()})
     * and freezes that function for the run and channel.
     */
    public IlluminationFunction complete(final String runId, final String channel) {
        final Entry entry = entry(runId, channel);
        synchronized (entry) {
            final int sites = entry.accumulator.sites();
            entry.fixed = sites < minSites ? IlluminationFunction.identity(sites) : entry.accumulator.estimate();
            return entry.fixed;
        }
    }

    /** Uses {@code function} (e.g. read back from storage on replay) for the run and channel from now on. */
    public void install(final String runId, final String channel, final IlluminationFunction function) {
        Objects.requireNonNull(function, "function");
        final Entry entry = entry(runId, channel);
        synchronized (entry) {
            entry.fixed = function;
        }
    }

    /** Forgets every channel of the run. */
    public void evictRun(final String runId) {
        synchronized (entries) {
            entries.keySet().removeIf(key -> key.runId.equals(runId));
        }
    }

    /** Number of (run, channel) entries held. */
    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    private Entry entry(final String runId, final String channel) {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(channel, "channel");
        synchronized (entries) {
            return entries.computeIfAbsent(new Key(runId, channel), k -> new Entry(channel));
        }
    }

    private record Key(String runId, String channel) {
    }

    /** One (run, channel): its accumulator and the function handed out. */
    private static final class Entry {
        final IlluminationAccumulator accumulator;
        IlluminationFunction fixed;
        IlluminationFunction latest;
        int nextRefresh;

        Entry(final String channel) {
            this.accumulator = new IlluminationAccumulator(channel);
        }

        synchronized IlluminationFunction refresh(final int minSites) {
            if (fixed != null) {
                return fixed;
            }
            final int sites = accumulator.sites();
            if (sites < minSites) {
                return IlluminationFunction.identity(sites);
            }
            if (latest == null || sites >= nextRefresh) {
                latest = accumulator.estimate();
                nextRefresh = sites + Math.min(sites, MAX_REFRESH_STEP);
            }
            return latest;
        }
    }
}
