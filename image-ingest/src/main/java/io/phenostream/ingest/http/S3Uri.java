package io.phenostream.ingest.http;

/** An {@code s3://bucket/key} address of an object the instrument already wrote. */
public record S3Uri(String bucket, String key) {

    private static final String PREFIX = "s3://";

    /** @throws IllegalArgumentException naming the text when it is not {@code s3://bucket/key} */
    public static S3Uri parse(final String uri) {
        if (uri == null || !uri.startsWith(PREFIX)) {
            throw new IllegalArgumentException("uri '" + uri + "' is not of the form s3://bucket/key");
        }
        final String rest = uri.substring(PREFIX.length());
        final int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw new IllegalArgumentException("uri '" + uri + "' is not of the form s3://bucket/key");
        }
        return new S3Uri(rest.substring(0, slash), rest.substring(slash + 1));
    }

    /** The last segment of the key: the instrument's file name. */
    public String fileName() {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
        return PREFIX + bucket + "/" + key;
    }
}
