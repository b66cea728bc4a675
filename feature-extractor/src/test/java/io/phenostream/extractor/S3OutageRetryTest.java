package io.phenostream.extractor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The worker's S3 writes ride out an outage as its reads do: a PUT that fails on transport (wrapped, as
 * {@link CellTableStore} wraps it) is retried; a failure that is not an S3 outage is not.
 */
class S3OutageRetryTest {

    private static RuntimeException refused() {
        return new IllegalStateException("Cannot store the cell table of site E/P/r1/A01/0",
            SdkClientException.create("Unable to execute HTTP request: Connection refused"));
    }

    @Test
    void aWrappedTransportFailureIsRetriedUntilS3IsBack() {
        final S3OutageRetry retry = new S3OutageRetry(60_000);
        final AtomicInteger calls = new AtomicInteger();
        final String uri = retry.call("storing", () -> {
            if (calls.incrementAndGet() <= 2) {
                throw refused();
            }
            return "s3://bucket/cells/x.parquet";
        });
        assertEquals("s3://bucket/cells/x.parquet", uri);
        assertEquals(3, calls.get(), "two refused PUTs, then the stored one");
        assertFalse(retry.unavailable(), "reachable again");
    }

    @Test
    void otherFailuresAreNotRetried() {
        final S3OutageRetry retry = new S3OutageRetry(60_000);
        final AtomicInteger calls = new AtomicInteger();
        final IllegalArgumentException bad = new IllegalArgumentException("no cells");
        assertSame(bad, assertThrows(IllegalArgumentException.class, () -> retry.call("storing", () -> {
            calls.incrementAndGet();
            throw bad;
        })));
        assertEquals(1, calls.get());
        assertFalse(retry.unavailable());
    }

    @Test
    void aZeroWindowFailsAtOnceAndSaysS3IsDown() {
        final S3OutageRetry retry = new S3OutageRetry(0);
        final AtomicInteger calls = new AtomicInteger();
        assertThrows(IllegalStateException.class, () -> retry.call("storing", () -> {
            calls.incrementAndGet();
            throw refused();
        }));
        assertEquals(1, calls.get());
        assertTrue(retry.unavailable());
    }
}
