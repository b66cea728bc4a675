package io.phenostream.extractor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.domain.WellId;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.ImageRef;
import io.phenostream.common.events.ImageSet;
import io.phenostream.common.s3.ObjectStore;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * A site's images are fetched through an S3 outage instead of the site being dead-lettered (and lost from its
 * plate): transport errors are retried with backoff inside a window; a missing object fails at once.
 */
class SiteFetchRetryTest {

    private static final byte[] IMAGE = "image bytes".getBytes(StandardCharsets.UTF_8);

    /** An S3 client whose getObject fails {@code failures} times with {@code error}, then returns {@link #IMAGE}. */
    private static S3Client s3(final int failures, final RuntimeException error, final AtomicInteger calls) {
        return (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class},
            (proxy, method, args) -> {
                switch (method.getName()) {
                    case "getObjectAsBytes" -> {
                        if (calls.incrementAndGet() <= failures) {
                            throw error;
                        }
                        return ResponseBytes.fromByteArray(GetObjectResponse.builder().build(), IMAGE);
                    }
                    case "close" -> {
                        return null;
                    }
                    case "serviceName" -> {
                        return "s3";
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                }
            });
    }

    private static ImageSet site() {
        return new ImageSet(1, "a-1", AnalysisSpec.classicalDefaults(), "E", "P", "r1", WellId.parse("A01"), 0,
            List.of(new ImageRef("DNA", "bucket", "images/x", ObjectStore.sha256(IMAGE), IMAGE.length, "x.tif")),
            "DNA", null, "2026-11-27T00:00:00Z");
    }

    @Test
    void anOutageShorterThanTheWindowIsRiddenOut() {
        final AtomicInteger calls = new AtomicInteger();
        final SiteProcessor p = new SiteProcessor(new ObjectStore(s3(3, SdkClientException.create(
            "Unable to execute HTTP request: Connection refused"), calls), "bucket"), null, 1_000_000, 60_000);
        assertArrayEquals(IMAGE, p.fetch(site()).get("DNA"));
        assertEquals(4, calls.get(), "three refused connections, then the image");
        assertFalse(p.s3Unavailable(), "reachable again");
    }

    @Test
    void aMissingObjectFailsAtOnce() {
        final AtomicInteger calls = new AtomicInteger();
        final SiteProcessor p = new SiteProcessor(new ObjectStore(s3(1, NoSuchKeyException.builder().statusCode(404)
            .message("The specified key does not exist.").build(), calls), "bucket"), null, 1_000_000, 60_000);
        final RuntimeException e = assertThrows(RuntimeException.class, () -> p.fetch(site()));
        assertTrue(e.getMessage().contains("s3://bucket/images/x"), e.getMessage());
        assertEquals(1, calls.get(), "a 404 is not retried");
    }

    @Test
    void anOutageLongerThanTheWindowFailsTheSiteAndSaysS3IsDown() {
        final AtomicInteger calls = new AtomicInteger();
        final SiteProcessor p = new SiteProcessor(new ObjectStore(s3(Integer.MAX_VALUE, SdkClientException.create(
            "Unable to execute HTTP request: Connection refused"), calls), "bucket"), null, 1_000_000, 700);
        assertThrows(RuntimeException.class, () -> p.fetch(site()));
        assertTrue(calls.get() >= 2 && calls.get() <= 4, "200 + 400 ms of backoff fit in 700 ms: " + calls.get());
        assertTrue(p.s3Unavailable());
    }
}
