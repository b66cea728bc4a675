package io.phenostream.extractor;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of each partition are in flight and which are done, so the worker commits, per partition, only
 * up to the first site still in flight: sites finish out of order (a slow site must not hold back the others'
 * work), but a committed offset always means every site before it has its outputs durably written.
 */
final class OffsetTracker {

    private final Map<TopicPartition, TreeMap<Long, Boolean>> partitions = new HashMap<>();
    private int inFlight;

    synchronized void track(final TopicPartition tp, final long offset) {
        if (partitions.computeIfAbsent(tp, k -> new TreeMap<>()).put(offset, false) == null) {
            inFlight++;
        }
    }

    /** Marks a site done; ignored when its partition was revoked meanwhile (the new owner redoes it). */
    synchronized void done(final TopicPartition tp, final long offset) {
        final TreeMap<Long, Boolean> offsets = partitions.get(tp);
        if (offsets != null && Boolean.FALSE.equals(offsets.get(offset))) {
            offsets.put(offset, true);
            inFlight--;
        }
    }

    synchronized int inFlight() {
        return inFlight;
    }

    /** The offsets to commit: per partition, one past the last site of its done prefix; the prefix is dropped. */
    synchronized Map<TopicPartition, OffsetAndMetadata> committable() {
        final Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (final Map.Entry<TopicPartition, TreeMap<Long, Boolean>> e : partitions.entrySet()) {
            final TreeMap<Long, Boolean> offsets = e.getValue();
            Long next = null;
            while (!offsets.isEmpty() && offsets.firstEntry().getValue()) {
                next = offsets.pollFirstEntry().getKey() + 1;
            }
            if (next != null) {
                out.put(e.getKey(), new OffsetAndMetadata(next));
            }
        }
        return out;
    }

    /** Forgets revoked partitions: their sites in flight no longer count and will not be committed. */
    synchronized void forget(final Collection<TopicPartition> revoked) {
        for (final TopicPartition tp : revoked) {
            final TreeMap<Long, Boolean> offsets = partitions.remove(tp);
            if (offsets != null) {
                inFlight -= (int) offsets.values().stream().filter(d -> !d).count();
            }
        }
    }
}
