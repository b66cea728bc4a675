package io.phenostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.extractor.FeatureExtractorService;
import io.phenostream.infra.EmbeddedS3;
import io.phenostream.ingest.IngestResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real S3 server (S3Proxy over its folder) stopped for some seconds while the extractor is mid-plate and
 * started again on the same port and folder: the worker reports "S3 unreachable" meanwhile, retries its GETs and
 * PUTs with backoff, dead-letters nothing, reports ready again, and the plate's stored results equal those of the
 * same plate run undisturbed. With {@code phenostream.extractor.s3-retry-ms=0} the sites in flight during the outage
 * are dead-lettered and this test fails.
 */
@Tag("integration")
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class S3OutageIT {

    /** Long enough for every site in flight to hit the outage and back off more than once. */
    static final Duration OUTAGE = Duration.ofSeconds(6);

    @Test
    void extractorRidesOutAnS3OutageMidPlate(@TempDir final Path tmp) throws Exception {
        final PhenoConfig defaults = PhenoConfig.defaults();
        final EmbeddedS3 s3 = new EmbeddedS3(tmp.resolve("s3"), defaults);
        s3.start();
        try (OutagePipeline pipeline = new OutagePipeline(tmp, defaults.with(ConfigKey.S3_ENDPOINT, s3.endpoint())
            .with(ConfigKey.S3_PATH_STYLE, "true"))) {
            final IngestResult reference = pipeline.ingest("OUTAGE-REF");
            final FeatureExtractorService first = pipeline.extractor(pipeline.config, "extractor-reference");
            pipeline.awaitFinal(reference, Duration.ofMinutes(3));
            first.close();

            final IngestResult disturbed = pipeline.ingest("OUTAGE-S3");
            final FeatureExtractorService worker = pipeline.extractor(pipeline.config, "extractor-outage");
            final String endpoint = s3.endpoint();
            final List<String> readiness;
            try (OutagePipeline.ReadinessLog log = new OutagePipeline.ReadinessLog(worker::notReadyReason)) {
                OutagePipeline.awaitSites(worker, 20);
                s3.close();
                final long doneAtStop = worker.sitesProcessed();
                Thread.sleep(OUTAGE.toMillis());
                assertTrue(worker.isRunning(), "the worker keeps running through the outage");
                assertTrue(worker.sitesProcessed() < 96, "the outage hit the plate mid-way: " + doneAtStop
                    + " sites done at the stop, " + worker.sitesProcessed() + " after it");
                assertEquals("S3 unreachable (retrying with backoff)", worker.notReadyReason());
                s3.start();
                assertEquals(endpoint, s3.endpoint(), "same endpoint after the restart");
                pipeline.awaitFinal(disturbed, Duration.ofMinutes(3));
                readiness = log.changes();
            }
            System.out.println("Extractor readiness through the S3 outage: " + readiness);
            try {
                assertEquals(0, worker.sitesFailed(), "no site failed");
                assertEquals(0, pipeline.deadLetters(), "nothing dead-lettered");
                pipeline.assertSameResults(reference, disturbed);
                assertNull(worker.notReadyReason(), "ready again once S3 is back");
                assertTrue(readiness.contains("S3 unreachable (retrying with backoff)"), "readiness: " + readiness);
            } finally {
                worker.close();
            }
        } finally {
            s3.close();
        }
    }
}
