package io.phenostream.sink.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.junit.jupiter.api.Test;

class RankCorrelationTest {

    // x ties at 2, y ties at 3 (worked by hand in the comments)
    private static final double[] X = {1, 2, 2, 3, 4};
    private static final double[] Y = {2, 1, 3, 3, 5};

    @Test
    void tiedValuesShareTheirAverageRank() {
        assertArrayEquals(new double[] {1, 2.5, 2.5, 4, 5}, RankCorrelation.averageRanks(X));
        assertArrayEquals(new double[] {2, 1, 3.5, 3.5, 5}, RankCorrelation.averageRanks(Y));
        assertArrayEquals(new double[] {2, 2, 2}, RankCorrelation.averageRanks(new double[] {7, 7, 7}));
        assertArrayEquals(new double[] {3, 1, 2}, RankCorrelation.averageRanks(new double[] {-0.5, -3, -1}));
    }

    @Test
    void spearmanWithTiesIsThePearsonCorrelationOfAverageRanks() {
        // ranks x 1 2.5 2.5 4 5, ranks y 2 1 3.5 3.5 5, both mean 3:
        // sum dx*dy = 2 + 1 - 0.25 + 0.5 + 4 = 7.25; sum dx^2 = sum dy^2 = 9.5; rho = 7.25 / 9.5
        assertEquals(7.25 / 9.5, RankCorrelation.spearman(X, Y), 1e-12);
        // The no-ties shortcut 1 - 6 sum d^2 / (n (n^2 - 1)) = 1 - 27/120 = 0.775 would be wrong here.
        assertTrue(Math.abs(RankCorrelation.spearman(X, Y) - 0.775) > 0.01);
    }

    @Test
    void spearmanWithoutTiesMatchesTheTextbookFormula() {
        // d = 1, 1, -2, 0: sum d^2 = 6, rho = 1 - 36 / (4 * 15) = 0.4
        assertEquals(0.4, RankCorrelation.spearman(new double[] {9, 7, 5, 3}, new double[] {8, 4, 9.5, 1}), 1e-12);
        assertEquals(1.0, RankCorrelation.spearman(new double[] {1, 2, 3}, new double[] {10, 200, 3000}), 1e-12);
        assertEquals(-1.0, RankCorrelation.spearman(new double[] {1, 2, 3}, new double[] {3, 2, 1}), 1e-12);
    }

    @Test
    void kendallTauBCountsConcordantPairsWithTieCorrection() {
        // 10 pairs: 7 concordant, 1 discordant, one tied in x only, one tied in y only:
        // tau-b = (7 - 1) / sqrt((10 - 1) * (10 - 1)) = 6 / 9
        assertEquals(6.0 / 9.0, RankCorrelation.kendallTauB(X, Y), 1e-12);
        // A order c4 c3 c2 c1 puts B in the order 1, 9.5, 4, 8: 4 concordant, 2 discordant of 6
        assertEquals(2.0 / 6.0, RankCorrelation.kendallTauB(new double[] {9, 7, 5, 3}, new double[] {8, 4, 9.5, 1}),
            1e-12);
    }

    @Test
    void undefinedWhenThereIsNoOrderingToCompare() {
        assertTrue(Double.isNaN(RankCorrelation.spearman(new double[] {1}, new double[] {2})));
        assertTrue(Double.isNaN(RankCorrelation.spearman(new double[0], new double[0])));
        assertTrue(Double.isNaN(RankCorrelation.spearman(new double[] {1, 1, 1}, new double[] {1, 2, 3})));
        assertTrue(Double.isNaN(RankCorrelation.kendallTauB(new double[] {1}, new double[] {2})));
        assertTrue(Double.isNaN(RankCorrelation.kendallTauB(new double[] {1, 2, 3}, new double[] {4, 4, 4})));
        assertThrows(IllegalArgumentException.class,
            () -> RankCorrelation.spearman(new double[] {1, 2}, new double[] {1}));
        assertThrows(IllegalArgumentException.class,
            () -> RankCorrelation.spearman(new double[] {1, Double.NaN}, new double[] {1, 2}));
    }

    @Test
    void spearmanAgreesWithCommonsMathOnRandomTiedData() {
        final Random random = new Random(42);
        for (int trial = 0; trial < 20; trial++) {
            final int n = 2 + random.nextInt(300);
            final double[] x = new double[n];
            final double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = random.nextInt(20); // many ties
                y[i] = x[i] * 0.5 + random.nextGaussian() * 4;
            }
            final double expected = new SpearmansCorrelation().correlation(x, y);
            assertEquals(expected, RankCorrelation.spearman(x, y), 1e-9, "trial " + trial + ", n " + n);
        }
    }
}
