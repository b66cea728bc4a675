package io.phenostream.extractor;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.kafka.Topics;

/**
 * Which image-sets a worker takes. Live plates and replays have their own topic and consumer group, so a replay
 * of thousands of historical sites never queues ahead of a plate coming off the microscope: live lag depends on
 * live traffic only. A replay worker gets its own thread budget ({@code phenostream.extractor.replay.threads}), and
 * replays publish under a rate limit, which together bound the share of the machine a replay takes.
 */
public enum ExtractorLane {

    LIVE(Topics.IMAGE_SETS, FeatureExtractorService.GROUP_ID, ConfigKey.EXTRACTOR_THREADS),
    REPLAY(Topics.IMAGE_SETS_REPLAY, FeatureExtractorService.GROUP_ID + "-replay", ConfigKey.EXTRACTOR_REPLAY_THREADS);

    private final String topic;
    private final String groupId;
    private final ConfigKey threads;

    ExtractorLane(final String topic, final String groupId, final ConfigKey threads) {
        this.topic = topic;
        this.groupId = groupId;
        this.threads = threads;
    }

    /** The topic name before any configured prefix. */
    public String topic() {
        return topic;
    }

    public String groupId() {
        return groupId;
    }

    /** Analysis threads: the configured number, or one per core when it is 0. */
    int threads(final PhenoConfig config) {
        final int n = config.getInt(threads);
        return n > 0 ? n : Runtime.getRuntime().availableProcessors();
    }
}
