package io.phenostream.scorer.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BenjaminiHochbergTest {

    @Test
    void workedExample() {
        // sorted: 0.005 (1), 0.01 (2), 0.03 (3), 0.04 (4); p * m / rank = 0.02, 0.02, 0.04, 0.04
        final double[] q = BenjaminiHochberg.qValues(new double[] {0.01, 0.04, 0.03, 0.005});
        assertArrayEquals(new double[] {0.02, 0.04, 0.04, 0.02}, q, 1e-15);
    }

    @Test
    void stepUpTakesTheRunningMinimum() {
        // raw 0.04 * 2 / 1 = 0.08 but the larger p gives 0.045 * 2 / 2 = 0.045, which caps it
        assertArrayEquals(new double[] {0.045, 0.045}, BenjaminiHochberg.qValues(new double[] {0.04, 0.045}), 1e-15);
        // R: p.adjust(c(0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.5, 0.9), "BH")
        final double[] q = BenjaminiHochberg.qValues(
            new double[] {0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.5, 0.9});
        assertArrayEquals(new double[] {0.01, 0.04, 0.084, 0.084, 0.084, 0.1, 0.1057142857142857, 0.25625,
            0.5555555555555556, 0.9}, q, 1e-12);
    }

    @Test
    void qIsMonotoneInPCappedAtOneAndSkipsNaN() {
        final Random rnd = new Random(7);
        final double[] p = new double[200];
        for (int i = 0; i < p.length; i++) {
            p[i] = i % 10 == 0 ? rnd.nextDouble() * 1e-4 : rnd.nextDouble();
        }
        final double[] q = BenjaminiHochberg.qValues(p);
        for (int i = 0; i < p.length; i++) {
            assertTrue(q[i] >= p[i] && q[i] <= 1.0);
            for (int j = 0; j < p.length; j++) {
                if (p[i] < p[j]) {
                    assertTrue(q[i] <= q[j], "q must not decrease as p increases");
                }
            }
        }
        final double[] withNaN = BenjaminiHochberg.qValues(new double[] {0.01, Double.NaN, 0.02});
        assertEquals(0.02, withNaN[0], 1e-15);
        assertTrue(Double.isNaN(withNaN[1]));
        assertEquals(0.02, withNaN[2], 1e-15);
    }
}
