package io.phenostream.scorer.plate;

import io.phenostream.common.events.ScoringParameters;
import io.phenostream.common.events.Versioned;
import java.util.List;

/**
 * The well scores of one plate run for one analysis: what {@link ExperimentScorer} combines over the plates of
 * an experiment. {@code finalResult} is true once the plate's QC status is FINAL. {@code scoring} carries the
 * parameters the plate was scored with, so the experiment stage (after a repartition) applies the same ones;
 * it may be null in records built without it.
 */
public record PlateWellScores(int schemaVersion, String analysisId, String experimentId, String plateId,
                              String runId, boolean finalResult, List<WellScore> wells, ScoringParameters scoring)
    implements Versioned {

    public static final int SCHEMA_VERSION = 1;

    public PlateWellScores {
        wells = wells == null ? List.of() : List.copyOf(wells);
    }

    /** Without the scoring parameters. */
    public PlateWellScores(final int schemaVersion, final String analysisId, final String experimentId,
                           final String plateId, final String runId, final boolean finalResult,
                           final List<WellScore> wells) {
        this(schemaVersion, analysisId, experimentId, plateId, runId, finalResult, wells, null);
    }
}
