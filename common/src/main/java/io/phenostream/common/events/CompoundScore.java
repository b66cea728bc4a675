package io.phenostream.common.events;

import java.util.List;

/**
 * Topic {@code compound-scores} (compacted, key = {@link Keys#compound}). One compound of an experiment for one
 * analysis, over all its wells, doses and plates. {@code rank} is 1 for the most active compound.
 * {@code replicateMap} is the replicate agreement (mean average precision of its wells retrieving each other
 * against the negative controls, as copairs computes it), with its permutation p-value and its Benjamini-Hochberg
 * q-value over the experiment's compounds; null where not computed, and in records written before these fields
 * existed (they are optional, so the schema version stays 1: older readers ignore them, newer ones read old
 * records with nulls).
 */
public record CompoundScore(int schemaVersion, String analysisId, String experimentId, String compound, int rank,
                            double score, double pValue, double qValue, boolean hit, DoseResponseFit fit,
                            Double maxEffect, int nWells, List<DosePoint> doses, List<String> plates,
                            boolean finalResult, String updatedAt, Double replicateMap, Double replicateMapPValue,
                            Double replicateMapQValue) implements Versioned {

    public static final int SCHEMA_VERSION = 1;

    /** Without replicate agreement. */
    public CompoundScore(final int schemaVersion, final String analysisId, final String experimentId,
                         final String compound, final int rank, final double score, final double pValue,
                         final double qValue, final boolean hit, final DoseResponseFit fit, final Double maxEffect,
                         final int nWells, final List<DosePoint> doses, final List<String> plates,
                         final boolean finalResult, final String updatedAt) {
        this(schemaVersion, analysisId, experimentId, compound, rank, score, pValue, qValue, hit, fit, maxEffect,
            nWells, doses, plates, finalResult, updatedAt, null, null, null);
    }

    /**
     * Mean activity over the replicate wells of one concentration. {@code fitReadouts} are the values the
     * dose-response fit used for those wells, in the fit's {@link DoseResponseFit#readout() readout} (empty in
     * records written before the field existed).
     */
    public record DosePoint(double concentration, double meanScore, double meanControlAxisScore, int nWells,
                            List<Double> fitReadouts) {

        public DosePoint {
            fitReadouts = fitReadouts == null ? List.of() : List.copyOf(fitReadouts);
        }

        /** Without the fit's readouts. */
        public DosePoint(final double concentration, final double meanScore, final double meanControlAxisScore,
                         final int nWells) {
            this(concentration, meanScore, meanControlAxisScore, nWells, List.of());
        }
    }

    /**
     * Four-parameter logistic fit against log10 concentration:
     * {@code y = bottom + (top - bottom) / (1 + (ec50 / x)^hill)}. {@code readout} names what y is:
     * {@link #COMPOUND_AXIS} (each well projected on the direction from the negative controls to the compound's top
     * doses: 0 at the negatives, about 1 at the top dose) or {@link #ACTIVITY_SCORE}; null in older records.
     */
    public record DoseResponseFit(String status, Double ec50, Double hill, Double top, Double bottom, Double rSquared,
                                  String readout) {

        public static final String COMPOUND_AXIS = "compound_axis";
        public static final String ACTIVITY_SCORE = "activity_score";

        /** Without a named readout. */
        public DoseResponseFit(final String status, final Double ec50, final Double hill, final Double top,
                               final Double bottom, final Double rSquared) {
            this(status, ec50, hill, top, bottom, rSquared, null);
        }

        public static DoseResponseFit notFitted(final String why) {
            return new DoseResponseFit(why, null, null, null, null, null, null);
        }
    }
}
