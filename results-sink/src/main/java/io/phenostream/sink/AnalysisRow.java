package io.phenostream.sink;

import java.time.Instant;

/**
 * One analysis version that has results in an experiment. {@code specJson} is the AnalysisSpec (model hash,
 * parameters) as JSON, null until a site-features record carrying it has been written.
 */
public record AnalysisRow(String analysisId, String specJson, Instant firstSeen, Instant lastUpdated) {
}
