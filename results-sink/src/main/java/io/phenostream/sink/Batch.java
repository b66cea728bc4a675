package io.phenostream.sink;

import io.phenostream.common.events.CompoundScore;
import io.phenostream.common.events.PlateQc;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.events.WellProfile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result events of one poll, written by {@link ResultsStore#write} in one transaction. Events are kept per
 * natural key in arrival order, the later one winning, except that a non-final well profile, compound score or
 * plate QC never replaces a final one of the same key: the same rule the database applies, so a batch that
 * holds both gives the same row as two batches would.
 */
public final class Batch {

    private final Map<String, PlateRun> plateRuns = new LinkedHashMap<>();
    private final Map<String, SiteFeatures> siteFeatures = new LinkedHashMap<>();
    private final Map<String, WellProfile> wellProfiles = new LinkedHashMap<>();
    private final Map<String, CompoundScore> compoundScores = new LinkedHashMap<>();
    private final Map<String, PlateQc> plateQcs = new LinkedHashMap<>();
    private int added;

    /** A batch of the given events (any mix of the five result event types). */
    public static Batch of(final Iterable<?> events) {
        final Batch batch = new Batch();
        for (final Object e : events) {
            batch.add(e);
        }
        return batch;
    }

    public static Batch of(final Object... events) {
        return of(List.of(events));
    }

    /** Adds one event of any of the five result types. */
    public Batch add(final Object event) {
        Objects.requireNonNull(event, "event");
        if (event instanceof PlateRun r) {
            return add(r);
        } else if (event instanceof SiteFeatures s) {
            return add(s);
        } else if (event instanceof WellProfile w) {
            return add(w);
        } else if (event instanceof CompoundScore c) {
            return add(c);
        } else if (event instanceof PlateQc q) {
            return add(q);
        }
        throw new IllegalArgumentException("Not a result event: " + event.getClass().getName());
    }

    public Batch add(final PlateRun run) {
        plateRuns.put(String.join("/", run.experimentId(), run.plateId(), run.runId()), run);
        added++;
        return this;
    }

    public Batch add(final SiteFeatures site) {
        siteFeatures.put(site.analysisId() + "|" + site.siteKey(), site);
        added++;
        return this;
    }

    public Batch add(final WellProfile well) {
        final String key = well.analysisId() + "|" + String.join("/", well.experimentId(), well.plateId(),
            well.runId(), String.valueOf(well.well()));
        putUnlessStale(wellProfiles, key, well, well.finalResult(), WellProfile::finalResult);
        added++;
        return this;
    }

    public Batch add(final CompoundScore score) {
        final String key = score.analysisId() + "|" + score.experimentId() + "|" + score.compound();
        putUnlessStale(compoundScores, key, score, score.finalResult(), CompoundScore::finalResult);
        added++;
        return this;
    }

    public Batch add(final PlateQc qc) {
        final String key = qc.analysisId() + "|" + String.join("/", qc.experimentId(), qc.plateId(), qc.runId());
        putUnlessStale(plateQcs, key, qc, qc.status() == PlateQc.Status.FINAL, q -> q.status() == PlateQc.Status.FINAL);
        added++;
        return this;
    }

    private static <T> void putUnlessStale(final Map<String, T> map, final String key, final T value,
                                           final boolean isFinal, final java.util.function.Predicate<T> finalOf) {
        final T previous = map.get(key);
        if (previous != null && finalOf.test(previous) && !isFinal) {
            return;
        }
        map.remove(key); // re-insert so the order is that of the latest accepted event
        map.put(key, value);
    }

    public List<PlateRun> plateRuns() {
        return new ArrayList<>(plateRuns.values());
    }

    public List<SiteFeatures> siteFeatures() {
        return new ArrayList<>(siteFeatures.values());
    }

    public List<WellProfile> wellProfiles() {
        return new ArrayList<>(wellProfiles.values());
    }

    public List<CompoundScore> compoundScores() {
        return new ArrayList<>(compoundScores.values());
    }

    public List<PlateQc> plateQcs() {
        return new ArrayList<>(plateQcs.values());
    }

    /** Events added, duplicates included. */
    public int eventCount() {
        return added;
    }

    /** Rows to write after merging duplicate keys. */
    public int rowCount() {
        return plateRuns.size() + siteFeatures.size() + wellProfiles.size() + compoundScores.size() + plateQcs.size();
    }

    public boolean isEmpty() {
        return rowCount() == 0;
    }
}
