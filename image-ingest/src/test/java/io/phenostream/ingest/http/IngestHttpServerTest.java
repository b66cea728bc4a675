package io.phenostream.ingest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.common.s3.S3ClientFactory;
import io.phenostream.ingest.PlateIngestor;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IngestHttpServerTest {

    @Test
    void refusesToStartWithoutAToken() {
        final PhenoConfig config = PhenoConfig.defaults().with(ConfigKey.S3_ENDPOINT, "http://127.0.0.1:1");
        try (ObjectStore store = new ObjectStore(S3ClientFactory.create(config), "unused")) {
            final PlateIngestor ingestor = new PlateIngestor(store, null, config, new SimpleMeterRegistry());
            final IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> IngestHttpServer.start(ingestor, store, config, 0));
            assertTrue(e.getMessage().contains("PHENOSTREAM_INGEST_HTTP_TOKEN"), e.getMessage());
        }
    }

    @Test
    void objectsMayReadOnlyTheConfiguredBucketUnlessAListIsGiven() {
        final PhenoConfig config = PhenoConfig.defaults().with(ConfigKey.S3_BUCKET, "landing");
        assertEquals(Set.of("landing"), IngestHttpServer.allowedBuckets(config));
        assertEquals(Set.of("phenostream"), IngestHttpServer.allowedBuckets(PhenoConfig.defaults()));
        assertEquals(Set.of("instrument-a", "instrument-b"), IngestHttpServer.allowedBuckets(
            config.with(ConfigKey.INGEST_OBJECTS_ALLOWED_BUCKETS, " instrument-a,,instrument-b , ")));
        assertEquals(Set.of(), IngestHttpServer.allowedBuckets(config.with(ConfigKey.INGEST_OBJECTS_ALLOWED_BUCKETS, ",")),
            "an empty list turns objects off");
    }
}
