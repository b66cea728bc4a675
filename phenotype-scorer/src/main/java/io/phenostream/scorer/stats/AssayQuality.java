package io.phenostream.scorer.stats;

/**
 * Plate assay-quality figures on a one-dimensional readout of the control wells (CellProfiler
 * {@code CalculateStatistics}; Zhang et al. 1999 for Z', Zhang 2007 for SSMD), with sample (n - 1) standard
 * deviations. Both are null (NaN here) when either group has fewer than two values.
 */
public final class AssayQuality {

    private AssayQuality() {
    }

    /** Z'-factor = {@code 1 - 3 (sd_pos + sd_neg) / |mean_pos - mean_neg|}; above 0.5 is an excellent assay. */
    public static double zPrime(final double[] positives, final double[] negatives) {
        if (RobustStatistics.finite(positives).length < 2 || RobustStatistics.finite(negatives).length < 2) {
            return Double.NaN;
        }
        final double separation = Math.abs(RobustStatistics.mean(positives) - RobustStatistics.mean(negatives));
        final double spread = RobustStatistics.sampleSd(positives) + RobustStatistics.sampleSd(negatives);
        return 1.0 - 3.0 * spread / separation;
    }

    /** SSMD = {@code (mean_pos - mean_neg) / sqrt(var_pos + var_neg)} (the method-of-moments estimate). */
    public static double ssmd(final double[] positives, final double[] negatives) {
        if (RobustStatistics.finite(positives).length < 2 || RobustStatistics.finite(negatives).length < 2) {
            return Double.NaN;
        }
        return (RobustStatistics.mean(positives) - RobustStatistics.mean(negatives))
            / Math.sqrt(RobustStatistics.sampleVariance(positives) + RobustStatistics.sampleVariance(negatives));
    }
}
