package io.phenostream.sink;

import com.zaxxer.hikari.HikariDataSource;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.events.CompoundScore;
import io.phenostream.common.events.DeadLetter;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.PlateQc;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.events.Versioned;
import io.phenostream.common.events.WellProfile;
import io.phenostream.common.json.JsonSerde;
import io.phenostream.common.kafka.DeadLetters;
import io.phenostream.common.kafka.KafkaClientConfigs;
import io.phenostream.common.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.sql.DataSource;
import io.phenostream.common.kafka.BrokerConnections;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the result topics (plate-runs, site-features, well-profiles, compound-scores, plate-qc) and upserts
 * them into PostgreSQL. Per poll: decode every record, write the good ones in one transaction, dead-letter the
 * undecodable ones, and only then commit the offsets. A database failure commits nothing: the consumer seeks
 * back to the first record of the poll and retries with exponential backoff, so no record is lost; the upserts
 * make the re-delivery harmless.
 *
 * <p>Run it on its own thread ({@link #run()}); {@link #close()} from any thread stops it.
 */
public final class ResultsSinkService implements Runnable, AutoCloseable {

    public static final String GROUP_ID = "phenostream-results-sink";
    public static final String STAGE = "results-sink";

    private static final Logger LOG = LoggerFactory.getLogger(ResultsSinkService.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final long MAX_BACKOFF_MS = 30_000;
    private static final long CLOSE_TIMEOUT_MS = 30_000;

    private final Consumer<String, byte[]> consumer;
    private final Producer<String, byte[]> deadLetterProducer;
    private final BatchWriter writer;
    private final String deadLetterTopic;
    private final Map<String, Function<ConsumerRecord<String, byte[]>, Object>> decoders = new LinkedHashMap<>();
    private final JsonSerde<DeadLetter> deadLetterSerde = EventSerdes.deadLetter();
    private final long initialBackoffMs;
    /** The connection pool this sink opened itself (null when the writer was given): closed with the clients. */
    private final AutoCloseable ownedPool;

    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean failing;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch closeRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    private final AtomicLong recordsWritten = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong tombstonesSkipped = new AtomicLong();
    private final AtomicLong writeFailures = new AtomicLong();
    private final AtomicLong batchesCommitted = new AtomicLong();
    private final AtomicLong commitTimeouts = new AtomicLong();

    /**
     * A sink on the configured Kafka ({@code phenostream.kafka.bootstrap}) and PostgreSQL
     * ({@code phenostream.db.url/user/password}); migrates the schema first.
     */
    public ResultsSinkService(final PhenoConfig config) {
        this(config, openPool(config));
    }

    private ResultsSinkService(final PhenoConfig config, final HikariDataSource pool) {
        this(config,
            new KafkaConsumer<>(KafkaClientConfigs.consumer(config, GROUP_ID, STAGE + "-" + UUID.randomUUID())),
            new KafkaProducer<>(KafkaClientConfigs.producer(config, STAGE + "-dlq-" + UUID.randomUUID())),
            new ResultsStore(pool), 100, pool);
    }

    /**
     * A sink on the given clients (tests: MockConsumer, MockProducer). It owns them: {@link #close()} closes
     * them.
     *
     * @param initialBackoffMs first retry delay after a failed write; doubles up to 30 s
     */
    public ResultsSinkService(final PhenoConfig config, final Consumer<String, byte[]> consumer,
                              final Producer<String, byte[]> deadLetterProducer, final BatchWriter writer,
                              final long initialBackoffMs) {
        this(config, consumer, deadLetterProducer, writer, initialBackoffMs, null);
    }

    private ResultsSinkService(final PhenoConfig config, final Consumer<String, byte[]> consumer,
                               final Producer<String, byte[]> deadLetterProducer, final BatchWriter writer,
                               final long initialBackoffMs, final AutoCloseable ownedPool) {
        this.ownedPool = ownedPool;
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.deadLetterProducer = Objects.requireNonNull(deadLetterProducer, "deadLetterProducer");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.initialBackoffMs = Math.max(1, initialBackoffMs);
        this.deadLetterTopic = config.topic(Topics.DEAD_LETTERS);
        decoders.put(config.topic(Topics.PLATE_RUNS), decoder(EventSerdes.plateRun(), ResultsSinkService::check));
        decoders.put(config.topic(Topics.SITE_FEATURES), decoder(EventSerdes.siteFeatures(), ResultsSinkService::check));
        decoders.put(config.topic(Topics.WELL_PROFILES), decoder(EventSerdes.wellProfile(), ResultsSinkService::check));
        decoders.put(config.topic(Topics.COMPOUND_SCORES),
            decoder(EventSerdes.compoundScore(), ResultsSinkService::check));
        decoders.put(config.topic(Topics.PLATE_QC), decoder(EventSerdes.plateQc(), ResultsSinkService::check));
    }

    /** The writer's connections (one writes; one spare for a reconnect), on a migrated schema. */
    private static HikariDataSource openPool(final PhenoConfig config) {
        final DataSource ds = ResultsDatabase.dataSource(config);
        final int applied = ResultsDatabase.migrate(ds);
        LOG.info("Results database ready ({} migrations applied)", applied);
        return ResultsDatabase.pooled(ds, STAGE, 2, false);
    }

    /** The topics the sink reads, with the configured prefix. */
    public List<String> topics() {
        return List.copyOf(decoders.keySet());
    }

    @Override
    public void run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("ResultsSinkService is already running");
        }
        try {
            consumer.subscribe(topics());
            LOG.info("Results sink consuming {}", topics());
            long backoffMs = initialBackoffMs;
            while (!closing.get()) {
                final ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
                if (records.isEmpty()) {
                    continue;
                }
                final Map<TopicPartition, OffsetAndMetadata> offsets;
                try {
                    offsets = processBatch(records);
                } catch (final WakeupException e) {
                    throw e;
                } catch (final RuntimeException e) {
                    failing = true;
                    writeFailures.incrementAndGet();
                    LOG.warn("Writing {} records failed; nothing committed, retrying in {} ms: {}", records.count(),
                        backoffMs, e.toString());
                    rewind(records);
                    if (closeRequested.await(backoffMs, TimeUnit.MILLISECONDS)) {
                        break;
                    }
                    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
                    continue;
                }
                backoffMs = initialBackoffMs;
                commit(offsets);
                failing = false;
            }
        } catch (final WakeupException e) {
            if (!closing.get()) {
                throw e;
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeClients();
            stopped.countDown();
        }
    }

    /**
     * The work of one poll, without the consumer: decodes every record; writes the good ones in one transaction;
     * sends the undecodable ones (and any the database refuses as invalid data) to the dead-letter topic and
     * waits for the broker's acknowledgement. Returns the offsets to commit: past the last record of each
     * partition. Throws, having committed nothing, when the database or the dead-letter topic fails.
     */
    public Map<TopicPartition, OffsetAndMetadata> processBatch(final ConsumerRecords<String, byte[]> records) {
        final List<ConsumerRecord<String, byte[]>> good = new ArrayList<>();
        final List<Object> events = new ArrayList<>();
        final List<ProducerRecord<String, byte[]>> dead = new ArrayList<>();
        final Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        long tombstones = 0;
        for (final ConsumerRecord<String, byte[]> r : records) {
            offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
            if (r.value() == null) {
                tombstones++; // compaction tombstone: results are kept, nothing to write
                continue;
            }
            try {
                events.add(decode(r));
                good.add(r);
            } catch (final RuntimeException e) {
                dead.add(deadLetter(r, e.getMessage(), e));
            }
        }
        int refused = 0;
        try {
            writer.write(Batch.of(events));
        } catch (final ResultsStoreException e) {
            if (!e.isDataError()) {
                throw e;
            }
            // One record the database refuses must not block the partition: find it, write the rest.
            LOG.warn("Database refused a batch of {} records ({}); writing them one by one", events.size(),
                e.getMessage());
            for (int i = 0; i < events.size(); i++) {
                try {
                    writer.write(Batch.of(events.get(i)));
                } catch (final ResultsStoreException one) {
                    if (!one.isDataError()) {
                        throw one;
                    }
                    refused++;
                    dead.add(deadLetter(good.get(i), "results database refused the record: " + one.getMessage(), one));
                }
            }
        }
        sendDeadLetters(dead);
        recordsWritten.addAndGet(events.size() - refused);
        tombstonesSkipped.addAndGet(tombstones);
        deadLettered.addAndGet(dead.size());
        return offsets;
    }

    private Object decode(final ConsumerRecord<String, byte[]> r) {
        final Function<ConsumerRecord<String, byte[]>, Object> decoder = decoders.get(r.topic());
        if (decoder == null) {
            throw new IllegalArgumentException("Topic " + r.topic() + " is not a results topic");
        }
        return decoder.apply(r);
    }

    private static <T extends Versioned> Function<ConsumerRecord<String, byte[]>, Object> decoder(
        final JsonSerde<T> serde, final java.util.function.Consumer<T> check) {
        return r -> {
            final T value = serde.deserialize(r.topic(), r.value());
            check.accept(value);
            return value;
        };
    }

    private ProducerRecord<String, byte[]> deadLetter(final ConsumerRecord<String, byte[]> r, final String reason,
                                                      final Throwable error) {
        final String where = r.topic() + "-" + r.partition() + "@" + r.offset();
        final DeadLetter letter = DeadLetters.of(STAGE, reason, error, r.topic(), r.partition(), r.offset(),
            r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8), r.value());
        LOG.warn("Dead-lettering {} (key {}): {}", where, r.key(), reason);
        return new ProducerRecord<>(deadLetterTopic, r.key(), deadLetterSerde.serialize(deadLetterTopic, letter));
    }

    private void sendDeadLetters(final List<ProducerRecord<String, byte[]>> dead) {
        if (dead.isEmpty()) {
            return;
        }
        final List<Future<RecordMetadata>> acks = new ArrayList<>(dead.size());
        for (final ProducerRecord<String, byte[]> d : dead) {
            acks.add(deadLetterProducer.send(d));
        }
        deadLetterProducer.flush();
        for (final Future<RecordMetadata> ack : acks) {
            try {
                ack.get();
            } catch (final ExecutionException e) {
                throw new IllegalStateException("Cannot write to dead-letter topic " + deadLetterTopic + ": "
                    + e.getCause(), e.getCause());
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while writing to " + deadLetterTopic, e);
            }
        }
    }

    // Back to the first record of the failed poll, so the next poll re-delivers it.
    private void rewind(final ConsumerRecords<String, byte[]> records) {
        for (final TopicPartition tp : records.partitions()) {
            try {
                consumer.seek(tp, records.records(tp).get(0).offset());
            } catch (final IllegalStateException e) {
                LOG.info("Partition {} was revoked; its new owner re-reads from the committed offset", tp);
            }
        }
    }

    private void commit(final Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            consumer.commitSync(offsets);
            batchesCommitted.incrementAndGet();
        } catch (final CommitFailedException | RebalanceInProgressException e) {
            // The rows are written; the partitions' next owner re-reads them and the upserts absorb that.
            LOG.warn("Offset commit failed after a rebalance; records will be re-delivered: {}", e.toString());
        } catch (final RetriableException e) {
            // The brokers have been away longer than the commit waits (default.api.timeout.ms, 60 s). The rows are
            // written and the next commit carries later offsets, so keep going rather than let the worker die; a
            // restart before then re-reads these records and the upserts absorb that.
            commitTimeouts.incrementAndGet();
            LOG.warn("Offset commit timed out (Kafka unreachable?); the next commit covers these records: {}",
                e.toString());
        }
    }

    // ------------------------------------------------------------------ validation

    private static void check(final PlateRun r) {
        require("plate-run", r.runKey(), r.experimentId(), "experimentId", r.plateId(), "plateId", r.runId(), "runId");
    }

    private static void check(final SiteFeatures s) {
        require("site-features", s.analysisId() + "|" + s.experimentId() + "/" + s.plateId(), s.analysisId(),
            "analysisId", s.experimentId(), "experimentId", s.plateId(), "plateId", s.runId(), "runId");
        requireNonNull("site-features", s.well(), "well");
    }

    private static void check(final WellProfile w) {
        require("well-profile", w.analysisId() + "|" + w.experimentId() + "/" + w.plateId(), w.analysisId(),
            "analysisId", w.experimentId(), "experimentId", w.plateId(), "plateId", w.runId(), "runId");
        requireNonNull("well-profile", w.well(), "well");
    }

    private static void check(final CompoundScore c) {
        require("compound-score", c.analysisId() + "|" + c.experimentId(), c.analysisId(), "analysisId",
            c.experimentId(), "experimentId", c.compound(), "compound");
    }

    private static void check(final PlateQc q) {
        require("plate-qc", q.analysisId() + "|" + q.experimentId() + "/" + q.plateId(), q.analysisId(),
            "analysisId", q.experimentId(), "experimentId", q.plateId(), "plateId", q.runId(), "runId");
    }

    // Key fields are the table's primary key: a record without them cannot be stored anywhere.
    private static void require(final String type, final String key, final String... valueThenName) {
        for (int i = 0; i < valueThenName.length; i += 2) {
            if (valueThenName[i] == null || valueThenName[i].isBlank()) {
                throw new IllegalArgumentException(type + " record " + key + " has no " + valueThenName[i + 1]);
            }
        }
    }

    private static void requireNonNull(final String type, final Object value, final String name) {
        if (value == null) {
            throw new IllegalArgumentException(type + " record has no " + name);
        }
    }

    // ------------------------------------------------------------------ metrics and lifecycle

    /** Result events written to the database (duplicates in one poll included). */
    /** Whether run() was entered (the poll loop has started, or already ended). */
    public boolean hasStarted() {
        return started.get();
    }

    /** Whether the poll loop runs (started and not stopped). */
    public boolean isRunning() {
        return started.get() && stopped.getCount() > 0 && !closing.get();
    }

    /**
     * Open connections of its Kafka consumer (0 while the brokers are away: the consumer reconnects on its own
     * and the loop keeps polling; readiness says so). Safe from any thread.
     */
    public int brokerConnections() {
        return BrokerConnections.count(consumer.metrics());
    }

    /** Running and its last write did not fail: the database takes what the topics bring (readiness). */
    public boolean isWriting() {
        return isRunning() && !failing;
    }

    public long recordsWritten() {
        return recordsWritten.get();
    }

    /** Records sent to the dead-letter topic. */
    public long deadLettered() {
        return deadLettered.get();
    }

    /** Compaction tombstones (null values) skipped. */
    public long tombstonesSkipped() {
        return tombstonesSkipped.get();
    }

    /** Polls whose write failed and was retried. */
    public long writeFailures() {
        return writeFailures.get();
    }

    /** Polls written and committed. */
    public long batchesCommitted() {
        return batchesCommitted.get();
    }

    /** Offset commits that timed out (Kafka unreachable); the rows were written and a later commit covers them. */
    public long commitTimeouts() {
        return commitTimeouts.get();
    }

    /** Stops the loop (waking a blocked poll) and waits for it to close the clients. */
    @Override
    public void close() {
        closing.set(true);
        closeRequested.countDown();
        if (!started.get()) {
            if (started.compareAndSet(false, true)) {
                closeClients();
                stopped.countDown();
                return;
            }
        }
        consumer.wakeup();
        try {
            if (!stopped.await(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                LOG.warn("Results sink did not stop within {} ms", CLOSE_TIMEOUT_MS);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeClients() {
        try {
            consumer.close();
        } catch (final RuntimeException e) {
            LOG.warn("Closing the consumer failed: {}", e.toString());
        }
        try {
            deadLetterProducer.close(Duration.ofSeconds(10));
        } catch (final RuntimeException e) {
            LOG.warn("Closing the dead-letter producer failed: {}", e.toString());
        }
        if (ownedPool != null) {
            try {
                ownedPool.close();
            } catch (final Exception e) {
                LOG.warn("Closing the database connections failed: {}", e.toString());
            }
        }
    }
}
