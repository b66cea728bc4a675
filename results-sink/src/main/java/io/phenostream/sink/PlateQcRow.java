package io.phenostream.sink;

import java.time.Instant;
import java.util.List;

/** Assay quality and progress of one plate run for one analysis. {@code status} is RUNNING or FINAL. */
public record PlateQcRow(String analysisId, String plateId, String runId, Double zPrime, Double ssmd, int nWells,
                         int nWellsExpected, long nCells, int sitesSeen, int sitesExpected, int sitesFailed,
                         int sitesExcluded, String status, List<String> flags, Instant updatedAt) {
}
