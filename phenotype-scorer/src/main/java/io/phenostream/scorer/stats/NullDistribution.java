package io.phenostream.scorer.stats;

import java.util.Arrays;

/**
 * The null distribution of activity scores, from negative-control wells scored leave-one-out (each against
 * normalization statistics that exclude it, so the null is not biased low).
 * <p>
 * Two p-values: the <b>parametric</b> one used for scoring fits a normal to the null (sample mean and sd) and
 * takes the one-sided upper tail {@code 1 - Phi((s - mean) / sd)}. With the usual 16 to 32 negatives per plate an
 * empirical p-value cannot go below {@code 1/(n+1)}, which no FDR procedure over hundreds of compounds could
 * turn into a hit; the normal fit extrapolates into the tail (an approximation: RMS scores are right-skewed, so
 * it is somewhat anti-conservative far out, which is why hits are called on q-values of replicated compounds).
 * The <b>empirical</b> p-value {@code (1 + #{null >= s}) / (1 + n)} (Phipson and Smyth 2010; copairs) is
 * exact under exchangeability and kept for plates with many controls.
 */
public final class NullDistribution {

    private final double[] scores;
    private final double mean;
    private final double sd;

    private NullDistribution(final double[] scores) {
        this.scores = scores;
        this.mean = RobustStatistics.mean(scores);
        this.sd = RobustStatistics.sampleSd(scores);
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

    /** Whether a parametric p-value can be computed: at least 3 scores with a positive spread. */
    public boolean usable() {
        return scores.length >= 3 && sd > 0;
    }

    /** {@code 1 - Phi((score - mean) / sd)}, floored at {@link Normal#MIN_P}; NaN when not {@link #usable()}. */
    public double parametricPValue(final double score) {
        if (!usable() || !Double.isFinite(score)) {
            return Double.NaN;
        }
        return Math.max(Normal.upperTail((score - mean) / sd), Normal.MIN_P);
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
