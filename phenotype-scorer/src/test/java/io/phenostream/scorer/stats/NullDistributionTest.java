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
    void parametricPValueIsTheLogScaleStudentPredictiveTail() {
        // log {3,1,4,2} = {1.0986, 0, 1.3863, 0.6931}: mean log(24)/4, sample sd by hand below
        final double logMean = Math.log(24) / 4;
        final double[] logs = {Math.log(3), 0, Math.log(4), Math.log(2)};
        double ss = 0;
        for (final double l : logs) {
            ss += (l - logMean) * (l - logMean);
        }
        final double scale = Math.sqrt(ss / 3) * Math.sqrt(1 + 1.0 / 4);
        assertEquals(0.5, nullScores.parametricPValue(Math.exp(logMean)), 1e-12);
        // t(3) upper 5% point 2.353363434801823 (tables)
        assertEquals(0.05, nullScores.parametricPValue(Math.exp(logMean + 2.353363434801823 * scale)), 1e-9);
        // t(3) upper 0.5% point 5.840909309733355
        assertEquals(0.005, nullScores.parametricPValue(Math.exp(logMean + 5.840909309733355 * scale)), 1e-9);
        assertEquals(1.0, nullScores.parametricPValue(0), 0.0);
        // far beyond what 4 (or 16) negatives could give empirically
        assertTrue(nullScores.parametricPValue(1000) < 0.002);
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
