package io.phenostream.sink.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/** QC and progress of one plate run for one analysis, with the plate's layout (96, 384 or 1536, null if unknown). */
public record PlateSummary(String plateId, String runId, String layout, Double zPrime, Double ssmd, int nWells,
                           int nWellsExpected, long nCells, int sitesSeen, int sitesExpected, int sitesFailed,
                           int sitesExcluded, String status, List<String> flags, Instant updatedAt) {

    /** Fraction of expected sites seen, 0..1 (0 when none are expected yet). */
    @JsonProperty("progress")
    public double progress() {
        return sitesExpected <= 0 ? 0 : Math.min(1.0, (double) sitesSeen / sitesExpected);
    }
}
