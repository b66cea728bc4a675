package io.phenostream.scorer.query;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * Which stores are restoring from their changelogs right now, and how many records each has restored. A store
 * that is restoring answers queries from a partial state, and with the state updater its task may already count
 * as active and its thread as RUNNING, so {@link ScorerQueries} asks this tracker instead of trusting the state.
 * Called from the Streams threads: thread-safe.
 */
public final class StoreRestoreTracker implements StateRestoreListener {

    private final Map<String, Set<TopicPartition>> restoring = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> restored = new ConcurrentHashMap<>();

    @Override
    public void onRestoreStart(final TopicPartition partition, final String storeName, final long startingOffset,
                               final long endingOffset) {
        restoring.computeIfAbsent(storeName, s -> ConcurrentHashMap.newKeySet()).add(partition);
    }

    @Override
    public void onBatchRestored(final TopicPartition partition, final String storeName, final long batchEndOffset,
                                final long numRestored) {
        restored.computeIfAbsent(storeName, s -> new AtomicLong()).addAndGet(numRestored);
    }

    @Override
    public void onRestoreEnd(final TopicPartition partition, final String storeName, final long totalRestored) {
        done(partition, storeName);
    }

    @Override
    public void onRestoreSuspended(final TopicPartition partition, final String storeName, final long totalRestored) {
        done(partition, storeName); // the task moved away: this instance no longer serves that partition
    }

    private void done(final TopicPartition partition, final String storeName) {
        final Set<TopicPartition> partitions = restoring.get(storeName);
        if (partitions != null) {
            partitions.remove(partition);
        }
    }

    /** Number of changelog partitions of {@code storeName} being restored now. */
    public int restoringPartitions(final String storeName) {
        final Set<TopicPartition> partitions = restoring.get(storeName);
        return partitions == null ? 0 : partitions.size();
    }

    /** Changelog records restored so far, per store, since this instance started. */
    public Map<String, Long> restoredRecords() {
        final Map<String, Long> out = new TreeMap<>();
        restored.forEach((store, n) -> out.put(store, n.get()));
        return out;
    }
}
