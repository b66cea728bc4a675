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
    void parametricPValueIsTheRobustLogScaleStudentPredictiveTail() {
        // log {3,1,4,2} = {1.0986, 0, 1.3863, 0.6931}: median (log 2 + log 3)/2 = log(6)/2;
        // |logs - median| = {0.2027, 0.8959, 0.4904, 0.2027}, MAD = (0.2027 + 0.4904) / 2 = 0.34657
        final double logMedian = Math.log(6) / 2;
        final double[] deviations = {Math.abs(Math.log(3) - logMedian), logMedian, Math.abs(Math.log(4) - logMedian),
            Math.abs(Math.log(2) - logMedian)};
        java.util.Arrays.sort(deviations);
        final double mad = (deviations[1] + deviations[2]) / 2;
        assertEquals(0.34657, mad, 1e-5);
        final double scale = 1.4826 * mad * Math.sqrt(1 + 1.0 / 4);
        assertEquals(0.5, nullScores.parametricPValue(Math.exp(logMedian)), 1e-12);
        // t(3) upper 5% point 2.353363434801823 (tables)
        assertEquals(0.05, nullScores.parametricPValue(Math.exp(logMedian + 2.353363434801823 * scale)), 1e-9);
        // t(3) upper 0.5% point 5.840909309733355
        assertEquals(0.005, nullScores.parametricPValue(Math.exp(logMedian + 5.840909309733355 * scale)), 1e-9);
        assertEquals(1.0, nullScores.parametricPValue(0), 0.0);
        // far beyond what 4 (or 16) negatives could give empirically
        assertTrue(nullScores.parametricPValue(1000) < 0.002);
    }

    @Test
    void oneAberrantControlDoesNotWidenTheNull() {
        final double[] clean = {1.0, 1.1, 0.9, 1.05, 0.95, 1.02, 0.98, 1.08};
        final double[] withOutlier = java.util.Arrays.copyOf(clean, clean.length + 1);
        withOutlier[clean.length] = 50.0;
        final double pClean = NullDistribution.of(clean).parametricPValue(2.0);
        final double pOutlier = NullDistribution.of(withOutlier).parametricPValue(2.0);
        assertTrue(pClean < 1e-4, "p " + pClean);
        assertTrue(pOutlier < 1e-3, "one control at 50 must not make a well at twice the null typical: p " + pOutlier);
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
