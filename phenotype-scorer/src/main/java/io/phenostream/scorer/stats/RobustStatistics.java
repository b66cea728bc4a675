package io.phenostream.scorer.stats;

import java.util.Arrays;

/**
 * Median, median absolute deviation and the robust z-score of pycytominer's {@code mad_robustize}:
 * {@code x' = (x - median) / (1.4826 * MAD + eps)}. The factor 1.4826 = 1 / Phi^-1(3/4) makes the scaled MAD a
 * consistent estimator of the standard deviation for normal data, so normalized features read as z-scores;
 * {@code eps} keeps a feature that is constant in the controls from dividing by zero.
 * NaN values are ignored by every method here (a feature missing in some wells is skipped, not imputed).
 */
public final class RobustStatistics {

    /** 1 / Phi^-1(0.75): scales the MAD to a standard deviation under normality (pycytominer, R's mad()). */
    public static final double MAD_SCALE = 1.4826;

    private RobustStatistics() {
    }

    /** Median of the finite values (mean of the two middle ones for an even count); NaN when there are none. */
    public static double median(final double[] values) {
        final double[] v = finite(values);
        if (v.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(v);
        final int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2.0;
    }

    /**
     * Lower median of the finite values: the middle one of an odd count, the lower of the two middle ones of an
     * even count (so of two replicates, the smaller); NaN when there are none.
     */
    public static double lowerMedian(final double[] values) {
        final double[] v = finite(values);
        if (v.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(v);
        return v[(v.length - 1) / 2];
    }

    /** Unscaled median absolute deviation from the median: {@code median(|x - median(x)|)}. */
    public static double mad(final double[] values) {
        final double[] v = finite(values);
        if (v.length == 0) {
            return Double.NaN;
        }
        final double med = median(v);
        final double[] dev = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            dev[i] = Math.abs(v[i] - med);
        }
        return median(dev);
    }

    /** {@code (x - median) / (MAD_SCALE * mad + eps)}. */
    public static double robustize(final double x, final double median, final double mad, final double eps) {
        return (x - median) / (MAD_SCALE * mad + eps);
    }

    /** pycytominer {@code mad_robustize} of every value against the statistics of {@code controls}. */
    public static double[] robustize(final double[] values, final double[] controls, final double eps) {
        final double med = median(controls);
        final double mad = mad(controls);
        final double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = robustize(values[i], med, mad, eps);
        }
        return out;
    }

    /** Arithmetic mean of the finite values; NaN when there are none. */
    public static double mean(final double[] values) {
        final double[] v = finite(values);
        if (v.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (final double x : v) {
            sum += x;
        }
        return sum / v.length;
    }

    /** Sample variance (n - 1 denominator) of the finite values; NaN below two values. */
    public static double sampleVariance(final double[] values) {
        final double[] v = finite(values);
        if (v.length < 2) {
            return Double.NaN;
        }
        final double m = mean(v);
        double ss = 0;
        for (final double x : v) {
            ss += (x - m) * (x - m);
        }
        return ss / (v.length - 1);
    }

    /** Sample standard deviation (n - 1 denominator); NaN below two values. */
    public static double sampleSd(final double[] values) {
        return Math.sqrt(sampleVariance(values));
    }

    static double[] finite(final double[] values) {
        return Arrays.stream(values).filter(Double::isFinite).toArray();
    }
}
