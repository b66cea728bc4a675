package io.phenostream.scorer.plate;

import io.phenostream.common.domain.WellId;
import io.phenostream.common.domain.WellRole;

/**
 * The score of one well, as the experiment-level scoring needs it. {@code score}, {@code pValue} and
 * {@code controlAxisScore} are null when they cannot be computed (no used site, too few controls, no positives).
 */
public record WellScore(WellId well, String compound, Double concentration, String unit, WellRole role,
                        Double score, Double pValue, Double controlAxisScore, double cellCount, boolean cytotoxic) {
}
