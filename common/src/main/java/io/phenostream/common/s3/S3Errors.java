package io.phenostream.common.s3;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Which S3 failures are worth another attempt: the service or the way to it was down, not the request wrong. */
public final class S3Errors {

    private S3Errors() {
    }

    /**
     * Transport errors (no connection, timeouts: the SDK's {@link SdkClientException}), 5xx and throttling (429 or
     * the SDK's throttling codes) are transient; 4xx such as 404 (no such key or bucket) or 403 are not, nor is
     * anything that is not an S3 failure (e.g. a checksum mismatch). Looks through causes.
     */
    public static boolean isTransient(final Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AwsServiceException a) {
                return a.statusCode() >= 500 || a.statusCode() == 429 || a.isThrottlingException();
            }
            if (t instanceof SdkClientException) {
                return true;
            }
        }
        return false;
    }
}
