package io.phenostream.ingest.replay;

/**
 * Paces work to at most {@code perSecond} units per second on average: each unit taken pushes the earliest time of
 * the next one out by {@code 1 / perSecond}. Idle time earns credit for a burst of at most one second's worth. A
 * rate of 0 or less means no limit.
 */
final class RateLimiter {

    /** The time source and the way to wait, so tests can run without sleeping. */
    interface Clock {
        long nanoTime();

        void sleepNanos(long nanos) throws InterruptedException;
    }

    static final Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepNanos(final long nanos) throws InterruptedException {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        }
    };

    private final double perSecond;
    private final Clock clock;
    private final long burstNanos;
    private long next;

    RateLimiter(final double perSecond, final Clock clock) {
        this.perSecond = perSecond;
        this.clock = clock;
        this.burstNanos = 1_000_000_000L;
        this.next = clock.nanoTime();
    }

    /** Blocks until {@code units} may proceed. */
    void acquire(final int units) throws InterruptedException {
        if (perSecond <= 0 || units <= 0) {
            return;
        }
        final long now = clock.nanoTime();
        // Idle time builds up credit, but never more than the burst: a long pause is not followed by a flood.
        next = Math.max(next, now - burstNanos);
        final long wait = next - now;
        next += (long) (units * 1e9 / perSecond);
        if (wait > 0) {
            clock.sleepNanos(wait);
        }
    }
}
