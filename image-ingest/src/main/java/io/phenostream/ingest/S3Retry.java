package io.phenostream.ingest;

import io.phenostream.common.s3.S3Errors;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Retries an S3 operation on transport errors, 5xx and throttling with exponential backoff (on top of the SDK's
 * own short retries, so a server restart or a network blip of tens of seconds does not fail a plate). After the
 * last attempt it fails with a message naming what was being done and the endpoint.
 */
final class S3Retry {

    private static final Logger LOG = LoggerFactory.getLogger(S3Retry.class);

    private final S3Client s3;
    private final IngestMetrics metrics;
    private final int attempts;
    private final long backoffMs;

    S3Retry(final S3Client s3, final PhenoConfig config, final IngestMetrics metrics) {
        this.s3 = s3;
        this.metrics = metrics;
        this.attempts = Math.max(1, config.getInt(ConfigKey.INGEST_RETRIES));
        this.backoffMs = config.getInt(ConfigKey.INGEST_RETRY_BACKOFF_MS);
    }

    <T> T run(final IngestMetrics.Stage stage, final String what, final Supplier<T> op) {
        long delay = backoffMs;
        for (int attempt = 1; ; attempt++) {
            try {
                return op.get();
            } catch (final SdkClientException | S3Exception e) {
                final boolean retryable = S3Errors.isTransient(e);
                if (!retryable || attempt >= attempts) {
                    metrics.failure(stage);
                    throw new IllegalStateException(what + ": S3 " + stage.name().toLowerCase() + " failed after "
                        + attempt + " attempt(s) at " + endpoint() + ": " + e.getMessage(), e);
                }
                metrics.retry(stage);
                LOG.warn("{}: S3 {} failed (attempt {}/{}), retrying in {} ms: {}", what, stage.name().toLowerCase(),
                    attempt, attempts, delay, e.getMessage());
                sleep(delay);
                delay = Math.min(delay * 2, 30_000);
            }
        }
    }

    private String endpoint() {
        return s3.serviceClientConfiguration().endpointOverride().map(Object::toString).orElse("AWS S3");
    }

    private static void sleep(final long ms) {
        try {
            Thread.sleep(ms);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to retry", e);
        }
    }
}
