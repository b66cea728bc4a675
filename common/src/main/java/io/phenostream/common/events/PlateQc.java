package io.phenostream.common.events;

import java.util.List;

/**
 * Topic {@code plate-qc} (compacted, key = {@link Keys#analysisRun}). Assay quality of one plate run for one
 * analysis, and its progress: {@code status} is RUNNING until every expected site is in, then FINAL.
 */
public record PlateQc(int schemaVersion, String analysisId, String experimentId, String plateId, String runId,
                      Double zPrime, Double ssmd, int nWells, int nWellsExpected, long nCells, int sitesSeen,
                      int sitesExpected, int sitesFailed, int sitesExcluded, Status status, List<String> flags,
                      String updatedAt) implements Versioned {

    public static final int SCHEMA_VERSION = 1;

    public enum Status { RUNNING, FINAL }
}
