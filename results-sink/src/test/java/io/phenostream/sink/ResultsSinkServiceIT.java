package io.phenostream.sink;

import static io.phenostream.sink.TestEvents.compound;
import static io.phenostream.sink.TestEvents.plateRun;
import static io.phenostream.sink.TestEvents.site;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.events.DeadLetter;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.PlateQc;
import io.phenostream.common.events.SiteFeatures;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The per-poll logic of the sink against a real PostgreSQL, with the Kafka clients mocked. */
@Tag("integration")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ResultsSinkServiceIT {

    private static final String A1 = "a-1111111111111111";

    private static EmbeddedPostgres postgres;
    private static DataSource dataSource;

    @BeforeAll
    static void startDatabase() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        dataSource = postgres.getPostgresDatabase();
        ResultsDatabase.migrate(dataSource);
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void goodRecordsAreWrittenAndBadOnesDeadLettered() throws Exception {
        final MockProducer<String, byte[]> dlq = new MockProducer<>(true, null, new StringSerializer(),
            new ByteArraySerializer());
        final ResultsSinkService sink = new ResultsSinkService(PhenoConfig.defaults(),
            new MockConsumer<>("earliest"), dlq, new ResultsStore(dataSource), 10);

        // A site whose error text holds a NUL byte: valid JSON, but PostgreSQL refuses it (SQLSTATE 22021).
        final SiteFeatures nul = withError(site(A1, "E9", "P1", "A01", 1, 10), "bad\u0000text");
        final PlateQc noAnalysis = new PlateQc(1, null, "E9", "P1", "r1", 0.5, 1.0, 1, 1, 1, 1, 1, 0, 0,
            PlateQc.Status.RUNNING, List.of(), null);
        final Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> byPartition = new LinkedHashMap<>();
        add(byPartition, "plate-runs", 0, 5, "E9/P1/r1",
            EventSerdes.plateRun().serialize("plate-runs", plateRun("E9", "P1", "r1")));
        add(byPartition, "compound-scores", 1, 10, A1 + "|E9|cpd-1",
            EventSerdes.compoundScore().serialize("t", compound(A1, "E9", "cpd-1", 1, 5.0, 0.01, false, null)));
        add(byPartition, "compound-scores", 1, 11, "k-bad", "{not json".getBytes(StandardCharsets.UTF_8));
        add(byPartition, "well-profiles", 0, 3, "k-future",
            "{\"schemaVersion\":99,\"analysisId\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        add(byPartition, "plate-qc", 2, 7, "k-noanalysis", EventSerdes.plateQc().serialize("t", noAnalysis));
        add(byPartition, "plate-qc", 2, 8, "k-tombstone", null);
        add(byPartition, "site-features", 0, 1, "k-nul", EventSerdes.siteFeatures().serialize("t", nul));

        final Map<TopicPartition, OffsetAndMetadata> commit = sink.processBatch(
            new ConsumerRecords<>(byPartition, Map.of()));

        assertEquals(Map.of(new TopicPartition("plate-runs", 0), new OffsetAndMetadata(6),
            new TopicPartition("compound-scores", 1), new OffsetAndMetadata(12),
            new TopicPartition("well-profiles", 0), new OffsetAndMetadata(4),
            new TopicPartition("plate-qc", 2), new OffsetAndMetadata(9),
            new TopicPartition("site-features", 0), new OffsetAndMetadata(2)), commit);

        final List<ProducerRecord<String, byte[]>> sent = dlq.history();
        assertEquals(List.of("k-bad", "k-future", "k-noanalysis", "k-nul"),
            sent.stream().map(ProducerRecord::key).toList());
        assertTrue(sent.stream().allMatch(r -> r.topic().equals("dead-letters")));
        final List<DeadLetter> letters = new ArrayList<>();
        sent.forEach(r -> letters.add(EventSerdes.deadLetter().deserialize("dead-letters", r.value())));
        assertEquals(List.of("compound-scores", "well-profiles", "plate-qc", "site-features"),
            letters.stream().map(DeadLetter::sourceTopic).toList());
        assertEquals(List.of(11L, 3L, 7L, 1L), letters.stream().map(DeadLetter::sourceOffset).toList());
        assertEquals(List.of(1, 0, 2, 0), letters.stream().map(DeadLetter::sourcePartition).toList());
        assertTrue(letters.stream().allMatch(l -> l.stage().equals("results-sink")));
        assertEquals("{not json", letters.get(0).sourceValue());
        assertTrue(letters.get(0).reason().contains("malformed CompoundScore JSON"), letters.get(0).reason());
        assertTrue(letters.get(1).reason().contains("schemaVersion 99"), letters.get(1).reason());
        assertTrue(letters.get(2).reason().contains("has no analysisId"), letters.get(2).reason());
        assertTrue(letters.get(3).reason().startsWith("results database refused the record"), letters.get(3).reason());

        assertEquals(1L, count("SELECT count(*) FROM plate_runs WHERE experiment_id = 'E9'"));
        assertEquals(1L, count("SELECT count(*) FROM compound_scores WHERE experiment_id = 'E9'"));
        assertEquals(0L, count("SELECT count(*) FROM site_features WHERE experiment_id = 'E9'"));
        assertEquals(0L, count("SELECT count(*) FROM well_profiles WHERE experiment_id = 'E9'"));
        assertEquals(2, sink.recordsWritten());
        assertEquals(4, sink.deadLettered());
        assertEquals(1, sink.tombstonesSkipped());
        assertFalse(dlq.closed());
        sink.close();
        assertTrue(dlq.closed());
    }

    private static SiteFeatures withError(final SiteFeatures s, final String error) {
        return new SiteFeatures(s.schemaVersion(), s.analysisId(), s.analysis(), s.experimentId(), s.plateId(),
            s.runId(), WellId.parse(s.well().toString()), s.site(), SiteFeatures.Status.FAILED, error, s.cellCount(),
            s.features(), s.qc(), s.images(), s.cellDataUri(), s.processedAt());
    }

    private static void add(final Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> map, final String topic,
                            final int partition, final long offset, final String key, final byte[] value) {
        map.computeIfAbsent(new TopicPartition(topic, partition), tp -> new ArrayList<>())
            .add(new ConsumerRecord<>(topic, partition, offset, key, value));
    }

    private static long count(final String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
