package io.phenostream.scorer.plate;

import io.phenostream.common.domain.WellId;
import io.phenostream.common.domain.WellRole;
import io.phenostream.scorer.stats.MeanAveragePrecision;

/**
 * The score of one well, as the experiment-level scoring needs it. {@code score}, {@code pValue} and
 * {@code controlAxisScore} are null when they cannot be computed (no used site, too few controls, no positives).
 * {@code compoundAxisScore} is the projection on the direction from the negatives to the compound's top doses on
 * the plate (0 = control-like, 1 = its top-dose phenotype): the dose-response readout; null for non-treatment
 * wells. {@code replicateAp} is the well's average precision in retrieving the other wells of its compound on
 * its plate against the negative controls ({@link ReplicateAgreement}); null where it has none (and in records
 * written before it existed).
 */
public record WellScore(WellId well, String compound, Double concentration, String unit, WellRole role,
                        Double score, Double pValue, Double controlAxisScore, double cellCount, boolean cytotoxic,
                        Double compoundAxisScore, MeanAveragePrecision.Query replicateAp) {

    /** Without the replicate AP. */
    public WellScore(final WellId well, final String compound, final Double concentration, final String unit,
                     final WellRole role, final Double score, final Double pValue, final Double controlAxisScore,
                     final double cellCount, final boolean cytotoxic, final Double compoundAxisScore) {
        this(well, compound, concentration, unit, role, score, pValue, controlAxisScore, cellCount, cytotoxic,
            compoundAxisScore, null);
    }

    public WellScore(final WellId well, final String compound, final Double concentration, final String unit,
                     final WellRole role, final Double score, final Double pValue, final Double controlAxisScore,
                     final double cellCount, final boolean cytotoxic) {
        this(well, compound, concentration, unit, role, score, pValue, controlAxisScore, cellCount, cytotoxic, null);
    }
}
