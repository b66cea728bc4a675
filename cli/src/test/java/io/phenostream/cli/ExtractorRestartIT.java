package io.phenostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.domain.PlateMapParser;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.kafka.Topics;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.common.s3.S3ClientFactory;
import io.phenostream.common.synth.SynthOptions;
import io.phenostream.extractor.CellDataSink;
import io.phenostream.extractor.FeatureExtractorService;
import io.phenostream.infra.LocalInfrastructure;
import io.phenostream.ingest.IngestRequest;
import io.phenostream.ingest.IngestResult;
import io.phenostream.ingest.PlateIngestor;
import io.phenostream.ingest.RunPublisher;
import io.phenostream.scorer.PhenotypeScorerService;
import io.phenostream.sink.PlateQcRow;
import io.phenostream.sink.ResultsDatabase;
import io.phenostream.sink.ResultsSinkService;
import io.phenostream.sink.ResultsStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A feature-extractor worker killed mid-plate (no drain, no final commit, as a crashed process) and a new one
 * started in its place: the new worker redoes the sites after the last commit, some sites therefore reach
 * {@code site-features} twice, and the scorer's aggregate still counts every site exactly once.
 */
@Tag("integration")
@Timeout(300)
class ExtractorRestartIT {

    @Test
    void killedWorkerIsReplacedWithoutLosingOrDoubleCountingSites(@TempDir final Path tmp) throws Exception {
        final SynthOptions options = SynthCommand.options(96, 1, 128, 5, "RESTART-P1");
        final Path plateDir = tmp.resolve("plate");
        SynthCommand.generate(options, plateDir);
        final PhenoConfig base = PhenoConfig.defaults().with(ConfigKey.DATA_DIR, tmp.resolve("data").toString())
            .with(ConfigKey.SCORER_PUNCTUATE_MS, "300");
        try (LocalInfrastructure infra = LocalInfrastructure.start(base, true)) {
            final PhenoConfig config = infra.config().with(ConfigKey.EXTRACTOR_THREADS, "1");
            final DataSource db = ResultsDatabase.dataSource(config);
            ResultsDatabase.migrate(db);
            final ResultsStore store = new ResultsStore(db);
            try (ResultsSinkService sink = new ResultsSinkService(config);
                 PhenotypeScorerService scorer = new PhenotypeScorerService(config).start();
                 ObjectStore objects = new ObjectStore(S3ClientFactory.create(config), config.require(ConfigKey.S3_BUCKET));
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(RunPublisher.producerConfig(config))) {
                new Thread(sink, "results-sink").start();
                // The first worker commits only every second, so the sites it finished since its last commit are
                // redone by its successor: duplicates downstream are certain, not a matter of luck.
                final IngestResult ingested = new PlateIngestor(objects, producer, config).ingest(new IngestRequest(
                    plateDir, PlateMapParser.parse(plateDir.resolve("plate-map.csv"), options.layout()),
                    options.experimentId(), options.plateId(), null, null, null, AnalysisSpec.classicalDefaults()),
                    (a, b, c, d) -> { });
                final FeatureExtractorService first = new FeatureExtractorService(
                    config.with(ConfigKey.EXTRACTOR_COMMIT_INTERVAL_MS, "1000"), "first", new SimpleMeterRegistry(),
                    CellDataSink.NONE).start();

                final long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (first.sitesProcessed() < 50 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                first.kill();
                final long byFirst = first.sitesProcessed();
                assertTrue(byFirst >= 50 && byFirst < 96, "killed mid-plate after " + byFirst + " sites");

                final FeatureExtractorService second = new FeatureExtractorService(config, "second",
                    new SimpleMeterRegistry(), CellDataSink.NONE).start();
                try {
                    final PlateQcRow qc = awaitFinal(store, ingested);
                    assertEquals(96, qc.sitesSeen(), "every site counted once");
                    assertEquals(96, qc.sitesExpected());
                    final long bySecond = second.sitesProcessed();
                    assertTrue(bySecond < 96, "the second worker resumed from the first one's commits, redid "
                        + bySecond);

                    final List<String> keys = siteFeatureKeys(config, ingested.run().runKey());
                    assertEquals(96, new HashSet<>(keys).size(), "every site has its features");
                    assertEquals(byFirst + bySecond, keys.size(), "every acknowledged output is in the topic");
                    assertTrue(keys.size() > 96, "some sites were analysed twice: " + keys.size() + " records");
                } finally {
                    second.close();
                }
            }
        }
    }

    private static PlateQcRow awaitFinal(final ResultsStore store, final IngestResult ingested) throws Exception {
        final long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            final Optional<PlateQcRow> qc = store.plateQc(ingested.run().experimentId(), ingested.analysisId()).stream()
                .filter(q -> "FINAL".equals(q.status())).findFirst();
            if (qc.isPresent()) {
                return qc.get();
            }
            Thread.sleep(300);
        }
        throw new AssertionError("plate not final within 3 minutes");
    }

    /** The site key of every site-features record of the run (the record key is the run; the site is inside). */
    private static List<String> siteFeatureKeys(final PhenoConfig config, final String runKey) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.require(ConfigKey.KAFKA_BOOTSTRAP));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        final List<String> keys = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            final List<TopicPartition> parts = c.partitionsFor(config.topic(Topics.SITE_FEATURES)).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            final var end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (final ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (runKey.equals(r.key())) {
                        final var f = io.phenostream.common.events.EventSerdes.siteFeatures().deserialize(r.topic(),
                            r.value());
                        keys.add(f.siteKey());
                    }
                }
            }
        }
        return keys;
    }
}
