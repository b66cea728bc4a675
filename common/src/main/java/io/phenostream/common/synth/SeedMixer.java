package io.phenostream.common.synth;

/** Derives independent, reproducible seeds (SplitMix64 finaliser), so each site can be drawn on any thread. */
final class SeedMixer {

    private SeedMixer() {
    }

    static long mix(final long... parts) {
        long h = 0x9E3779B97F4A7C15L;
        for (final long p : parts) {
            h = finalise(h ^ finalise(p + 0x9E3779B97F4A7C15L));
        }
        return h;
    }

    private static long finalise(final long z0) {
        long z = z0;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
