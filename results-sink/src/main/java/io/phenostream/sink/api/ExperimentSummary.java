package io.phenostream.sink.api;

import java.time.Instant;

/** An experiment with counts for the experiment list; {@code latestAnalysisId} is null before any scorer output. */
public record ExperimentSummary(String experimentId, Instant createdAt, Instant updatedAt, long plates,
                                long analyses, String latestAnalysisId) {
}
