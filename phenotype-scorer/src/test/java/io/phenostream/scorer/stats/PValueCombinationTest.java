package io.phenostream.scorer.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PValueCombinationTest {

    @Test
    void normalQuantileAndTail() {
        assertEquals(1.6448536269514715, Normal.upperQuantile(0.05), 1e-12);
        assertEquals(0.0, Normal.upperQuantile(0.5), 1e-12);
        assertEquals(-1.6448536269514715, Normal.upperQuantile(0.95), 1e-12);
        assertEquals(0.0013498980316301035, Normal.upperTail(3.0), 1e-15);
        // deep tail, where 1 - Phi(z) by subtraction would be 0
        for (final double p : new double[] {1e-20, 1e-100, 1e-250}) {
            assertEquals(p, Normal.upperTail(Normal.upperQuantile(p)), p * 1e-8);
        }
    }

    @Test
    void maxPByHand() {
        assertEquals(0.0025, PValueCombination.maxP(new double[] {0.05, 0.01}), 1e-15);
        assertEquals(0.9 * 0.9 * 0.9, PValueCombination.maxP(new double[] {1e-30, 0.9, 0.2}), 1e-15);
        assertEquals(0.2, PValueCombination.maxP(new double[] {0.2, Double.NaN}), 1e-15);
        assertTrue(Double.isNaN(PValueCombination.maxP(new double[] {})));
    }

    @Test
    void stoufferByHand() {
        // z = 1.6448536 twice: Z = 2 z / sqrt 2 = 2.3261743, p = 1 - Phi(Z) = 0.0100046
        assertEquals(0.01000462685805914, PValueCombination.stouffer(new double[] {0.05, 0.05}), 1e-12);
        // one p is returned unchanged; opposite evidence cancels out
        assertEquals(0.2, PValueCombination.stouffer(new double[] {0.2}), 1e-12);
        assertEquals(0.5, PValueCombination.stouffer(new double[] {0.05, 0.95}), 1e-12);
        assertEquals(0.05, PValueCombination.stouffer(new double[] {0.05, Double.NaN}), 1e-12);
        assertTrue(Double.isNaN(PValueCombination.stouffer(new double[] {})));
    }

    @Test
    void bonferroniIsCapped() {
        assertEquals(0.03, PValueCombination.bonferroni(0.01, 3), 1e-15);
        assertEquals(1.0, PValueCombination.bonferroni(0.4, 3), 0.0);
    }
}
