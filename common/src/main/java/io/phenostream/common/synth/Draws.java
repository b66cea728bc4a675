package io.phenostream.common.synth;

import java.util.SplittableRandom;

/**
 * Random draws built only on {@code nextDouble} and {@code StrictMath}, so the same seed gives the same numbers
 * on every JVM and CPU (library gaussians and Math intrinsics are not pinned down that tightly).
 */
final class Draws {

    private static final int TABLE_BITS = 16;
    /** Standard normal samples for per-pixel camera noise: a table lookup instead of log/cos per pixel. */
    private static final float[] NORMAL_TABLE = normalTable();

    private Draws() {
    }

    static double uniform(final SplittableRandom rng, final double lo, final double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    static double gaussian(final SplittableRandom rng) {
        final double u1 = 1.0 - rng.nextDouble(); // (0, 1]
        final double u2 = rng.nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
    }

    /** Multiplicative variability with median 1: exp(sd * N(0,1)). */
    static double logNormal(final SplittableRandom rng, final double sd) {
        return StrictMath.exp(sd * gaussian(rng));
    }

    static int poisson(final SplittableRandom rng, final double lambda) {
        if (lambda <= 0) {
            return 0;
        }
        if (lambda > 50) {
            return (int) Math.max(0, Math.round(lambda + StrictMath.sqrt(lambda) * gaussian(rng)));
        }
        final double limit = StrictMath.exp(-lambda);
        int k = 0;
        double p = rng.nextDouble();
        while (p > limit) {
            k++;
            p *= rng.nextDouble();
        }
        return k;
    }

    /** A fast per-pixel normal stream (xorshift64 over the table), seeded per site. */
    static final class PixelNoise {
        private long state;

        PixelNoise(final long seed) {
            this.state = seed == 0 ? 0x2545F4914F6CDD1DL : seed;
        }

        float next() {
            long x = state;
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            state = x;
            return NORMAL_TABLE[(int) (x >>> (64 - TABLE_BITS))];
        }
    }

    private static float[] normalTable() {
        final SplittableRandom rng = new SplittableRandom(0x7AB1EL);
        final float[] t = new float[1 << TABLE_BITS];
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) gaussian(rng);
        }
        return t;
    }
}
