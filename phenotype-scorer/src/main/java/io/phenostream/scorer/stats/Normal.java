package io.phenostream.scorer.stats;

import org.apache.commons.math3.special.Erf;

/**
 * Standard normal tail probability and its inverse, accurate far into the upper tail. commons-math3's
 * {@code NormalDistribution} computes {@code 1 - Phi(z)} by subtraction (0 beyond z ~ 8) and {@code erfcInv} as
 * {@code erfInv(1 - x)}, which loses every digit for tiny p; strong actives have p-values far below 1e-16, and
 * Stouffer's method needs their z back, so both directions go through {@code erfc} here.
 */
public final class Normal {

    /** Smallest p-value handed out: keeps {@link #upperQuantile} finite (z ~ 37). */
    public static final double MIN_P = 1e-300;

    private static final double SQRT2 = Math.sqrt(2.0);

    private Normal() {
    }

    /** {@code 1 - Phi(z)}, computed as {@code erfc(z / sqrt 2) / 2}. */
    public static double upperTail(final double z) {
        if (Double.isNaN(z)) {
            return Double.NaN;
        }
        return 0.5 * Erf.erfc(z / SQRT2);
    }

    /** {@code z} such that {@code 1 - Phi(z) = p}, i.e. {@code Phi^-1(1 - p)}; p is clamped to [MIN_P, 1 - MIN_P]. */
    public static double upperQuantile(final double p) {
        if (Double.isNaN(p)) {
            return Double.NaN;
        }
        final double q = Math.min(Math.max(p, MIN_P), 1.0 - 1e-16);
        // Acklam's rational approximation of the lower quantile at q (then negated), one Halley refinement.
        double x = -lowerQuantileApprox(q);
        final double e = upperTail(x) - q;
        final double u = e * Math.sqrt(2 * Math.PI) * Math.exp(x * x / 2);
        // Halley step on Phi(-x) = q, written for the upper quantile x.
        x = x + u / (1 - x * u / 2);
        return x;
    }

    private static final double[] A = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
        1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
    private static final double[] B = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
        6.680131188771972e+01, -1.328068155288572e+01};
    private static final double[] C = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
        -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
    private static final double[] D = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
        3.754408661907416e+00};

    private static double lowerQuantileApprox(final double p) {
        final double low = 0.02425;
        if (p < low) {
            final double q = Math.sqrt(-2 * Math.log(p));
            return (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
                / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
        }
        if (p > 1 - low) {
            final double q = Math.sqrt(-2 * Math.log1p(-p));
            return -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
                / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
        }
        final double q = p - 0.5;
        final double r = q * q;
        return (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
    }
}
