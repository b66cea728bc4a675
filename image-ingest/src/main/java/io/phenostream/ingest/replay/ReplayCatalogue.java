package io.phenostream.ingest.replay;

import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.ImageSet;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.events.ReplayProgress;
import io.phenostream.common.json.JsonSerde;
import io.phenostream.common.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What existed, read from Kafka alone: the selected runs from the compacted {@code plate-runs} (latest record per
 * run), every site of those runs from {@code image-sets} (kept for replays; one site may have been published under
 * several analyses, its images are the same), and the replays already started from {@code replays}. The original
 * plate folders are not needed: image-sets name the content-addressed S3 objects.
 *
 * <p>Unreadable records are skipped with a warning (they were dead-lettered when first consumed).
 */
public final class ReplayCatalogue {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayCatalogue.class);

    /**
     * @param runs      the selected runs, by run key
     * @param sites     one image-set per site of those runs (the latest published), by site key
     * @param analyses  the analyses each run's sites were published with, with how many sites each
     * @param specs     every analysis seen, by id
     * @param replays   replays already started, by replay id (latest state)
     */
    public record Contents(Map<String, PlateRun> runs, Map<String, ImageSet> sites,
                           Map<String, Map<String, Integer>> analyses, Map<String, AnalysisSpec> specs,
                           Map<String, ReplayProgress> replays) {
    }

    private ReplayCatalogue() {
    }

    public static Contents read(final PhenoConfig config, final ReplaySelection selection, final Duration timeout)
        throws TimeoutException {
        final JsonSerde<PlateRun> runSerde = EventSerdes.plateRun();
        final Map<String, PlateRun> latestRuns = new LinkedHashMap<>();
        TopicSnapshot.read(config, config.topic(Topics.PLATE_RUNS), timeout, (p, r) -> {
            final PlateRun run = readOrSkip(runSerde, r.topic(), r.value(), r.key());
            if (run != null) {
                latestRuns.put(run.runKey(), run);
            }
        });
        final Map<String, PlateRun> runs = new TreeMap<>();
        latestRuns.forEach((k, run) -> {
            if (selection.includes(run)) {
                runs.put(k, run);
            }
        });
        final Map<String, ImageSet> sites = new TreeMap<>();
        final Map<String, Map<String, Integer>> analyses = new TreeMap<>();
        final Map<String, AnalysisSpec> specs = new TreeMap<>();
        if (!runs.isEmpty()) {
            final JsonSerde<ImageSet> setSerde = EventSerdes.imageSet();
            TopicSnapshot.read(config, config.topic(Topics.IMAGE_SETS), timeout, (p, r) -> {
                final ImageSet set = readOrSkip(setSerde, r.topic(), r.value(), r.key());
                if (set != null && runs.containsKey(set.runKey())) {
                    sites.put(set.siteKey(), set);
                    analyses.computeIfAbsent(set.runKey(), k -> new TreeMap<>())
                        .merge(set.analysisId(), 1, Integer::sum);
                    specs.putIfAbsent(set.analysisId(), set.analysis());
                }
            });
        }
        final Map<String, ReplayProgress> replays = new TreeMap<>();
        replays(config, timeout).forEach(r -> replays.put(r.replayId(), r));
        return new Contents(runs, sites, analyses, specs, replays);
    }

    /** Every replay started so far (latest state of each), oldest first. */
    public static List<ReplayProgress> replays(final PhenoConfig config, final Duration timeout)
        throws TimeoutException {
        final JsonSerde<ReplayProgress> serde = EventSerdes.replayProgress();
        final Map<String, ReplayProgress> latest = new LinkedHashMap<>();
        TopicSnapshot.read(config, config.topic(Topics.REPLAYS), timeout, (p, r) -> {
            final ReplayProgress progress = readOrSkip(serde, r.topic(), r.value(), r.key());
            if (progress != null) {
                latest.put(progress.replayId(), progress);
            }
        });
        final List<ReplayProgress> out = new ArrayList<>(latest.values());
        out.sort(Comparator.comparing(ReplayProgress::startedAt, Comparator.nullsFirst(Comparator.naturalOrder())));
        return out;
    }

    private static <T extends io.phenostream.common.events.Versioned> T readOrSkip(final JsonSerde<T> serde,
                                                                                final String topic,
                                                                                final byte[] value,
                                                                                final String key) {
        if (value == null) {
            return null; // a tombstone
        }
        try {
            return serde.deserialize(topic, value);
        } catch (final RuntimeException e) {
            LOG.warn("Skipping unreadable record {} on {}: {}", key, topic, e.getMessage());
            return null;
        }
    }
}
