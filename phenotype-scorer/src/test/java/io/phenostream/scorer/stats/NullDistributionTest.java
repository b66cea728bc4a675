package io.phenostream.scorer.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NullDistributionTest {

    // {1,2,3,4}: mean 2.5, sample sd sqrt(5/3)
    private final NullDistribution nullScores = NullDistribution.of(new double[] {3, 1, Double.NaN, 4, 2});

    @Test
    void fitsMeanAndSampleSd() {
        assertEquals(4, nullScores.size());
        assertEquals(2.5, nullScores.mean(), 1e-15);
        assertEquals(Math.sqrt(5.0 / 3.0), nullScores.sd(), 1e-15);
    }

    @Test
    void parametricPValueIsTheNormalUpperTail() {
        assertEquals(0.5, nullScores.parametricPValue(2.5), 1e-12);
        assertEquals(0.05, nullScores.parametricPValue(2.5 + 1.6448536269514715 * Math.sqrt(5.0 / 3.0)), 1e-9);
        assertEquals(0.0013498980316301035, nullScores.parametricPValue(2.5 + 3 * Math.sqrt(5.0 / 3.0)), 1e-12);
        // far beyond what 4 (or 16) negatives could give empirically
        assertTrue(nullScores.parametricPValue(20) < 1e-30);
    }

    @Test
    void empiricalPValueCountsTheScoreItself() {
        assertEquals(3.0 / 5.0, nullScores.empiricalPValue(3.0), 0.0);   // 3 and 4 are >= 3
        assertEquals(1.0 / 5.0, nullScores.empiricalPValue(10.0), 0.0);  // floor 1/(n+1)
        assertEquals(1.0, nullScores.empiricalPValue(0.0), 0.0);
    }

    @Test
    void leaveOneOutDropsOneScore() {
        final NullDistribution loo = nullScores.without(1); // {3,1,4,2} minus the 1
        assertEquals(3, loo.size());
        assertEquals(3.0, loo.mean(), 1e-15);
        assertEquals(1.0, loo.sd(), 1e-15);
    }

    @Test
    void unusableBelowThreeScoresOrWithoutSpread() {
        assertFalse(NullDistribution.of(new double[] {1, 2}).usable());
        assertFalse(NullDistribution.of(new double[] {2, 2, 2}).usable());
        assertTrue(Double.isNaN(NullDistribution.of(new double[] {1, 2}).parametricPValue(5)));
    }
}
