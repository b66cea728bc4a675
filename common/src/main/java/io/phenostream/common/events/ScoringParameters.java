package io.phenostream.common.events;

/**
 * Parameters of the phenotype scoring; part of the analysis identity.
 *
 * @param fdr                   Benjamini-Hochberg q-value below which a compound is a hit
 * @param madEpsilon            added to the scaled MAD so constant features do not divide by zero
 * @param outOfFocusRatio       a site whose focus score is below this fraction of the plate median is excluded
 * @param cytotoxicCellFraction a well whose cell count is below this fraction of the negative-control median
 *                              is flagged cytotoxic
 */
public record ScoringParameters(double fdr, double madEpsilon, double outOfFocusRatio, double cytotoxicCellFraction) {

    public static ScoringParameters defaults() {
        return new ScoringParameters(0.05, 1e-6, 0.4, 0.5);
    }
}
