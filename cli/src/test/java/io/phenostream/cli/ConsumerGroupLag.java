package io.phenostream.cli;

import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.kafka.KafkaClientConfigs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Consumer lag of consumer groups, from the Admin API: the committed offset of each group against the log end
 * offset of every partition of its input topics (the partitions its members are assigned, plus any it committed).
 *
 * <p>What "zero" means: every record a {@code read_committed} consumer would be given has been consumed and
 * committed. That is not always committed offset == log end offset. A transaction's commit marker takes an offset
 * of its own after the transaction's last record, and a consumer that commits "last record + 1" (the results sink,
 * reading the scorer's exactly-once output) legitimately sits one short of the log end for ever. So a partition
 * whose committed offset is below the log end is read from the committed offset to the log end by a
 * {@code read_committed} consumer outside any group: it lags when that read returns a record (a committed data
 * record nobody consumed) or cannot reach the log end (an open transaction: its records may yet commit). The
 * offsets skipped without a record are {@code markers} (commit/abort markers, aborted records).
 */
final class ConsumerGroupLag implements AutoCloseable {

    /** Longest read of the partitions' tails; a gap of markers is crossed in one or two fetches. */
    private static final Duration TAIL_READ = Duration.ofSeconds(2);

    /** One group's state at one moment. */
    record GroupLag(String group, int partitions, long unread, long markers, List<String> lagging) {
    }

    /** Every group's state at one moment. */
    record Snapshot(List<GroupLag> groups) {
        long unread() {
            return groups.stream().mapToLong(GroupLag::unread).sum();
        }

        long markers() {
            return groups.stream().mapToLong(GroupLag::markers).sum();
        }

        boolean isZero() {
            return groups.stream().allMatch(g -> g.lagging().isEmpty() && g.partitions() > 0);
        }

        @Override
        public String toString() {
            return groups.stream().map(g -> g.group() + ": " + g.partitions() + " partitions, " + g.unread()
                + " unread, " + g.markers() + " marker offsets" + (g.lagging().isEmpty() ? "" : " " + g.lagging()))
                .collect(Collectors.joining("; "));
        }
    }

    /** A range of offsets of one partition. */
    private record Gap(TopicPartition partition, long from, long end) {
    }

    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> tailReader;
    /** Per partition, the last range found to hold markers only (one per partition: the test's heap stays flat). */
    private final Map<TopicPartition, Gap> markerOnly = new HashMap<>();

    ConsumerGroupLag(final PhenoConfig config) {
        this.admin = Admin.create(KafkaClientConfigs.connection(config));
        final Properties p = KafkaClientConfigs.connection(config);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "soak-lag-tail-reader");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // At the end of a partition a fetch waits this long for data that will not come.
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.tailReader = new KafkaConsumer<>(p);
    }

    /**
     * Polls until every group has zero lag, or {@code timeout} passed; returns the last snapshot either way (check
     * {@link Snapshot#isZero()}). {@code onFirst} sees the first snapshot (for the log: what lagged at first).
     */
    Snapshot awaitZero(final Collection<String> groups, final Duration timeout,
                       final Consumer<Snapshot> onFirst) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        Snapshot s = snapshot(groups);
        onFirst.accept(s);
        while (!s.isZero() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            s = snapshot(groups);
        }
        return s;
    }

    Snapshot snapshot(final Collection<String> groups) {
        try {
            final Map<String, ConsumerGroupDescription> described = admin.describeConsumerGroups(groups).all().get();
            final List<GroupLag> out = new ArrayList<>();
            for (final String group : groups) {
                out.add(groupLag(group, described.get(group)));
            }
            return new Snapshot(out);
        } catch (final ExecutionException e) {
            throw new IllegalStateException("Admin call failed: " + e.getCause(), e.getCause());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private GroupLag groupLag(final String group, final ConsumerGroupDescription description)
        throws ExecutionException, InterruptedException {
        final Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata().get();
        final Set<TopicPartition> partitions = new HashSet<>();
        committed.forEach((tp, om) -> {
            if (om != null) {
                partitions.add(tp);
            }
        });
        if (description != null) {
            for (final MemberDescription m : description.members()) {
                partitions.addAll(m.assignment().topicPartitions());
            }
        }
        if (partitions.isEmpty()) {
            return new GroupLag(group, 0, 0, 0, List.of("no partitions assigned or committed"));
        }
        final Map<TopicPartition, Long> logEnd = offsets(partitions, OffsetSpec.latest());
        final Map<TopicPartition, Long> logStart = offsets(partitions, OffsetSpec.earliest());
        final Map<TopicPartition, long[]> gaps = new HashMap<>();
        for (final TopicPartition tp : partitions) {
            final OffsetAndMetadata om = committed.get(tp);
            // Nothing committed: the group starts from the earliest offset (auto.offset.reset=earliest).
            final long from = om == null ? logStart.get(tp) : om.offset();
            final long end = logEnd.get(tp);
            if (from < end) {
                gaps.put(tp, new long[] {from, end});
            }
        }
        final Map<TopicPartition, Long> records = committedRecordsIn(gaps);
        long unread = 0;
        long markers = 0;
        final List<String> lagging = new ArrayList<>();
        for (final Map.Entry<TopicPartition, long[]> e : gaps.entrySet()) {
            final long n = records.get(e.getKey());
            if (n == 0) {
                markers += e.getValue()[1] - e.getValue()[0];
            } else {
                unread += Math.max(n, 0);
                lagging.add(e.getKey() + " committed " + e.getValue()[0] + " log end " + e.getValue()[1]
                    + (n < 0 ? " (open transaction)" : ", " + n + " unread"));
            }
        }
        return new GroupLag(group, partitions.size(), unread, markers, lagging);
    }

    private Map<TopicPartition, Long> offsets(final Set<TopicPartition> partitions, final OffsetSpec spec)
        throws ExecutionException, InterruptedException {
        final Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        // read_uncommitted: the high watermark, i.e. the log end on a one-broker cluster, markers included.
        final Map<TopicPartition, ListOffsetsResultInfo> info = admin.listOffsets(request,
            new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get();
        final Map<TopicPartition, Long> out = new HashMap<>();
        info.forEach((tp, i) -> out.put(tp, i.offset()));
        return out;
    }

    /**
     * Per partition, the records a read_committed consumer gets from {@code [from, end)}; -1 when it cannot reach
     * {@code end} within {@link #TAIL_READ} (a transaction still open holds the last stable offset back). All
     * partitions are read together; a range already found empty is not read again (offsets never change meaning).
     */
    private Map<TopicPartition, Long> committedRecordsIn(final Map<TopicPartition, long[]> gaps) {
        final Map<TopicPartition, Long> out = new HashMap<>();
        final Map<TopicPartition, long[]> toRead = new HashMap<>();
        gaps.forEach((tp, range) -> {
            out.put(tp, 0L);
            if (!new Gap(tp, range[0], range[1]).equals(markerOnly.get(tp))) {
                toRead.put(tp, range);
            }
        });
        if (toRead.isEmpty()) {
            return out;
        }
        tailReader.assign(toRead.keySet());
        toRead.forEach((tp, range) -> tailReader.seek(tp, range[0]));
        final long deadline = System.nanoTime() + TAIL_READ.toNanos();
        while (toRead.entrySet().stream().anyMatch(e -> tailReader.position(e.getKey()) < e.getValue()[1])) {
            if (System.nanoTime() > deadline) {
                toRead.forEach((tp, range) -> {
                    if (tailReader.position(tp) < range[1] && out.get(tp) == 0) {
                        out.put(tp, -1L);
                    }
                });
                return out;
            }
            for (final ConsumerRecord<byte[], byte[]> r : tailReader.poll(Duration.ofMillis(50))) {
                final TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                if (r.offset() < toRead.get(tp)[1]) {
                    out.merge(tp, 1L, Long::sum);
                }
            }
        }
        toRead.forEach((tp, range) -> {
            if (out.get(tp) == 0) {
                markerOnly.put(tp, new Gap(tp, range[0], range[1]));
            }
        });
        return out;
    }

    @Override
    public void close() {
        tailReader.close();
        admin.close();
    }
}
