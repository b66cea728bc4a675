package io.phenostream.scorer.stats;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Benjamini-Hochberg (1995) step-up q-values, as R's {@code p.adjust(p, "BH")}: with the p-values sorted
 * ascending, {@code q_(i) = min_{j >= i} min(1, p_(j) * m / j)}. The running minimum from the largest p down makes
 * q monotone in p. Calling hits at {@code q < alpha} controls the false discovery rate at alpha for independent
 * (or positively dependent) tests.
 */
public final class BenjaminiHochberg {

    private BenjaminiHochberg() {
    }

    /** q-values in the order of {@code pValues}. A NaN p-value gets a NaN q and does not count in m. */
    public static double[] qValues(final double[] pValues) {
        final double[] q = new double[pValues.length];
        Arrays.fill(q, Double.NaN);
        final Integer[] order = IntStream.range(0, pValues.length).filter(i -> !Double.isNaN(pValues[i]))
            .boxed().sorted(Comparator.comparingDouble(i -> pValues[i])).toArray(Integer[]::new);
        final int m = order.length;
        double running = 1.0;
        for (int rank = m; rank >= 1; rank--) {
            final int i = order[rank - 1];
            running = Math.min(running, Math.min(1.0, pValues[i] * m / rank));
            q[i] = running;
        }
        return q;
    }
}
