package io.phenostream.ingest.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

    /** A clock that only moves when the limiter sleeps (or the test says so). */
    private static final class FakeClock implements RateLimiter.Clock {
        long now = 5_000_000_000L;
        long slept;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepNanos(final long nanos) {
            now += nanos;
            slept += nanos;
        }
    }

    @Test
    void pacesUnitsAtTheRateAfterOneSecondOfBurst() throws InterruptedException {
        final FakeClock clock = new FakeClock();
        final RateLimiter limiter = new RateLimiter(10, clock);
        // 30 sites of 3 images at 10 images/s: the first goes at once, each next one 0.3 s after the one before,
        // so the last starts 29 x 0.3 = 8.7 s in (a fresh limiter has no idle credit).
        for (int i = 0; i < 30; i++) {
            limiter.acquire(3);
        }
        assertEquals(8.7e9, clock.slept, 1e6);
    }

    @Test
    void idleTimeGivesAtMostOneSecondOfCredit() throws InterruptedException {
        final FakeClock clock = new FakeClock();
        final RateLimiter limiter = new RateLimiter(10, clock);
        limiter.acquire(10);
        clock.now += 60_000_000_000L; // a minute idle
        for (int i = 0; i < 20; i++) {
            limiter.acquire(1);
        }
        // 10 units of credit (one second), then 10 more at 10/s: the 20th starts 0.9 s after the first.
        assertEquals(0.9e9, clock.slept, 1e6);
    }

    @Test
    void zeroMeansNoLimit() throws InterruptedException {
        final FakeClock clock = new FakeClock();
        final RateLimiter limiter = new RateLimiter(0, clock);
        for (int i = 0; i < 1000; i++) {
            limiter.acquire(5);
        }
        assertEquals(0, clock.slept);
    }
}
