package io.phenostream.extractor;

import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Pauses every assigned partition when the sites in flight reach the bound and resumes them once half have
 * drained; the consumer keeps polling meanwhile, so it stays in its group. Only the poll thread calls it.
 *
 * <p>A rebalance may take paused partitions away before they are resumed, and resuming a partition this member no
 * longer owns throws ("No current assignment"): seen with two extractor processes, where it killed the poll loop
 * of both. So only the partitions still assigned are resumed.
 */
final class Backpressure {

    private final int maxInFlight;
    private final Set<TopicPartition> paused = new HashSet<>();

    Backpressure(final int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    /** After each poll: pause or resume according to the sites in flight. */
    void apply(final Consumer<?, ?> consumer, final int inFlight) {
        if (inFlight >= maxInFlight && paused.isEmpty()) {
            paused.addAll(consumer.assignment());
            consumer.pause(paused);
        } else if (inFlight < maxInFlight / 2 && !paused.isEmpty()) {
            paused.retainAll(consumer.assignment());
            consumer.resume(paused);
            paused.clear();
        }
    }

    boolean isPaused() {
        return !paused.isEmpty();
    }
}
