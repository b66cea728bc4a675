package io.phenostream.sink;

import static io.phenostream.sink.TestEvents.plateRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.events.DeadLetter;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Poison on every topic the sink reads: malformed JSON, a schemaVersion newer than it knows, JSON of the wrong
 * shape, an empty value. Each goes to dead-letters with its reason and source, is counted, its offset is
 * committed (it does not block the partition), and the good record in the same batch is written.
 */
class ResultsSinkPoisonInputTest {

    private static final byte[][] POISON = {
        "{not json".getBytes(StandardCharsets.UTF_8),
        "{\"schemaVersion\":99,\"analysisId\":\"a-1\"}".getBytes(StandardCharsets.UTF_8),
        "[1,2,3]".getBytes(StandardCharsets.UTF_8),
        new byte[0],
    };

    @ParameterizedTest
    @ValueSource(strings = {Topics.PLATE_RUNS, Topics.SITE_FEATURES, Topics.WELL_PROFILES, Topics.COMPOUND_SCORES,
        Topics.PLATE_QC})
    void poisonIsDeadLetteredAndTheBatchGoesOn(final String topic) {
        final MockProducer<String, byte[]> dlq = new MockProducer<>(true, null, new StringSerializer(),
            new ByteArraySerializer());
        final List<Batch> written = new ArrayList<>();
        final ResultsSinkService sink = new ResultsSinkService(PhenoConfig.defaults(), new MockConsumer<>("earliest"),
            dlq, written::add, 10);

        final TopicPartition poisoned = new TopicPartition(topic, 2);
        final TopicPartition runs = new TopicPartition(Topics.PLATE_RUNS, 0);
        final Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> records = new LinkedHashMap<>();
        final List<ConsumerRecord<String, byte[]>> bad = new ArrayList<>();
        for (int i = 0; i < POISON.length; i++) {
            bad.add(new ConsumerRecord<>(topic, 2, 40 + i, "poison-" + i, POISON[i]));
        }
        records.put(poisoned, bad);
        final ConsumerRecord<String, byte[]> good = new ConsumerRecord<>(Topics.PLATE_RUNS, 0, 7, "E1/P1/r1",
            EventSerdes.plateRun().serialize("t", plateRun("E1", "P1", "r1")));
        if (topic.equals(Topics.PLATE_RUNS)) {
            records.put(runs, new ArrayList<>(List.of(good)));
            records.get(runs).addAll(0, bad.stream().map(r -> new ConsumerRecord<>(r.topic(), 0, r.offset() - 40,
                r.key(), r.value())).toList());
            records.remove(poisoned);
        } else {
            records.put(runs, List.of(good));
        }

        final Map<TopicPartition, OffsetAndMetadata> commit = sink.processBatch(new ConsumerRecords<>(records,
            Map.of()));

        assertEquals(1, written.size());
        assertEquals(1, written.get(0).plateRuns().size(), "the good record is written");
        final List<DeadLetter> letters = dlq.history().stream()
            .map(r -> EventSerdes.deadLetter().deserialize("dead-letters", r.value())).toList();
        assertEquals(POISON.length, letters.size(), letters.toString());
        assertTrue(dlq.history().stream().allMatch(r -> r.topic().equals(Topics.DEAD_LETTERS)));
        for (int i = 0; i < POISON.length; i++) {
            final DeadLetter dl = letters.get(i);
            assertEquals("results-sink", dl.stage());
            assertEquals(topic, dl.sourceTopic());
            assertEquals("poison-" + i, dl.sourceKey());
            assertEquals(new String(POISON[i], StandardCharsets.UTF_8), dl.sourceValue() == null ? "" : dl.sourceValue());
            assertTrue(dl.reason() != null && !dl.reason().isBlank(), "a reason for " + i);
        }
        assertTrue(letters.get(0).reason().contains("malformed"), letters.get(0).reason());
        assertTrue(letters.get(1).reason().contains("schemaVersion 99"), letters.get(1).reason());
        assertEquals(POISON.length, sink.deadLettered(), "counted");
        if (topic.equals(Topics.PLATE_RUNS)) {
            assertEquals(Map.of(runs, new OffsetAndMetadata(8)), commit);
        } else {
            assertEquals(Map.of(poisoned, new OffsetAndMetadata(40 + POISON.length), runs, new OffsetAndMetadata(8)),
                commit, "poison does not hold its partition back");
        }
        sink.close();
    }
}
