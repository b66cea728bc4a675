package io.phenostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.domain.PlateMapParser;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.kafka.KafkaClientConfigs;
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
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

/**
 * The services of the local pipeline wired by hand (as in {@link ExtractorRestartIT}) so an outage test can hold the
 * extractor it watches, over infrastructure whose Kafka or S3 the test started itself (to stop and restart it).
 * One synthetic plate is run twice under two experiment ids: once undisturbed (the reference) and once with the
 * outage; the stored results of the two must be the same.
 */
final class OutagePipeline implements AutoCloseable {

    /** Relative tolerance on stored doubles: the same images give the same numbers, up to summation order. */
    static final double TOLERANCE = 1e-9;

    final SynthOptions options;
    final Path plateDir;
    final LocalInfrastructure infra;
    final PhenoConfig config;
    final ResultsStore store;
    private final ResultsSinkService sink;
    private final PhenotypeScorerService scorer;
    private final ObjectStore objects;
    private final KafkaProducer<String, byte[]> producer;

    /** @param base configuration naming the Kafka or S3 the test runs (the rest is started here, fresh) */
    OutagePipeline(final Path tmp, final PhenoConfig base) {
        options = SynthCommand.options(96, 1, 128, 11, "OUTAGE-P1");
        plateDir = tmp.resolve("plate");
        SynthCommand.generate(options, plateDir);
        infra = LocalInfrastructure.start(base.with(ConfigKey.DATA_DIR, tmp.resolve("data").toString())
            .with(ConfigKey.SCORER_PUNCTUATE_MS, "300"), true);
        config = infra.config().with(ConfigKey.EXTRACTOR_THREADS, "2");
        final javax.sql.DataSource db = ResultsDatabase.dataSource(config);
        ResultsDatabase.migrate(db);
        store = new ResultsStore(db);
        sink = new ResultsSinkService(config);
        new Thread(sink, "results-sink").start();
        scorer = new PhenotypeScorerService(config).start();
        objects = new ObjectStore(S3ClientFactory.create(config), config.require(ConfigKey.S3_BUCKET));
        producer = new KafkaProducer<>(RunPublisher.producerConfig(config));
    }

    ResultsSinkService sink() {
        return sink;
    }

    PhenotypeScorerService scorer() {
        return scorer;
    }

    /** Uploads the plate's images and publishes its runs and sites under {@code experimentId}. */
    IngestResult ingest(final String experimentId) throws Exception {
        return new PlateIngestor(objects, producer, config).ingest(new IngestRequest(plateDir,
            PlateMapParser.parse(plateDir.resolve("plate-map.csv"), options.layout()), experimentId,
            options.plateId(), null, null, null, AnalysisSpec.classicalDefaults()), (a, b, c, d) -> { });
    }

    /** A started extractor worker; per-cell tables and label images go to S3, as in production. */
    FeatureExtractorService extractor(final PhenoConfig c, final String clientId) {
        return new FeatureExtractorService(c, clientId, new SimpleMeterRegistry(), null).start();
    }

    /** Waits until the run's plate QC and its experiment's compound scores are final. */
    void awaitFinal(final IngestResult ingested, final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (store.isExperimentFinal(ingested.run().experimentId(), ingested.analysisId())) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("results of " + ingested.run().runKey() + " not final within " + timeout);
    }

    /** Waits until {@code worker} has finished at least {@code sites} sites. */
    static void awaitSites(final FeatureExtractorService worker, final long sites) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (worker.sitesProcessed() < sites && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(worker.sitesProcessed() >= sites, "only " + worker.sitesProcessed() + " sites in 3 minutes");
    }

    /**
     * Every stored result of the disturbed experiment equals the reference's, field by field: plate QC, well scores,
     * normalized well profiles, the ranked hit list with compound scores, dose-response fits and replicate mAP.
     */
    void assertSameResults(final IngestResult reference, final IngestResult disturbed) {
        final String analysis = reference.analysisId();
        assertEquals(analysis, disturbed.analysisId());
        final String ref = reference.run().experimentId();
        final String out = disturbed.run().experimentId();
        final List<PlateQcRow> qc = store.plateQc(out, analysis);
        assertEquals(1, qc.size());
        assertEquals("FINAL", qc.get(0).status());
        assertEquals(96, qc.get(0).sitesSeen(), "every site counted once");
        assertEquals(0, qc.get(0).sitesFailed(), "no site failed");
        assertSameRows("plate QC", store.plateQc(ref, analysis), qc);
        assertSameRows("well scores", store.wellScores(ref, analysis), store.wellScores(out, analysis));
        assertSameRows("well profiles", store.wellProfiles(ref, analysis), store.wellProfiles(out, analysis));
        assertSameRows("hit list", store.hitList(ref, analysis, null, 1000, 0),
            store.hitList(out, analysis, null, 1000, 0));
        assertEquals(96, store.wellScores(out, analysis).size());
    }

    /** Records compared component by component; doubles within {@link #TOLERANCE}; timestamps ignored. */
    static void assertSameRows(final String what, final List<? extends Record> expected,
                               final List<? extends Record> actual) {
        assertEquals(expected.size(), actual.size(), what + ": row count");
        assertTrue(!expected.isEmpty(), what + ": no rows");
        for (int i = 0; i < expected.size(); i++) {
            final Record e = expected.get(i);
            for (final RecordComponent c : e.getClass().getRecordComponents()) {
                if (Set.of("updatedAt").contains(c.getName())) {
                    continue;
                }
                final Object ev = value(c, e);
                final Object av = value(c, actual.get(i));
                assertSameValue(what + " row " + i + " (" + e + ") ." + c.getName(), ev, av);
            }
        }
    }

    private static void assertSameValue(final String where, final Object expected, final Object actual) {
        if (expected instanceof Double e && actual instanceof Double a) {
            assertTrue(Math.abs(e - a) <= TOLERANCE * Math.max(1, Math.abs(e)) || e.equals(a),
                where + ": expected " + e + ", was " + a);
        } else if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
            assertEquals(e.keySet(), a.keySet(), where + " keys");
            for (final Object k : e.keySet()) {
                assertSameValue(where + "[" + k + "]", e.get(k), a.get(k));
            }
        } else {
            assertTrue(Objects.equals(expected, actual), where + ": expected " + expected + ", was " + actual);
        }
    }

    private static Object value(final RecordComponent c, final Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (final ReflectiveOperationException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Records in the dead-letter topic (every stage writes there; this pipeline starts with an empty one). */
    long deadLetters() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaClientConfigs.consumer(config, "outage-it-dl",
            "outage-it-dl"))) {
            final List<TopicPartition> parts = c.partitionsFor(config.topic(Topics.DEAD_LETTERS)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            return c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Samples a readiness reason every 20 ms on a thread of its own until closed: what a readiness probe would have
     * seen, in order (null = ready).
     */
    static final class ReadinessLog implements AutoCloseable {
        private final List<String> seen = new CopyOnWriteArrayList<>();
        private volatile boolean running = true;
        private final Thread thread;

        ReadinessLog(final Supplier<String> reason) {
            thread = new Thread(() -> {
                String last = "(none yet)";
                while (running) {
                    final String r = reason.get();
                    if (!Objects.equals(r, last)) {
                        seen.add(r == null ? "ready" : r);
                        last = r;
                    }
                    try {
                        Thread.sleep(20);
                    } catch (final InterruptedException e) {
                        return;
                    }
                }
            }, "readiness-log");
            thread.setDaemon(true);
            thread.start();
        }

        /** The distinct readiness states in the order they were seen ("ready" or the reason). */
        List<String> changes() {
            return new ArrayList<>(seen);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(1000);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        objects.close();
        scorer.close();
        sink.close();
        infra.close();
    }
}
