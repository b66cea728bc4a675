package io.phenostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.extractor.FeatureExtractorService;
import io.phenostream.infra.EmbeddedKafka;
import io.phenostream.ingest.IngestResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka broker stopped for some seconds while the extractor is mid-plate and started again on the same port
 * and log folder (a broker restart): the extractor, the scorer (Kafka Streams, exactly-once) and the sink keep
 * running through it, the extractor reports "Kafka unreachable" meanwhile and ready again after, nothing is
 * dead-lettered, and the plate's stored results equal those of the same plate run undisturbed.
 */
@Tag("integration")
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class BrokerOutageIT {

    static final Duration OUTAGE = Duration.ofSeconds(6);
    static final String UNREACHABLE = ServiceCommands.KAFKA_UNREACHABLE;

    @Test
    void pipelineRidesOutABrokerRestartMidPlate(@TempDir final Path tmp) throws Exception {
        final EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve("kafka"));
        kafka.start();
        try (OutagePipeline pipeline = new OutagePipeline(tmp, PhenoConfig.defaults()
            .with(ConfigKey.KAFKA_BOOTSTRAP, kafka.bootstrapServers()).with(ConfigKey.KAFKA_REPLICATION, "1"))) {
            final IngestResult reference = pipeline.ingest("OUTAGE-REF");
            final FeatureExtractorService first = pipeline.extractor(pipeline.config, "extractor-reference");
            pipeline.awaitFinal(reference, Duration.ofMinutes(3));
            first.close();

            final IngestResult disturbed = pipeline.ingest("OUTAGE-KAFKA");
            final FeatureExtractorService worker = pipeline.extractor(pipeline.config, "extractor-outage");
            final String bootstrap = kafka.bootstrapServers();
            final List<String> readiness;
            final List<String> scorerReadiness;
            final List<String> sinkReadiness;
            try (OutagePipeline.ReadinessLog log = new OutagePipeline.ReadinessLog(worker::notReadyReason);
                 OutagePipeline.ReadinessLog scorerLog = new OutagePipeline.ReadinessLog(
                     () -> pipeline.scorer().brokerConnections() > 0 ? null : UNREACHABLE);
                 OutagePipeline.ReadinessLog sinkLog = new OutagePipeline.ReadinessLog(
                     () -> pipeline.sink().brokerConnections() > 0 ? null : UNREACHABLE)) {
                OutagePipeline.awaitSites(worker, 20);
                kafka.close();
                final long doneAtStop = worker.sitesProcessed();
                Thread.sleep(OUTAGE.toMillis());
                assertTrue(worker.isRunning(), "the extractor keeps running through the outage");
                assertTrue(pipeline.sink().isRunning(), "the sink keeps running through the outage");
                final KafkaStreams.State during = pipeline.scorer().state();
                assertTrue(during == KafkaStreams.State.RUNNING || during == KafkaStreams.State.REBALANCING,
                    "the scorer keeps running through the outage: " + during);
                assertTrue(worker.sitesProcessed() < 96, "the outage hit the plate mid-way: " + doneAtStop
                    + " sites done at the stop, " + worker.sitesProcessed() + " after it");
                kafka.start();
                assertEquals(bootstrap, kafka.bootstrapServers(), "same address after the restart");
                pipeline.awaitFinal(disturbed, Duration.ofMinutes(3));
                readiness = log.changes();
                scorerReadiness = scorerLog.changes();
                sinkReadiness = sinkLog.changes();
            }
            System.out.println("Readiness through the broker outage: extractor " + readiness + ", scorer "
                + scorerReadiness + ", sink " + sinkReadiness);
            try {
                assertEquals(0, worker.sitesFailed(), "no site failed");
                assertEquals(0, pipeline.deadLetters(), "nothing dead-lettered");
                pipeline.assertSameResults(reference, disturbed);
                assertTrue(pipeline.sink().isRunning(), "sink running");
                assertEquals(KafkaStreams.State.RUNNING, pipeline.scorer().state());
                assertTrue(pipeline.scorer().brokerConnections() > 0, "the scorer is connected again");
                assertTrue(pipeline.sink().brokerConnections() > 0, "the sink is connected again");
                assertNull(worker.notReadyReason(), "ready again once the broker is back");
                assertTrue(readiness.contains(UNREACHABLE), "extractor readiness: " + readiness);
                assertTrue(scorerReadiness.contains(UNREACHABLE), "scorer readiness: " + scorerReadiness);
                assertTrue(sinkReadiness.contains(UNREACHABLE), "sink readiness: " + sinkReadiness);
            } finally {
                worker.close();
            }
        } finally {
            kafka.close();
        }
    }
}
