package io.phenostream.common.events;

import io.phenostream.common.domain.WellId;
import io.phenostream.common.domain.WellRole;
import java.util.Map;

/**
 * Topic {@code well-profiles} (compacted, key = {@link Keys#well}). The profile of one well for one analysis:
 * raw features (median over sites), robust-normalized features, activity score with its p-value, and the
 * control-axis score. Updated as sites arrive; {@code finalResult} once the plate is complete.
 */
public record WellProfile(int schemaVersion, String analysisId, String experimentId, String plateId, String runId,
                          WellId well, String compound, Double concentration, String unit, WellRole role,
                          int sitesSeen, int sitesUsed, int sitesExpected, double cellCount,
                          Map<String, Double> features, Map<String, Double> normalized, Double score,
                          Double pValue, Double controlAxisScore, boolean cytotoxic, boolean finalResult,
                          String updatedAt) implements Versioned {

    public static final int SCHEMA_VERSION = 1;
}
