package io.phenostream.extractor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class BackpressureTest {

    private static final TopicPartition P0 = new TopicPartition("image-sets", 0);
    private static final TopicPartition P1 = new TopicPartition("image-sets", 1);

    @Test
    void pausesAtTheBoundAndResumesAtHalf() {
        final MockConsumer<String, byte[]> consumer = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
        consumer.assign(List.of(P0, P1));
        final Backpressure b = new Backpressure(8);
        b.apply(consumer, 7);
        assertEquals(Set.of(), consumer.paused());
        b.apply(consumer, 8);
        assertEquals(Set.of(P0, P1), consumer.paused());
        b.apply(consumer, 4);
        assertEquals(Set.of(P0, P1), consumer.paused(), "still paused until half have drained");
        b.apply(consumer, 3);
        assertEquals(Set.of(), consumer.paused());
        assertFalse(b.isPaused());
    }

    /**
     * The crash two extractor processes hit: a paused partition moved to the other member before the resume.
     * KafkaConsumer.resume throws for a partition not assigned (its javadoc); MockConsumer does not, so this one does.
     */
    @Test
    void resumesOnlyThePartitionsStillAssignedAfterARebalance() {
        final MockConsumer<String, byte[]> consumer = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name()) {
            @Override
            public synchronized void resume(final java.util.Collection<TopicPartition> partitions) {
                for (final TopicPartition tp : partitions) {
                    if (!assignment().contains(tp)) {
                        throw new IllegalStateException("No current assignment for partition " + tp);
                    }
                }
                super.resume(partitions);
            }
        };
        consumer.assign(List.of(P0, P1));
        final Backpressure b = new Backpressure(4);
        b.apply(consumer, 4);
        assertTrue(b.isPaused());
        consumer.assign(List.of(P0)); // the rebalance gave P1 to the new member
        b.apply(consumer, 0);
        assertFalse(consumer.paused().contains(P0), "the partition it kept is resumed");
        assertFalse(b.isPaused());
    }
}
