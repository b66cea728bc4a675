package io.phenostream.sink.api;

import java.util.Arrays;
import java.util.Comparator;
import org.apache.commons.math3.stat.correlation.KendallsCorrelation;

/**
 * Rank correlations of two paired samples (the scores of the same compounds under two analyses). Both answer NaN
 * when there are fewer than two pairs or one side is constant: no ordering to compare.
 */
public final class RankCorrelation {

    private RankCorrelation() {
    }

    /**
     * Spearman's rho: the Pearson correlation of the ranks, tied values sharing the average of their ranks (so it
     * stays exact with ties, unlike {@code 1 - 6 sum d^2 / (n (n^2 - 1))}).
     */
    public static double spearman(final double[] x, final double[] y) {
        checkPaired(x, y);
        if (x.length < 2) {
            return Double.NaN;
        }
        return pearson(averageRanks(x), averageRanks(y));
    }

    /**
     * Kendall's tau-b (ties corrected), O(n log n) with Knight's algorithm (commons-math3), so it stays cheap for
     * a whole library of compounds.
     */
    public static double kendallTauB(final double[] x, final double[] y) {
        checkPaired(x, y);
        if (x.length < 2) {
            return Double.NaN;
        }
        return new KendallsCorrelation().correlation(x, y);
    }

    /** 1-based ranks in ascending order; a run of equal values gets the mean of the ranks it spans. */
    static double[] averageRanks(final double[] v) {
        final Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> v[i]));
        final double[] ranks = new double[v.length];
        int start = 0;
        while (start < v.length) {
            int end = start + 1;
            while (end < v.length && v[order[end]] == v[order[start]]) {
                end++;
            }
            // positions start..end-1 hold ranks start+1..end: their mean
            final double rank = (start + 1 + end) / 2.0;
            for (int k = start; k < end; k++) {
                ranks[order[k]] = rank;
            }
            start = end;
        }
        return ranks;
    }

    static double pearson(final double[] x, final double[] y) {
        final int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            final double dx = x[i] - mx;
            final double dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    private static void checkPaired(final double[] x, final double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("paired samples differ in length: " + x.length + " vs " + y.length);
        }
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                throw new IllegalArgumentException("pair " + i + " is not finite: " + x[i] + ", " + y[i]);
            }
        }
    }
}
