package io.phenostream.scorer.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.phenostream.scorer.stats.MeanAveragePrecision.Query;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeanAveragePrecisionTest {

    /** Monte Carlo tolerance of a p-value near 0.5 with 10,000 null samples: 4 standard errors. */
    private static final double MC = 4 * Math.sqrt(0.25 / MeanAveragePrecision.NULL_SIZE);

    @Test
    void averagePrecisionOfARankedListByHand() {
        // P N P N N: precision@1 = 1, precision@3 = 2/3 -> AP = (1 + 2/3) / 2 = 5/6
        assertEquals(5.0 / 6, MeanAveragePrecision.averagePrecision(new boolean[] {true, false, true, false, false}),
            1e-15);
        // N N P: precision@3 = 1/3
        assertEquals(1.0 / 3, MeanAveragePrecision.averagePrecision(new boolean[] {false, false, true}), 1e-15);
        // P P N: 1
        assertEquals(1.0, MeanAveragePrecision.averagePrecision(new boolean[] {true, true, false}), 0.0);
        assertEquals(Double.NaN, MeanAveragePrecision.averagePrecision(new boolean[] {false, false}));
    }

    @Test
    void averagePrecisionFromSimilaritiesByHand() {
        // ranking 0.9 P, 0.5 N, 0.3 N, 0.2 P, 0.1 N: positives at ranks 1 and 4 -> (1/1 + 2/4) / 2 = 0.75
        assertEquals(0.75, MeanAveragePrecision.averagePrecision(new double[] {0.2, 0.9},
            new double[] {0.5, 0.1, 0.3}), 1e-15);
        // every positive above every negative -> 1, whatever the values
        assertEquals(1.0, MeanAveragePrecision.averagePrecision(new double[] {-0.1, 0.0}, new double[] {-0.5, -0.2}),
            0.0);
        // every positive below every negative: ranks 3 and 4 of 4 -> (1/3 + 2/4) / 2 = 5/12
        assertEquals(5.0 / 12, MeanAveragePrecision.averagePrecision(new double[] {0.1, 0.2}, new double[] {0.8, 0.9}),
            1e-15);
    }

    @Test
    void tiesRankThePositiveFirstAsCopairsStableSortDoes() {
        // 0.7 N, then the tie at 0.5: positive first -> positive at rank 2 -> AP = 1/2 (not 1/3)
        assertEquals(0.5, MeanAveragePrecision.averagePrecision(new double[] {0.5}, new double[] {0.5, 0.7}), 0.0);
    }

    @Test
    void nanSimilaritiesRankLast() {
        // positive NaN below both negatives: rank 3 of 3
        assertEquals(1.0 / 3, MeanAveragePrecision.averagePrecision(new double[] {Double.NaN},
            new double[] {0.1, -0.9}), 1e-15);
        // a NaN negative does not outrank a finite positive
        assertEquals(1.0, MeanAveragePrecision.averagePrecision(new double[] {-0.9}, new double[] {Double.NaN}), 0.0);
    }

    @Test
    void cosineByHand() {
        // (3,4).(4,3) = 24, |.| = 5 and 5 -> 0.96
        assertEquals(0.96, MeanAveragePrecision.cosine(new double[] {3, 4}, new double[] {4, 3}), 1e-15);
        // NaN counts as 0: (3, NaN) ~ (3, 0) -> cos with (4,3) = 12 / (3 * 5) = 0.8
        assertEquals(0.8, MeanAveragePrecision.cosine(new double[] {3, Double.NaN}, new double[] {4, 3}), 1e-15);
        assertEquals(0.0, MeanAveragePrecision.cosine(new double[] {0, 0}, new double[] {4, 3}), 0.0);
        assertThrows(IllegalArgumentException.class,
            () -> MeanAveragePrecision.cosine(new double[] {1}, new double[] {1, 2}));
    }

    /**
     * A fixed tiny example worked through copairs' definitions by hand. Profiles in 2-D:
     * compound A: a1 = (3,4), a2 = (4,3), a3 = (1,-1); negative controls n1 = (1,0), n2 = (0,1), n3 = (-1,-1).
     * <pre>
     * cos    a1       a2       a3       n1      n2      n3
     * a1     -        0.96    -0.1414   0.6     0.8    -0.9899
     * a2     0.96     -        0.1414   0.8     0.6    -0.9899
     * a3    -0.1414   0.1414   -        0.7071 -0.7071  0
     * </pre>
     * a1 ranks a2 P, n2, n1, a3 P, n3 -> AP = (1/1 + 2/4)/2 = 0.75; a2 likewise 0.75;
     * a3 ranks n1, a2 P, n3, a1 P, n2 -> AP = (1/2 + 2/4)/2 = 0.5. mAP = 2/3. Each query has P = 2 of T = 5.
     * <p>Null AP for (2, 5): the C(5,2) = 10 equally likely position pairs give 1, 0.8333, 0.75, 0.7, 0.5833,
     * 0.5, 0.45, 0.4167, 0.3667, 0.325. All three queries share the configuration, so copairs' null mAP is this
     * distribution: P(null >= 2/3) = 4/10 -> p = 0.4 (copairs' strict {@code >} gives 0.4 too here).
     */
    @Test
    void tinyExampleAsCopairsComputesIt() {
        final double[] a1 = {3, 4};
        final double[] a2 = {4, 3};
        final double[] a3 = {1, -1};
        final List<double[]> negatives = List.of(new double[] {1, 0}, new double[] {0, 1}, new double[] {-1, -1});
        final Query q1 = MeanAveragePrecision.query(a1, List.of(a2, a3), negatives);
        final Query q2 = MeanAveragePrecision.query(a2, List.of(a1, a3), negatives);
        final Query q3 = MeanAveragePrecision.query(a3, List.of(a1, a2), negatives);
        assertEquals(new Query(0.75, 2, 5), q1);
        assertEquals(new Query(0.75, 2, 5), q2);
        assertEquals(0.5, q3.averagePrecision(), 1e-15);
        final List<Query> group = List.of(q1, q2, q3);
        assertEquals(2.0 / 3, MeanAveragePrecision.mean(group), 1e-15);
        assertEquals(0.4, MeanAveragePrecision.pValue(group), MC);
        // a3 alone: P(null >= 0.5) = 6/10 (copairs' strict > would say 5/10)
        assertEquals(0.6, MeanAveragePrecision.pValue(List.of(q3)), MC);
    }

    @Test
    void nullDistributionMatchesTheExactOne() {
        final double[] nullAp = MeanAveragePrecision.nullDistribution(2, 5, MeanAveragePrecision.NULL_SIZE, 7);
        // exact mean over the 10 position pairs listed above: 5.925 / 10
        assertEquals(0.5925, Arrays.stream(nullAp).average().orElseThrow(), 0.005);
        // every value is one of the 10 exact ones, each with frequency 1/10
        final double[] exact = {1, 5.0 / 6, 0.75, 0.7, 7.0 / 12, 0.5, 0.45, 5.0 / 12, 11.0 / 30, 0.325};
        for (final double e : exact) {
            final long n = Arrays.stream(nullAp).filter(v -> Math.abs(v - e) < 1e-12).count();
            assertEquals(0.1, (double) n / nullAp.length, 0.015, "frequency of AP " + e);
        }
    }

    @Test
    void aPerfectRankingIsNotSignificantWhenChanceGivesItOften() {
        // one positive among 4 references: AP = 1 by chance with probability 1/4, so p = 1/4, not 1/(1 + nullSize)
        assertEquals(0.25, MeanAveragePrecision.pValue(List.of(new Query(1.0, 1, 4))), MC);
    }

    @Test
    void queriesSharingAConfigurationShareTheNullSampleAsInCopairs() {
        // (1, 2): AP in {1, 1/2}, each 1/2. Two queries with that configuration: null mAP = the same draw twice,
        // so P(null mAP >= 1) = 1/2.
        assertEquals(0.5, MeanAveragePrecision.pValue(List.of(new Query(1.0, 1, 2), new Query(1.0, 1, 2))), MC);
        // (1, 2) and (1, 3) are drawn independently: P(both = 1) = 1/2 * 1/3 = 1/6.
        assertEquals(1.0 / 6, MeanAveragePrecision.pValue(List.of(new Query(1.0, 1, 2), new Query(1.0, 1, 3))), MC);
    }

    @Test
    void deterministicAndCached() {
        final List<Query> group = List.of(new Query(0.8, 3, 20), new Query(0.6, 3, 19));
        assertEquals(MeanAveragePrecision.pValue(group), MeanAveragePrecision.pValue(group), 0.0);
        final double[] a = MeanAveragePrecision.nullDistribution(3, 20, 1000, 11);
        assertSame(a, MeanAveragePrecision.nullDistribution(3, 20, 1000, 11));
        assertArrayEquals(a, MeanAveragePrecision.nullDistribution(3, 20, 1000, 11).clone(), 0.0);
        // another seed, another draw
        assertEquals(false, Arrays.equals(a, MeanAveragePrecision.nullDistribution(3, 20, 1000, 12)));
    }

    @Test
    void degenerateQueries() {
        final List<double[]> negatives = List.<double[]>of(new double[] {1, 0});
        assertNull(MeanAveragePrecision.query(new double[] {1, 1}, List.of(), negatives), "no positive");
        assertNull(MeanAveragePrecision.query(new double[] {1, 1}, List.<double[]>of(new double[] {1, 2}), List.of()),
            "no negative");
        assertNull(MeanAveragePrecision.query(new double[] {0, 0}, List.<double[]>of(new double[] {1, 2}), negatives),
            "a zero query has no direction");
        assertEquals(Double.NaN, MeanAveragePrecision.pValue(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Query(1.0, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> new Query(1.0, 4, 3));
    }
}
