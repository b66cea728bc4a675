package io.phenostream.ingest.replay;

import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.kafka.KafkaClientConfigs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads every committed record of a topic from the beginning up to its end at the moment of the call, without a
 * consumer group (partitions are assigned, nothing is committed). Used for what replays treat as the record of the
 * past: the compacted plate-runs, the image-sets kept for replays, and the replays' own state.
 */
final class TopicSnapshot {

    private TopicSnapshot() {
    }

    /** Calls {@code each(partition, record)} for every record, partition by partition in offset order. */
    static void read(final PhenoConfig config, final String topic, final Duration timeout,
                     final BiConsumer<Integer, ConsumerRecord<String, byte[]>> each) throws TimeoutException {
        // assign() needs no group, but the shared consumer settings name one: give it a throwaway id.
        final Properties props = KafkaClientConfigs.consumer(config, "phenostream-replay-reader-" + UUID.randomUUID(),
            "replay-reader");
        props.put("max.poll.records", 2000);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            final List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("Topic " + topic + " does not exist on " + config.require(
                    io.phenostream.common.config.ConfigKey.KAFKA_BOOTSTRAP));
            }
            final List<TopicPartition> partitions = infos.stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // With read_committed, the end offsets are the last stable offsets: no open transaction is waited for.
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (!reachedEnd(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("Reading " + topic + " to its end took longer than "
                        + timeout.toSeconds() + " s");
                }
                for (final ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        each.accept(r.partition(), r);
                    }
                }
            }
        }
    }

    private static boolean reachedEnd(final KafkaConsumer<String, byte[]> consumer,
                                      final Map<TopicPartition, Long> end) {
        for (final Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
