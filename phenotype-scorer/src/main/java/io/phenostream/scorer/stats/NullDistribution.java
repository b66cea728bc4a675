package io.phenostream.scorer.stats;

import java.util.Arrays;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The null distribution of activity scores, from negative-control wells scored leave-one-out (each against
 * normalization statistics that exclude it, so the null is not biased low).
 * <p>
 * Two p-values: the <b>parametric</b> one used for scoring fits a normal to the <i>logarithm</i> of the null
 * scores (distances are right-skewed, like a scaled chi; their log is close to symmetric), located and scaled
 * robustly (median and 1.4826 MAD of the logs; mean and sd when the MAD is 0), and takes the
 * one-sided upper tail of the <i>predictive</i> distribution of a new well: Student's t with n-1 degrees of
 * freedom, scale {@code sd * sqrt(1 + 1/n)}, which accounts for estimating mean and sd from only n negatives.
 * With the usual 16 to 32 negatives per plate an empirical p-value cannot go below {@code 1/(n+1)}, which no FDR
 * procedure over hundreds of compounds could turn into a hit; the fit extrapolates into the tail. A plain
 * normal on the raw scores was measured to be anti-conservative: inactive compounds of the synthetic plate
 * came out with q below 0.05.
 * The <b>empirical</b> p-value {@code (1 + #{null >= s}) / (1 + n)} (Phipson and Smyth 2010; copairs) is
 * exact under exchangeability and kept for plates with many controls.
 */
public final class NullDistribution {

    private final double[] scores;
    private final double mean;
    private final double sd;
    private final double logMean;
    private final double logSd;
    private final int positive;
    /** Predictive distribution of a new well's standardized log score; null when not {@link #usable()}. */
    private final TDistribution predictive;

    private NullDistribution(final double[] scores) {
        this.scores = scores;
        this.mean = RobustStatistics.mean(scores);
        this.sd = RobustStatistics.sampleSd(scores);
        final double[] logs = Arrays.stream(scores).filter(s -> s > 0).map(Math::log).toArray();
        this.positive = logs.length;
        // Robust location and scale: one aberrant control well (debris, a field missed by focus QC) would
        // otherwise widen the null for every well of the plate.
        if (logs.length >= 3 && RobustStatistics.mad(logs) > 0) {
            this.logMean = RobustStatistics.median(logs);
            this.logSd = 1.4826 * RobustStatistics.mad(logs);
        } else {
            this.logMean = RobustStatistics.mean(logs);
            this.logSd = RobustStatistics.sampleSd(logs);
        }
        this.predictive = usable() ? new TDistribution(null, positive - 1) : null;
    }

    /** The null from the finite values of {@code scores}. */
    public static NullDistribution of(final double[] scores) {
        return new NullDistribution(RobustStatistics.finite(scores));
    }

    /** The same null without its {@code index}-th score: a negative control is tested against the others only. */
    public NullDistribution without(final int index) {
        final double[] rest = new double[scores.length - 1];
        for (int i = 0, j = 0; i < scores.length; i++) {
            if (i != index) {
                rest[j++] = scores[i];
            }
        }
        return new NullDistribution(rest);
    }

    public int size() {
        return scores.length;
    }

    public double mean() {
        return mean;
    }

    public double sd() {
        return sd;
    }

    public double[] scores() {
        return Arrays.copyOf(scores, scores.length);
    }

    /** Whether a parametric p-value can be computed: at least 3 positive scores with a positive spread. */
    public boolean usable() {
        return positive >= 3 && logSd > 0;
    }

    /**
     * {@code 1 - T_{n-1}((log(score) - mean_log) / (sd_log * sqrt(1 + 1/n)))}, floored at {@link Normal#MIN_P};
     * 1 for a score of 0; NaN when not {@link #usable()}.
     */
    public double parametricPValue(final double score) {
        if (!usable() || !Double.isFinite(score)) {
            return Double.NaN;
        }
        if (score <= 0) {
            return 1.0;
        }
        final double t = (Math.log(score) - logMean) / (logSd * Math.sqrt(1.0 + 1.0 / positive));
        final double p = predictive.cumulativeProbability(-t);
        return Math.max(p, Normal.MIN_P);
    }

    /** {@code (1 + #{null >= score}) / (1 + n)}; NaN for an empty null. */
    public double empiricalPValue(final double score) {
        if (scores.length == 0 || !Double.isFinite(score)) {
            return Double.NaN;
        }
        int atLeast = 0;
        for (final double s : scores) {
            if (s >= score) {
                atLeast++;
            }
        }
        return (1.0 + atLeast) / (1.0 + scores.length);
    }
}
