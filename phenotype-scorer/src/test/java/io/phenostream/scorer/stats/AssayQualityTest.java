package io.phenostream.scorer.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AssayQualityTest {

    private static final double[] POS = {1.0, 1.1, 0.9};
    private static final double[] NEG = {0.0, 0.1, -0.1};

    @Test
    void zPrimeByHand() {
        // means 1 and 0, sample sds 0.1 and 0.1: Z' = 1 - 3 * 0.2 / 1 = 0.4
        assertEquals(0.4, AssayQuality.zPrime(POS, NEG), 1e-12);
        assertEquals(0.4, AssayQuality.zPrime(NEG, POS), 1e-12);
    }

    @Test
    void ssmdByHand() {
        // (1 - 0) / sqrt(0.01 + 0.01) = 7.0710678
        assertEquals(1.0 / Math.sqrt(0.02), AssayQuality.ssmd(POS, NEG), 1e-9);
        assertEquals(-1.0 / Math.sqrt(0.02), AssayQuality.ssmd(NEG, POS), 1e-9);
    }

    @Test
    void undefinedWithFewerThanTwoPerGroup() {
        assertTrue(Double.isNaN(AssayQuality.zPrime(new double[] {1.0}, NEG)));
        assertTrue(Double.isNaN(AssayQuality.ssmd(POS, new double[] {})));
    }
}
