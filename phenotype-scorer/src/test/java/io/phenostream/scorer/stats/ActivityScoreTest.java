package io.phenostream.scorer.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ActivityScoreTest {

    @Test
    void rootMeanSquareSkipsMissingFeatures() {
        // sqrt((9 + 16) / 2) = sqrt(12.5)
        assertEquals(Math.sqrt(12.5), ActivityScore.rms(new double[] {3, -4}), 1e-15);
        assertEquals(Math.sqrt(12.5), ActivityScore.rms(new double[] {3, Double.NaN, 4}), 1e-15);
        // Euclidean distance / sqrt(d): |(1,1,1,1)| = 2, / sqrt(4) = 1
        assertEquals(1.0, ActivityScore.rms(new double[] {1, -1, 1, -1}), 1e-15);
        assertTrue(Double.isNaN(ActivityScore.rms(new double[] {Double.NaN})));
    }
}
