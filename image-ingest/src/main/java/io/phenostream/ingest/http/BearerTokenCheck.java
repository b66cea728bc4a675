package io.phenostream.ingest.http;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Checks {@code Authorization: Bearer <token>} against the configured token. Both sides are hashed before the
 * constant-time comparison, so neither the content nor the length of the token leaks through timing. The token
 * itself is never kept in a string that could end up in a log line or a heap dump label.
 */
public final class BearerTokenCheck {

    private static final String SCHEME = "bearer ";

    private final byte[] expectedHash;

    private BearerTokenCheck(final byte[] expectedHash) {
        this.expectedHash = expectedHash;
    }

    /**
     * @throws IllegalStateException naming the environment variable when no token is configured: the API refuses
     *     to run open
     */
    public static BearerTokenCheck fromConfig(final PhenoConfig config) {
        final String token = config.get(ConfigKey.INGEST_HTTP_TOKEN).map(String::trim).orElse("");
        if (token.isEmpty()) {
            throw new IllegalStateException("The ingest HTTP API needs a bearer token: set "
                + ConfigKey.INGEST_HTTP_TOKEN.envName() + " (or " + ConfigKey.INGEST_HTTP_TOKEN.key() + ")");
        }
        return new BearerTokenCheck(sha256(token));
    }

    /** Whether an {@code Authorization} header value (null when absent) carries the configured token. */
    public boolean accepts(final String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.length() <= SCHEME.length()
            || !authorizationHeader.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
            return false;
        }
        final String presented = authorizationHeader.substring(SCHEME.length()).trim();
        return MessageDigest.isEqual(expectedHash, sha256(presented));
    }

    private static byte[] sha256(final String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
