package io.phenostream.common.events;

import java.util.List;

/**
 * Topic {@code compound-scores} (compacted, key = {@link Keys#compound}). One compound of an experiment for one
 * analysis, over all its wells, doses and plates. {@code rank} is 1 for the most active compound.
 */
public record CompoundScore(int schemaVersion, String analysisId, String experimentId, String compound, int rank,
                            double score, double pValue, double qValue, boolean hit, DoseResponseFit fit,
                            Double maxEffect, int nWells, List<DosePoint> doses, List<String> plates,
                            boolean finalResult, String updatedAt) implements Versioned {

    public static final int SCHEMA_VERSION = 1;

    /** Mean activity over the replicate wells of one concentration. */
    public record DosePoint(double concentration, double meanScore, double meanControlAxisScore, int nWells) {
    }

    /**
     * Four-parameter logistic fit of activity against log10 concentration:
     * {@code y = bottom + (top - bottom) / (1 + (ec50 / x)^hill)}.
     */
    public record DoseResponseFit(String status, Double ec50, Double hill, Double top, Double bottom, Double rSquared) {

        public static DoseResponseFit notFitted(final String why) {
            return new DoseResponseFit(why, null, null, null, null, null);
        }
    }
}
