package io.phenostream.scorer.stats;

/** Combining p-values of replicates and doses. */
public final class PValueCombination {

    private PValueCombination() {
    }

    /**
     * Stouffer's method: {@code z_i = Phi^-1(1 - p_i)}, {@code Z = sum z_i / sqrt(n)}, combined
     * {@code p = 1 - Phi(Z)}. Unweighted: replicate wells of one dose are exchangeable. NaN p-values are skipped;
     * NaN when none is left.
     */
    public static double stouffer(final double[] pValues) {
        double sum = 0;
        int n = 0;
        for (final double p : pValues) {
            if (!Double.isNaN(p)) {
                sum += Normal.upperQuantile(p);
                n++;
            }
        }
        if (n == 0) {
            return Double.NaN;
        }
        return Math.max(Normal.upperTail(sum / Math.sqrt(n)), Normal.MIN_P);
    }

    /**
     * Wilkinson's maximum-p test: {@code p = (max p_i)^n}. Under the null, with independent p-values, the
     * largest of n is below t with probability t^n, so this is exact. Unlike Stouffer's sum it is small only
     * when every replicate is significant: one aberrant well (debris, a blurred field, a pipetting error) cannot
     * make a dose active on its own. NaN p-values are skipped; NaN when none is left.
     */
    public static double maxP(final double[] pValues) {
        double max = Double.NaN;
        int n = 0;
        for (final double p : pValues) {
            if (!Double.isNaN(p)) {
                max = n == 0 ? p : Math.max(max, p);
                n++;
            }
        }
        if (n == 0) {
            return Double.NaN;
        }
        return Math.max(Math.pow(max, n), Normal.MIN_P);
    }

    /** Bonferroni: {@code min(1, p * m)}. */
    public static double bonferroni(final double p, final int m) {
        return Math.min(1.0, p * m);
    }
}
