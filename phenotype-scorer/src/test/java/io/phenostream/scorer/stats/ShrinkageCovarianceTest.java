package io.phenostream.scorer.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ShrinkageCovarianceTest {

    @Test
    void oneFeatureIsTheVarianceOfTheControls() {
        // mean 2.5, population variance ((1.5^2 + 0.5^2) * 2) / 4 = 1.25; in one dimension S = m I: nothing to shrink
        final ShrinkageCovariance c = ShrinkageCovariance.of(new double[][] {{1}, {2}, {3}, {4}});
        assertEquals(1.0, c.shrinkage(), 0.0);
        assertEquals(2.5 * 2.5 / 1.25, c.mahalanobis2(new double[] {5}), 1e-12);
        assertEquals(0.0, c.mahalanobis2(new double[] {Double.NaN}), 0.0, "missing = at the mean");
    }

    @Test
    void plentifulUncorrelatedControlsAreBarelyShrunk() {
        final SplittableRandom rng = new SplittableRandom(7);
        final double[][] rows = new double[2000][3];
        for (final double[] r : rows) {
            for (int f = 0; f < 3; f++) {
                r[f] = normal(rng) * (f + 1);
            }
        }
        final ShrinkageCovariance c = ShrinkageCovariance.of(rows);
        assertTrue(c.shrinkage() < 0.05, "lambda " + c.shrinkage());
        // unit steps along each axis cost 1/sigma_f^2
        assertEquals(1.0, c.mahalanobis2(plus(c.mean(), 0, 1)), 0.1);
        assertEquals(1.0 / 9, c.mahalanobis2(plus(c.mean(), 2, 1)), 0.02);
    }

    @Test
    void fewControlsWithRedundantFeaturesStayInvertible() {
        // two identical features and fewer controls than a full-rank estimate needs
        final double[][] rows = {{1, 1}, {2, 2}, {4, 4}};
        final ShrinkageCovariance c = ShrinkageCovariance.of(rows);
        assertTrue(c.shrinkage() > 0 && c.shrinkage() <= 1, "lambda " + c.shrinkage());
        final double along = c.mahalanobis2(new double[] {10.0 / 3 + 1, 10.0 / 3 + 1});
        final double across = c.mahalanobis2(new double[] {10.0 / 3 + 1, 10.0 / 3 - 1});
        assertTrue(across > along, "a step against the controls' correlation costs more: " + across + " vs " + along);
        assertNull(ShrinkageCovariance.of(new double[][] {{1, 2}}), "one control: no covariance");
        assertNull(ShrinkageCovariance.of(new double[][] {{1, 2}, {1, 2}}), "no variance at all");
    }

    @Test
    void twoControlsInManyDimensionsStayInvertible() {
        // Two rows: x1 - mean = -(x2 - mean), so every x_k x_k^T equals S and Ledoit-Wolf's b2 is 0: without a
        // floor the estimate is the rank-1 sample covariance and Cholesky fails (seen while a plate's first
        // negative controls arrive).
        final double[][] rows = {{1, 5, -2, 0.5}, {3, 4, 0, 0.5}};
        final ShrinkageCovariance c = ShrinkageCovariance.of(rows);
        assertEquals(ShrinkageCovariance.MIN_SHRINKAGE_WHEN_SINGULAR, c.shrinkage(), 1e-12);
        final double d2 = c.mahalanobis2(new double[] {2, 4.5, -1, 1.5});
        assertTrue(Double.isFinite(d2) && d2 > 0, "distance " + d2);
    }

    private static double[] plus(final double[] v, final int f, final double by) {
        final double[] out = v.clone();
        out[f] += by;
        return out;
    }

    private static double normal(final SplittableRandom rng) {
        return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }
}
