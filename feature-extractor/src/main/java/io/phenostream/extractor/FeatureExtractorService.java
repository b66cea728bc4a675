package io.phenostream.extractor;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.events.DeadLetter;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.ImageSet;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.json.JsonSerde;
import io.phenostream.common.kafka.BrokerConnections;
import io.phenostream.common.kafka.DeadLetters;
import io.phenostream.common.kafka.KafkaClientConfigs;
import io.phenostream.common.kafka.Topics;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.common.s3.S3ClientFactory;
import io.phenostream.extractor.analysis.SiteAnalysis;
import io.phenostream.extractor.embedding.CropEmbedder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A feature-extractor worker: a member of the {@value #GROUP_ID} consumer group on {@code image-sets} (or, on the
 * {@link ExtractorLane#REPLAY replay lane}, of its own group on {@code image-sets-replay}), built as
 * a pipeline rather than a loop. The poll thread hands each site to a chain of stages: fetch from S3 on I/O
 * threads, decode/segment/measure on a CPU pool (one thread per core), embedding (batched across sites, when
 * the analysis names a model), the per-cell table and label image to S3 on I/O threads of their own, then the
 * site-features record. Sites
 * flow through independently, so a slow site does not stall the others.
 *
 * <p>Backpressure: at most {@code max.in.flight} sites are between poll and commit; above that the consumer
 * pauses its partitions (still polling, so it stays in the group). Offsets are committed per partition only up
 * to the first site whose outputs are not yet acknowledged ({@link OffsetTracker}): a crash re-does work but
 * never loses a site, and a re-done site produces the same keys, which downstream stages replace rather than
 * double count. A site that cannot be fetched, decoded or analysed goes to {@code dead-letters} with the reason,
 * and a FAILED site-features record lets its plate complete; the worker keeps going.
 */
public final class FeatureExtractorService implements AutoCloseable {

    public static final String GROUP_ID = "phenostream-feature-extractor";
    public static final String STAGE = "feature-extractor";
    private static final Logger LOG = LoggerFactory.getLogger(FeatureExtractorService.class);

    private final PhenoConfig config;
    private final ExtractorLane lane;
    private final Consumer<String, byte[]> consumer;
    private final Producer<String, byte[]> producer;
    private final ObjectStore store;
    private final SiteProcessor processor;
    private final EmbeddingModels models;
    private final CellDataSink cellData;
    /**
     * S3 GETs of new sites, and beside it S3 PUTs of finished ones: with one pool for both, a site's fetch queued
     * behind every store already waiting (fetch and store took as long as analyze per site in the pipeline
     * benchmark, both mostly waiting for the shared pool; benchmarks/RESULTS.md), and the CPU pool waited for
     * images. Each has {@code phenostream.extractor.io-threads} threads.
     */
    private final ExecutorService fetchIo;
    private final ExecutorService storeIo;
    private final ExecutorService cpu;
    /**
     * Hands analysed sites' crops to the model. Its own thread: on the CPU pool the hand-off queued behind every
     * analysis waiting there and the model sat idle 90% of the time (benchmarks/RESULTS.md). It blocks while the
     * model's queue is full, which holds sites in the bounded in-flight set: backpressure onto the poll loop.
     */
    private final ExecutorService embedHandOff;
    private final OffsetTracker offsets = new OffsetTracker();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ExtractorMetrics metrics;
    private final int maxInFlight;
    private final long commitIntervalNanos;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile boolean killed;
    private volatile boolean polled;
    private final JsonSerde<ImageSet> imageSets = EventSerdes.imageSet();
    private final JsonSerde<SiteFeatures> siteFeatures = EventSerdes.siteFeatures();
    private final JsonSerde<DeadLetter> deadLetters = EventSerdes.deadLetter();
    private volatile Throwable fatal;
    private Thread thread;

    /** A worker writing per-cell Parquet tables to the configured S3 bucket. */
    public FeatureExtractorService(final PhenoConfig config, final String clientId) {
        this(config, clientId, Metrics.globalRegistry, null);
    }

    /** @param cellData where per-cell rows go; null for Parquet files in the configured bucket */
    public FeatureExtractorService(final PhenoConfig config, final String clientId, final MeterRegistry registry,
                                   final CellDataSink cellData) {
        this(config, clientId, registry, cellData, ExtractorLane.LIVE);
    }

    /** A worker on {@code lane}'s topic and consumer group, writing Parquet to the configured bucket. */
    public FeatureExtractorService(final PhenoConfig config, final String clientId, final ExtractorLane lane) {
        this(config, clientId, Metrics.globalRegistry, null, lane);
    }

    /**
     * @param cellData where per-cell rows go; null for Parquet files in the configured bucket
     * @param lane     live image-sets or replays
     */
    public FeatureExtractorService(final PhenoConfig config, final String clientId, final MeterRegistry registry,
                                   final CellDataSink cellData, final ExtractorLane lane) {
        this.config = config;
        this.lane = lane;
        final int threads = lane.threads(config);
        // Enough sites in flight to keep every stage busy while S3 and Kafka answer; few enough to bound memory.
        this.maxInFlight = threads * 4;
        this.commitIntervalNanos = TimeUnit.MILLISECONDS.toNanos(config.getInt(ConfigKey.EXTRACTOR_COMMIT_INTERVAL_MS));
        final Properties consumerConfig = KafkaClientConfigs.consumer(config, lane.groupId(), clientId);
        // One poll must not start more sites than the bound: pausing only takes effect at the next poll, and
        // Kafka's default of 500 records put 192 sites in flight against a bound of 8 (benchmarks/RESULTS.md).
        consumerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxInFlight);
        this.consumer = new KafkaConsumer<>(consumerConfig);
        this.producer = new KafkaProducer<>(KafkaClientConfigs.producer(config, clientId));
        this.store = new ObjectStore(S3ClientFactory.create(config), config.require(ConfigKey.S3_BUCKET));
        this.models = new EmbeddingModels(config, registry);
        this.processor = new SiteProcessor(store, models, config.getInt(ConfigKey.IMAGE_MAX_PIXELS),
            Long.parseLong(config.require(ConfigKey.EXTRACTOR_S3_RETRY_MS)));
        this.cellData = cellData != null ? cellData : new ParquetCellData(store);
        final int ioThreads = ioThreads(config, threads);
        this.fetchIo = Executors.newFixedThreadPool(ioThreads, daemon("extractor-io-fetch-" + clientId));
        this.storeIo = Executors.newFixedThreadPool(ioThreads, daemon("extractor-io-store-" + clientId));
        this.cpu = Executors.newFixedThreadPool(threads, daemon("extractor-cpu-" + clientId));
        this.embedHandOff = Executors.newSingleThreadExecutor(daemon("extractor-embed-" + clientId));
        this.metrics = new ExtractorMetrics(registry, inFlight, lane.name().toLowerCase(java.util.Locale.ROOT));
    }

    /** {@code phenostream.extractor.io-threads}, or max(2, analysis threads) when it is 0. */
    static int ioThreads(final PhenoConfig config, final int analysisThreads) {
        final int n = config.getInt(ConfigKey.EXTRACTOR_IO_THREADS);
        if (n < 0) {
            throw new IllegalArgumentException(ConfigKey.EXTRACTOR_IO_THREADS.key() + " must be >= 0, got " + n);
        }
        return n > 0 ? n : Math.max(2, analysisThreads);
    }

    private static java.util.concurrent.ThreadFactory daemon(final String name) {
        final AtomicInteger n = new AtomicInteger();
        return r -> {
            final Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Starts polling on a thread of its own. */
    public FeatureExtractorService start() {
        thread = new Thread(this::run, "feature-extractor-poll");
        thread.start();
        return this;
    }

    void run() {
        try {
            consumer.subscribe(List.of(config.topic(lane.topic())), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(final Collection<TopicPartition> revoked) {
                    if (!killed) {
                        // consumer.close() revokes too: a killed worker must not commit what a crash would not
                        commitDone();
                    }
                    offsets.forget(revoked);
                }

                @Override
                public void onPartitionsAssigned(final Collection<TopicPartition> assigned) {
                }

                @Override
                public void onPartitionsLost(final Collection<TopicPartition> lost) {
                    offsets.forget(lost);
                }
            });
            long lastCommit = System.nanoTime();
            final Backpressure backpressure = new Backpressure(maxInFlight);
            while (running.get()) {
                if (fatal != null) {
                    throw new IllegalStateException("A pipeline stage failed: " + fatal.getMessage(), fatal);
                }
                final var polledRecords = consumer.poll(Duration.ofMillis(100));
                polled = true;
                for (final ConsumerRecord<String, byte[]> record : polledRecords) {
                    final TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    offsets.track(tp, record.offset());
                    inFlight.set(offsets.inFlight());
                    startSite(tp, record);
                }
                inFlight.set(offsets.inFlight());
                backpressure.apply(consumer, offsets.inFlight());
                if (System.nanoTime() - lastCommit > commitIntervalNanos) {
                    commitDone();
                    lastCommit = System.nanoTime();
                }
            }
            if (!killed) {
                drain(Duration.ofSeconds(30));
                commitDone();
            }
        } catch (final WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } catch (final RuntimeException e) {
            LOG.error("Feature extractor stopped: {}", e.toString(), e);
            throw e;
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void commitDone() {
        final Map<TopicPartition, OffsetAndMetadata> done = offsets.committable();
        if (!done.isEmpty()) {
            consumer.commitSync(done);
        }
    }

    /** Waits (bounded) for the sites in flight, so a clean stop commits them rather than leaving them to redo. */
    private void drain(final Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (offsets.inFlight() > 0 && System.nanoTime() < deadline && fatal == null) {
            try {
                Thread.sleep(20);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One site through the stages; every path ends by marking its offset done (after its outputs are acked). */
    private void startSite(final TopicPartition tp, final ConsumerRecord<String, byte[]> record) {
        final ImageSet set;
        try {
            set = imageSets.deserialize(record.topic(), record.value());
        } catch (final RuntimeException e) {
            LOG.warn("Dead-lettering unreadable image-set {}@{}: {}", record.topic(), record.offset(), e.getMessage());
            metrics.siteFailed();
            send(List.of(deadLetter(record, "unreadable image-set: " + e.getMessage(), e)))
                .whenComplete((ok, err) -> finish(tp, record, err));
            return;
        }
        stage(ExtractorMetrics.Stage.FETCH, fetchIo, () -> processor.fetch(set))
            .thenCompose(images -> stage(ExtractorMetrics.Stage.ANALYZE, cpu, () -> processor.analyze(set, images)))
            .thenCompose(analysis -> embed(set, analysis))
            .thenCompose(analysed -> stage(ExtractorMetrics.Stage.STORE, storeIo, () -> withCellData(set, analysed)))
            .thenCompose(out -> {
                final long t0 = System.nanoTime();
                metrics.enter(ExtractorMetrics.Stage.PUBLISH);
                final String topic = config.topic(Topics.SITE_FEATURES);
                return send(List.of(new ProducerRecord<>(topic, out.runKey(), siteFeatures.serialize(topic, out))))
                    .whenComplete((ok, err) -> metrics.leave(ExtractorMetrics.Stage.PUBLISH, t0))
                    .thenApply(ok -> out);
            })
            .handle((out, err) -> {
                if (err == null) {
                    metrics.siteDone(out.cellCount());
                    return CompletableFuture.<Void>completedFuture(null);
                }
                return failSite(set, record, unwrap(err));
            })
            .thenCompose(f -> f)
            .whenComplete((ok, err) -> finish(tp, record, err));
    }

    /** A site's analysis with its cells' embeddings (null without a model). */
    private record Analysed(SiteAnalysis analysis, float[][] embeddings, int embeddingDim) {
    }

    /**
     * The cells' crops join the model's batches (which span sites); the site goes on when its last crop is
     * embedded. Submitting blocks while the model's queue is full: backpressure onto the CPU stage.
     */
    private CompletableFuture<Analysed> embed(final ImageSet set, final SiteAnalysis analysis) {
        if (analysis.crops() == null) {
            return CompletableFuture.completedFuture(new Analysed(analysis, null, 0));
        }
        final CropEmbedder embedder = processor.embedderFor(set);
        final int dim = embedder.model().spec().embeddingSize();
        if (analysis.crops().count() == 0) {
            return CompletableFuture.completedFuture(new Analysed(analysis, new float[0][], dim));
        }
        final long t0 = System.nanoTime();
        metrics.enter(ExtractorMetrics.Stage.EMBED);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return embedder.submitSite(java.util.Arrays.asList(analysis.crops().crops()));
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while queueing crops", e);
            }
        }, embedHandOff).thenCompose(f -> f)
            .whenComplete((e, err) -> metrics.leave(ExtractorMetrics.Stage.EMBED, t0))
            .thenApply(embeddings -> new Analysed(analysis, embeddings, dim));
    }

    private SiteFeatures withCellData(final ImageSet set, final Analysed analysed) {
        // Masks and table are PUTs of whole objects at the site's own keys: retrying them through an outage is safe.
        final StoredCellData stored = processor.callS3("storing the cell data of " + set.siteKey(), () ->
            cellData.store(set, analysed.analysis(), analysed.embeddings(), analysed.embeddingDim()));
        return SiteProcessor.features(set, analysed.analysis(), stored == null ? StoredCellData.NOTHING : stored,
            analysed.embeddings());
    }

    private CompletableFuture<Void> failSite(final ImageSet set, final ConsumerRecord<String, byte[]> record,
                                             final Throwable error) {
        metrics.siteFailed();
        final String reason = "site " + set.siteKey() + ": " + error.getMessage();
        LOG.warn("Dead-lettering {}", reason);
        final SiteFeatures failed = SiteProcessor.failed(set, error.getMessage());
        final String topic = config.topic(Topics.SITE_FEATURES);
        return send(List.of(deadLetter(record, reason, error),
            new ProducerRecord<>(topic, failed.runKey(), siteFeatures.serialize(topic, failed))));
    }

    /** A site whose outputs could not even be published stops the worker: committing past it would lose it. */
    private void finish(final TopicPartition tp, final ConsumerRecord<String, byte[]> record, final Throwable err) {
        if (err != null) {
            fatal = unwrap(err);
            LOG.error("Cannot publish the outcome of {}@{}: {}", tp, record.offset(), fatal.getMessage());
            return;
        }
        offsets.done(tp, record.offset());
    }

    private <T> CompletableFuture<T> stage(final ExtractorMetrics.Stage stage, final ExecutorService pool,
                                           final Supplier<T> work) {
        metrics.enter(stage);
        final long queued = System.nanoTime();
        return CompletableFuture.supplyAsync(() -> {
            try {
                return work.get();
            } finally {
                metrics.leave(stage, queued);
            }
        }, pool);
    }

    private CompletableFuture<Void> send(final List<ProducerRecord<String, byte[]>> records) {
        final CompletableFuture<?>[] acks = new CompletableFuture<?>[records.size()];
        for (int i = 0; i < records.size(); i++) {
            final CompletableFuture<Void> ack = new CompletableFuture<>();
            producer.send(records.get(i), (meta, e) -> {
                if (e != null) {
                    ack.completeExceptionally(e);
                } else {
                    ack.complete(null);
                }
            });
            acks[i] = ack;
        }
        return CompletableFuture.allOf(acks);
    }

    private static Throwable unwrap(final Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private ProducerRecord<String, byte[]> deadLetter(final ConsumerRecord<String, byte[]> record, final String reason,
                                                      final Throwable error) {
        final String topic = config.topic(Topics.DEAD_LETTERS);
        final DeadLetter dl = DeadLetters.of(STAGE, reason, error, record.topic(), record.partition(), record.offset(),
            record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8), record.value());
        return new ProducerRecord<>(topic, record.key(), deadLetters.serialize(topic, dl));
    }

    public long sitesProcessed() {
        return (long) metrics.sitesOk();
    }

    public long sitesFailed() {
        return (long) metrics.sitesFailed();
    }

    public boolean isRunning() {
        return thread != null && thread.isAlive();
    }

    /** Whether S3 was unreachable at the last S3 call (sites wait and retry meanwhile). */
    public boolean s3Unavailable() {
        return processor.s3Unavailable();
    }

    /** Running, its consumer has polled the broker, and S3 and Kafka answer: able to take sites (readiness). */
    public boolean isReady() {
        return notReadyReason() == null;
    }

    /**
     * Why the worker cannot take sites now, or null when it can: what the readiness endpoint says. While S3 or the
     * brokers are away the worker keeps running (fetches retry, the Kafka clients reconnect and their sends wait),
     * so it reports not ready rather than stopping.
     */
    public String notReadyReason() {
        if (!isRunning()) {
            return "stopped";
        }
        if (fatal != null) {
            return "a pipeline stage failed: " + fatal.getMessage();
        }
        if (!polled) {
            return "not polling yet";
        }
        if (processor.s3Unavailable()) {
            return "S3 unreachable (retrying with backoff)";
        }
        if (BrokerConnections.count(consumer.metrics()) == 0) {
            return "Kafka unreachable (no connection to a broker; reconnecting)";
        }
        return null;
    }

    /** Stops: finishes the sites in flight (up to 30 s), commits them, closes the clients. */
    @Override
    public void close() {
        running.set(false);
        if (thread == null) {
            consumer.close(Duration.ofSeconds(5));
        } else {
            try {
                thread.join(40_000);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        shutdown();
    }

    /**
     * Stops as a crash would: no draining, no commit of the sites in flight (tests of recovery; a killed process
     * behaves the same way). The sites after the last commit are redone by the next worker.
     */
    public void kill() {
        killed = true;
        running.set(false);
        cpu.shutdownNow();
        embedHandOff.shutdownNow();
        fetchIo.shutdownNow();
        storeIo.shutdownNow();
        consumer.wakeup();
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        shutdown();
    }

    private void shutdown() {
        cpu.shutdownNow();
        embedHandOff.shutdownNow();
        fetchIo.shutdownNow();
        storeIo.shutdownNow();
        models.close();
        producer.close(Duration.ofSeconds(5));
        store.close();
    }
}
