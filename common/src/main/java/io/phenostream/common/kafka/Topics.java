package io.phenostream.common.kafka;

import java.util.List;
import java.util.Map;

/**
 * The topic catalogue. Names are constants so code and tests cannot drift apart; a deployment may prefix
 * them ({@code phenostream.topic.prefix}). {@link #PLATE_RUNS} and {@link #SITE_FEATURES} must have the same
 * partition count: both are keyed by run and the scorer reads them in one sub-topology (co-partitioned).
 */
public final class Topics {

    public static final String PLATE_RUNS = "plate-runs";
    public static final String IMAGE_SETS = "image-sets";
    public static final String SITE_FEATURES = "site-features";
    public static final String WELL_PROFILES = "well-profiles";
    public static final String COMPOUND_SCORES = "compound-scores";
    public static final String PLATE_QC = "plate-qc";
    public static final String DEAD_LETTERS = "dead-letters";
    /** Image-sets re-published by replays: their own topic and consumer group, so live plates never queue behind. */
    public static final String IMAGE_SETS_REPLAY = "image-sets-replay";
    public static final String REPLAYS = "replays";

    /** Plate-level partitions: plate-runs and site-features (co-partitioned). */
    public static final int PLATE_PARTITIONS = 6;
    /** Image-sets spread sites over the extractor pool: the ceiling of extractor parallelism. */
    public static final int IMAGE_SET_PARTITIONS = 12;

    private static final String FOREVER = "-1";
    private static final String THIRTY_DAYS = Long.toString(30L * 24 * 3600 * 1000);
    private static final String SEVEN_DAYS = Long.toString(7L * 24 * 3600 * 1000);

    private Topics() {
    }

    public static List<TopicSpec> catalogue() {
        return List.of(
            new TopicSpec(PLATE_RUNS, PLATE_PARTITIONS, Map.of("cleanup.policy", "compact"),
                "plate map, channels and expected sites of each imaging run; the record of what was imaged"),
            new TopicSpec(IMAGE_SETS, IMAGE_SET_PARTITIONS, Map.of("cleanup.policy", "delete", "retention.ms", FOREVER),
                "one record per site with all channel image refs; kept for replays"),
            new TopicSpec(SITE_FEATURES, PLATE_PARTITIONS, Map.of("cleanup.policy", "delete", "retention.ms", THIRTY_DAYS),
                "per-site feature summary, QC and lineage from the extractor"),
            new TopicSpec(WELL_PROFILES, PLATE_PARTITIONS, Map.of("cleanup.policy", "compact"),
                "per-well raw and normalized profile, activity and control-axis scores"),
            new TopicSpec(COMPOUND_SCORES, PLATE_PARTITIONS, Map.of("cleanup.policy", "compact"),
                "per-compound score, p/q-value, hit call and dose-response fit"),
            new TopicSpec(PLATE_QC, PLATE_PARTITIONS, Map.of("cleanup.policy", "compact"),
                "per-plate Z', SSMD, counts and progress"),
            new TopicSpec(IMAGE_SETS_REPLAY, IMAGE_SET_PARTITIONS, Map.of("cleanup.policy", "delete",
                "retention.ms", SEVEN_DAYS), "image-sets re-published by replays under a new analysis; transient work"),
            new TopicSpec(REPLAYS, 1, Map.of("cleanup.policy", "compact"),
                "state of each replay: its runs, sites published so far (written in the same transaction)"),
            new TopicSpec(DEAD_LETTERS, 3, Map.of("cleanup.policy", "delete", "retention.ms", THIRTY_DAYS),
                "records a stage could not process, with the reason and the source record"));
    }

    public static String name(final String prefix, final String topic) {
        return prefix == null || prefix.isEmpty() ? topic : prefix + topic;
    }
}
