package io.phenostream.common.events;

import java.util.List;

/**
 * Topic {@code replays} (compacted, key = {@code replayId}). The state of one replay of historical plate runs under
 * a new analysis: what it re-publishes ({@code runKeys}, {@code totalSites} sites in the order of their site keys)
 * and how far it got ({@code publishedSites}: the first that many sites of that order are on
 * {@code image-sets-replay}). The publisher writes this record in the same Kafka transaction as the image-sets it
 * counts, so after a crash or Ctrl-C the last committed record says exactly where to resume: no site is published
 * twice and none is skipped.
 *
 * <p>{@code replayId} is derived from the analysis and the runs, so starting the same replay again finds this
 * record. {@code imagesPerSecond} is the rate limit it ran with (0 = none). {@code sourceAnalysisId} is the
 * analysis whose image-sets were re-published with the new spec.
 */
public record ReplayProgress(int schemaVersion, String replayId, String experimentId, String analysisId,
                             AnalysisSpec analysis, String sourceAnalysisId, List<String> runKeys, int totalSites,
                             int publishedSites, double imagesPerSecond, State state, String startedAt,
                             String updatedAt) implements Versioned {

    public static final int SCHEMA_VERSION = 1;

    /** {@code PUBLISHING} while sites remain; {@code PUBLISHED} once all are on the replay topic. */
    public enum State { PUBLISHING, PUBLISHED }

    public ReplayProgress {
        runKeys = runKeys == null ? List.of() : List.copyOf(runKeys);
    }

    /** The same replay with {@code published} sites on the topic, at {@code now}. */
    public ReplayProgress publishedUpTo(final int published, final String now) {
        return new ReplayProgress(schemaVersion, replayId, experimentId, analysisId, analysis, sourceAnalysisId,
            runKeys, totalSites, published, imagesPerSecond, published >= totalSites ? State.PUBLISHED : State.PUBLISHING,
            startedAt, now);
    }
}
