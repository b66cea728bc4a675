package io.phenostream.sink;

import static io.phenostream.sink.TestEvents.compound;
import static io.phenostream.sink.TestEvents.plateRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.events.EventSerdes;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sink's poll loop with mocked Kafka clients and an in-memory writer that can fail. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ResultsSinkServiceTest {

    private static final String A1 = "a-1111111111111111";
    private static final TopicPartition RUNS = new TopicPartition("plate-runs", 0);
    private static final TopicPartition SCORES = new TopicPartition("compound-scores", 0);

    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final MockProducer<String, byte[]> dlq = new MockProducer<>(true, null, new StringSerializer(),
        new ByteArraySerializer());

    @Test
    void databaseOutageCommitsNothingSeeksBackAndRetries() throws Exception {
        final AtomicInteger failuresLeft = new AtomicInteger(2);
        final List<Batch> written = new CopyOnWriteArrayList<>();
        final BatchWriter flaky = batch -> {
            if (failuresLeft.getAndDecrement() > 0) {
                throw new ResultsStoreException("test outage", new SQLException("connection refused", "08001"));
            }
            written.add(batch);
        };
        final ResultsSinkService sink = new ResultsSinkService(PhenoConfig.defaults(), consumer, dlq, flaky, 5);
        final List<ConsumerRecord<String, byte[]>> records = List.of(
            new ConsumerRecord<>("plate-runs", 0, 0, "E1/P1/r1",
                EventSerdes.plateRun().serialize("t", plateRun("E1", "P1", "r1"))),
            new ConsumerRecord<>("compound-scores", 0, 0, "k1",
                EventSerdes.compoundScore().serialize("t", compound(A1, "E1", "c1", 1, 1.0, 0.1, false, null))),
            new ConsumerRecord<>("compound-scores", 0, 1, "k2", "oops".getBytes(StandardCharsets.UTF_8)));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(RUNS, SCORES));
            consumer.updateBeginningOffsets(Map.of(RUNS, 0L, SCORES, 0L));
            records.forEach(consumer::addRecord);
        });
        // What the broker re-delivers after a seek: MockConsumer only hands out records at or past the position,
        // so these come back only if the sink rewound.
        for (int i = 0; i < 2; i++) {
            consumer.schedulePollTask(() -> records.forEach(consumer::addRecord));
        }
        final Thread loop = new Thread(sink, "sink-loop");
        loop.start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (sink.batchesCommitted() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        // MockConsumer is synchronized: safe to read while the loop runs, and unreadable once closed.
        final Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.of(RUNS, SCORES));
        sink.close();
        loop.join(10_000);

        assertEquals(2, sink.writeFailures());
        assertEquals(1, written.size(), "written once, after the outage");
        assertEquals(1, written.get(0).plateRuns().size());
        assertEquals(1, written.get(0).compoundScores().size());
        assertEquals(Map.of(RUNS, new OffsetAndMetadata(1), SCORES, new OffsetAndMetadata(2)),
            committed);
        assertEquals(1, dlq.history().size(), "dead-lettered once, not once per retry");
        assertEquals("k2", dlq.history().get(0).key());
        assertEquals(2, sink.recordsWritten());
        assertEquals(1, sink.deadLettered());
        assertTrue(consumer.closed());
        assertTrue(dlq.closed());
    }

    @Test
    void aCommitThatTimesOutDoesNotStopTheSinkAndTheNextCommitCoversItsRecords() throws Exception {
        // What commitSync does when the brokers stay away longer than default.api.timeout.ms.
        final AtomicInteger timeoutsLeft = new AtomicInteger(1);
        final MockConsumer<String, byte[]> unreachable = new MockConsumer<>("earliest") {
            @Override
            public synchronized void commitSync(final Map<TopicPartition, OffsetAndMetadata> offsets) {
                if (timeoutsLeft.getAndDecrement() > 0) {
                    throw new TimeoutException("Timeout of 60000ms expired before successfully committing offsets");
                }
                super.commitSync(offsets);
            }
        };
        final List<Batch> written = new CopyOnWriteArrayList<>();
        final ResultsSinkService sink = new ResultsSinkService(PhenoConfig.defaults(), unreachable, dlq,
            written::add, 5);
        final ConsumerRecord<String, byte[]> first = new ConsumerRecord<>("compound-scores", 0, 0, "k1",
            EventSerdes.compoundScore().serialize("t", compound(A1, "E1", "c1", 1, 1.0, 0.1, false, null)));
        final ConsumerRecord<String, byte[]> second = new ConsumerRecord<>("compound-scores", 0, 1, "k2",
            EventSerdes.compoundScore().serialize("t", compound(A1, "E1", "c2", 2, 0.5, 0.2, false, null)));
        unreachable.schedulePollTask(() -> {
            unreachable.rebalance(List.of(SCORES));
            unreachable.updateBeginningOffsets(Map.of(SCORES, 0L));
            unreachable.addRecord(first);
        });
        unreachable.schedulePollTask(() -> unreachable.addRecord(second));
        final Thread loop = new Thread(sink, "sink-loop");
        loop.start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (sink.batchesCommitted() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        final Map<TopicPartition, OffsetAndMetadata> committed = unreachable.committed(Set.of(SCORES));
        assertTrue(loop.isAlive(), "the sink kept running after the commit timed out");
        sink.close();
        loop.join(10_000);

        assertEquals(1, sink.commitTimeouts());
        assertEquals(2, written.size(), "both polls written");
        assertEquals(Map.of(SCORES, new OffsetAndMetadata(2)), committed, "the second commit covers the first poll");
        assertEquals(2, sink.recordsWritten());
    }

    @Test
    void failedWriteOrDeadLetterThrowsAndCountsNothing() {
        final BatchWriter down = batch -> {
            throw new ResultsStoreException("test outage", new SQLException("connection refused", "08001"));
        };
        final ConsumerRecords<String, byte[]> records = new ConsumerRecords<>(Map.of(SCORES, List.of(
            new ConsumerRecord<>("compound-scores", 0, 4, "k", "oops".getBytes(StandardCharsets.UTF_8)))), Map.of());
        final ResultsSinkService sink = new ResultsSinkService(PhenoConfig.defaults(), consumer, dlq, down, 5);
        assertThrows(ResultsStoreException.class, () -> sink.processBatch(records));
        assertEquals(0, dlq.history().size(), "nothing dead-lettered while the database is down");

        final ResultsSinkService sink2 = new ResultsSinkService(PhenoConfig.defaults(), consumer, dlq, b -> { }, 5);
        dlq.sendException = new KafkaException("broker gone");
        assertThrows(RuntimeException.class, () -> sink2.processBatch(records));
        assertEquals(0, sink2.deadLettered());
        assertEquals(0, sink.recordsWritten());
    }

    @Test
    void topicsFollowThePrefix() {
        final ResultsSinkService sink = new ResultsSinkService(
            PhenoConfig.defaults().with(ConfigKey.TOPIC_PREFIX, "lab1."), consumer, dlq, b -> { }, 5);
        assertEquals(List.of("lab1.plate-runs", "lab1.site-features", "lab1.well-profiles", "lab1.compound-scores",
            "lab1.plate-qc"), sink.topics());
        sink.close();
        assertTrue(consumer.closed());
    }
}
