package io.phenostream.scorer.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RobustStatisticsTest {

    @Test
    void lowerMedianTakesTheSmallerMiddleValue() {
        assertEquals(2.0, RobustStatistics.lowerMedian(new double[] {4, 2}), 0.0);
        assertEquals(3.0, RobustStatistics.lowerMedian(new double[] {5, 1, 3}), 0.0);
        assertEquals(2.0, RobustStatistics.lowerMedian(new double[] {4, Double.NaN, 1, 2, 9}), 0.0);
        assertTrue(Double.isNaN(RobustStatistics.lowerMedian(new double[] {Double.NaN})));
    }

    @Test
    void medianAndMadOfAnOddVectorByHand() {
        // {1,2,3,4,100}: median 3, |x - 3| = {2,1,0,1,97} -> MAD 1; the outlier moves neither.
        final double[] x = {4, 1, 100, 3, 2};
        assertEquals(3.0, RobustStatistics.median(x), 0.0);
        assertEquals(1.0, RobustStatistics.mad(x), 0.0);
    }

    @Test
    void medianAndMadOfAnEvenVectorIgnoreNaN() {
        // {1,2,4,10}: median 3, |x - 3| = {2,1,1,7} -> sorted {1,1,2,7} -> MAD 1.5.
        final double[] x = {10, Double.NaN, 1, 4, 2};
        assertEquals(3.0, RobustStatistics.median(x), 0.0);
        assertEquals(1.5, RobustStatistics.mad(x), 0.0);
        assertTrue(Double.isNaN(RobustStatistics.median(new double[] {Double.NaN})));
    }

    @Test
    void madRobustizeAsPycytominer() {
        // controls {1,2,3,4,100}: median 3, MAD 1 -> x' = (x - 3) / (1.4826 * 1 + eps)
        final double[] controls = {1, 2, 3, 4, 100};
        final double eps = 1e-6;
        final double[] out = RobustStatistics.robustize(new double[] {3, 5, 0}, controls, eps);
        assertArrayEquals(new double[] {0.0, 2.0 / (1.4826 + eps), -3.0 / (1.4826 + eps)}, out, 1e-12);
        assertEquals(1.3489815, out[1], 1e-6);
    }

    @Test
    void constantControlsDivideByEpsilonOnly() {
        final double[] out = RobustStatistics.robustize(new double[] {5, 5.001}, new double[] {5, 5, 5}, 1e-3);
        assertArrayEquals(new double[] {0.0, 1.0}, out, 1e-9);
    }

    @Test
    void sampleMoments() {
        final double[] x = {1, 2, 3, 4};
        assertEquals(2.5, RobustStatistics.mean(x), 0.0);
        assertEquals(5.0 / 3.0, RobustStatistics.sampleVariance(x), 1e-15);
        assertTrue(Double.isNaN(RobustStatistics.sampleSd(new double[] {1})));
    }
}
