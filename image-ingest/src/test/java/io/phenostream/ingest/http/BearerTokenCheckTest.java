package io.phenostream.ingest.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import org.junit.jupiter.api.Test;

class BearerTokenCheckTest {

    private final BearerTokenCheck check = BearerTokenCheck.fromConfig(
        PhenoConfig.defaults().with(ConfigKey.INGEST_HTTP_TOKEN, "s3cret-token"));

    @Test
    void acceptsOnlyTheConfiguredBearerToken() {
        assertTrue(check.accepts("Bearer s3cret-token"));
        assertTrue(check.accepts("bearer s3cret-token"), "the scheme is case-insensitive (RFC 7235)");
        assertFalse(check.accepts(null));
        assertFalse(check.accepts(""));
        assertFalse(check.accepts("Bearer "));
        assertFalse(check.accepts("Bearer s3cret-tokeN"));
        assertFalse(check.accepts("Bearer s3cret-token-and-more"));
        assertFalse(check.accepts("Bearer s3cret"));
        assertFalse(check.accepts("Basic s3cret-token"));
        assertFalse(check.accepts("s3cret-token"));
    }

    @Test
    void refusesToRunWithoutAToken() {
        for (final String token : new String[] {null, "", "   "}) {
            final IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> BearerTokenCheck.fromConfig(PhenoConfig.defaults().with(ConfigKey.INGEST_HTTP_TOKEN, token)));
            assertTrue(e.getMessage().contains("PHENOSTREAM_INGEST_HTTP_TOKEN"), e.getMessage());
        }
    }
}
