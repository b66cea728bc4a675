package io.phenostream.scorer.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FourParameterLogisticTest {

    private static final double BOTTOM = 1.0;
    private static final double TOP = 5.0;
    private static final double LOG_EC50 = -6.0;   // 1 uM
    private static final double HILL = 1.2;

    /** 11 half-log doses from 1 nM to 100 uM, {@code reps} replicates each, Gaussian noise of sd {@code noise}. */
    private static double[][] curve(final int reps, final double noise, final long seed, final double top) {
        final Random rnd = new Random(seed);
        final int n = 11 * reps;
        final double[] x = new double[n];
        final double[] y = new double[n];
        for (int d = 0; d < 11; d++) {
            for (int r = 0; r < reps; r++) {
                final int i = d * reps + r;
                x[i] = -9.0 + 0.5 * d;
                y[i] = FourParameterLogistic.value(x[i], BOTTOM, top, LOG_EC50, HILL) + noise * rnd.nextGaussian();
            }
        }
        return new double[][] {x, y};
    }

    @Test
    void modelMatchesTheHillEquation() {
        // at x = EC50 halfway; y = bottom + (top - bottom) / (1 + (ec50 / x)^hill)
        assertEquals(3.0, FourParameterLogistic.value(-6, 1, 5, -6, 1.2), 1e-12);
        final double x = 3e-6;
        assertEquals(1 + 4 / (1 + Math.pow(1e-6 / x, 1.2)), FourParameterLogistic.value(Math.log10(x), 1, 5, -6, 1.2),
            1e-12);
    }

    @Test
    void recoversParametersFromANoiselessCurve() {
        final double[][] c = curve(1, 0.0, 1, TOP);
        final FourParameterLogistic.Fit fit = FourParameterLogistic.fit(c[0], c[1]);
        assertEquals(FourParameterLogistic.OK, fit.status());
        assertEquals(BOTTOM, fit.bottom(), 1e-6);
        assertEquals(TOP, fit.top(), 1e-6);
        assertEquals(LOG_EC50, fit.logEc50(), 1e-6);
        assertEquals(HILL, fit.hill(), 1e-6);
        assertEquals(1e-6, fit.ec50(), 1e-11);
        assertEquals(1.0, fit.rSquared(), 1e-9);
    }

    @Test
    void recoversEc50WithinFifteenPercentFromANoisyCurve() {
        for (final long seed : new long[] {11, 12, 13}) {
            final double[][] c = curve(3, 0.15, seed, TOP);
            final FourParameterLogistic.Fit fit = FourParameterLogistic.fit(c[0], c[1]);
            assertEquals(FourParameterLogistic.OK, fit.status(), "seed " + seed);
            assertEquals(1.0, fit.ec50() / 1e-6, 0.15, "seed " + seed + " ec50 " + fit.ec50());
            assertEquals(HILL, fit.hill(), 0.3, "seed " + seed);
            assertEquals(TOP, fit.top(), 0.2);
            assertEquals(BOTTOM, fit.bottom(), 0.2);
            assertTrue(fit.rSquared() > 0.95);
        }
    }

    @Test
    void fitsADecreasingCurveWithTopBelowBottom() {
        final double[][] c = curve(1, 0.0, 1, -3.0);
        final FourParameterLogistic.Fit fit = FourParameterLogistic.fit(c[0], c[1]);
        assertEquals(FourParameterLogistic.OK, fit.status());
        assertEquals(-3.0, fit.top(), 1e-6);
        assertEquals(LOG_EC50, fit.logEc50(), 1e-6);
    }

    @Test
    void tooFewDoses() {
        final FourParameterLogistic.Fit fit = FourParameterLogistic.fit(new double[] {-8, -7, -6, -6},
            new double[] {1, 2, 3, 3.1});
        assertEquals(FourParameterLogistic.TOO_FEW_DOSES, fit.status());
        assertTrue(Double.isNaN(fit.ec50()));
    }

    @Test
    void flatWhenThereIsNoResponse() {
        final double[] x = {-9, -8, -7, -6, -5, -4};
        assertEquals(FourParameterLogistic.FLAT, FourParameterLogistic.fit(x, new double[] {2, 2, 2, 2, 2, 2}).status());
        // pure noise around a constant: the 4PL is no better than a flat line
        final double[][] noise = curve(3, 0.3, 5, BOTTOM);
        assertEquals(FourParameterLogistic.FLAT, FourParameterLogistic.fit(noise[0], noise[1]).status());
    }

    @Test
    void ec50OutsideTheTestedRangeIsNotConverged() {
        // response only starting at the top dose: the EC50 lies 100x above the range
        final double[] x = {-9, -8, -7, -6, -5};
        final double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = FourParameterLogistic.value(x[i], 1, 5, -3, 1.0);
        }
        assertEquals(FourParameterLogistic.NOT_CONVERGED, FourParameterLogistic.fit(x, y).status());
    }

    @Test
    void aFixedBottomIdentifiesAnEc50NearTheLowestDose() {
        // The screen's 6-dose 1:3 series (0.123 .. 30 uM) with EC50 0.35 uM: only one dose below it, so a free
        // bottom plateau is not identified; the controls (0 on the compound axis) fix it.
        final double[] doses = {0.123, 0.37, 1.111, 3.333, 10, 30};
        final double[] x = new double[12];
        final double[] y = new double[12];
        for (int i = 0; i < 12; i++) {
            x[i] = Math.log10(doses[i / 2] * 1e-6);
            y[i] = FourParameterLogistic.value(x[i], 0.0, 0.9, Math.log10(0.35e-6), 1.5) + (i % 2 == 0 ? 0.04 : -0.04);
        }
        final FourParameterLogistic.Fit fixed = FourParameterLogistic.fitWithBottom(x, y, 0.0);
        assertEquals(FourParameterLogistic.OK, fixed.status());
        assertEquals(0.0, fixed.bottom(), 0.0);
        assertEquals(Math.log10(0.35e-6), fixed.logEc50(), 0.05);
        assertEquals(0.9, fixed.top(), 0.02);
    }

    @Test
    void aFixedBottomStillReportsAFlatResponse() {
        final double[] x = {-7, -7, -6.5, -6.5, -6, -6, -5.5, -5.5, -5, -5};
        final double[] y = {0.05, -0.04, 0.02, -0.03, 0.04, -0.05, 0.01, 0.03, -0.02, 0.00};
        assertEquals(FourParameterLogistic.FLAT, FourParameterLogistic.fitWithBottom(x, y, 0.0).status());
    }
}
