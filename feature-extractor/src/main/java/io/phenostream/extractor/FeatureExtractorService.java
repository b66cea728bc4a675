package io.phenostream.extractor;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.events.DeadLetter;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.ImageSet;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.json.JsonSerde;
import io.phenostream.common.kafka.DeadLetters;
import io.phenostream.common.kafka.KafkaClientConfigs;
import io.phenostream.common.kafka.Topics;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.common.s3.S3ClientFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
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
 * A feature-extractor worker: a member of the {@value #GROUP_ID} consumer group on {@code image-sets}. Each
 * poll's sites are analysed on a thread pool, their {@code site-features} are produced and flushed, and only
 * then are the offsets committed: a crash re-does a batch but never loses a site, and a re-delivered site
 * produces the same key, which the scorer replaces rather than double counts. A site that cannot be decoded
 * or analysed goes to {@code dead-letters} with the reason, and a FAILED site-features record lets its plate
 * complete.
 */
public final class FeatureExtractorService implements AutoCloseable {

    public static final String GROUP_ID = "phenostream-feature-extractor";
    public static final String STAGE = "feature-extractor";
    private static final Logger LOG = LoggerFactory.getLogger(FeatureExtractorService.class);

    private final PhenoConfig config;
    private final Consumer<String, byte[]> consumer;
    private final Producer<String, byte[]> producer;
    private final ObjectStore store;
    private final SiteProcessor processor;
    private final ExecutorService pool;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong sitesProcessed = new AtomicLong();
    private final AtomicLong sitesFailed = new AtomicLong();
    private final JsonSerde<ImageSet> imageSets = EventSerdes.imageSet();
    private final JsonSerde<SiteFeatures> siteFeatures = EventSerdes.siteFeatures();
    private final JsonSerde<DeadLetter> deadLetters = EventSerdes.deadLetter();

    public FeatureExtractorService(final PhenoConfig config, final String clientId) {
        this.config = config;
        final int threads = config.getInt(ConfigKey.EXTRACTOR_THREADS) > 0
            ? config.getInt(ConfigKey.EXTRACTOR_THREADS) : Runtime.getRuntime().availableProcessors();
        final Properties consumerProps = KafkaClientConfigs.consumer(config, GROUP_ID, clientId);
        // A poll is one unit of work: enough sites to keep every thread busy, few enough to finish well within
        // max.poll.interval.ms on a slow machine.
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(4, threads * 4));
        this.consumer = new KafkaConsumer<>(consumerProps);
        this.producer = new KafkaProducer<>(KafkaClientConfigs.producer(config, clientId));
        this.store = new ObjectStore(S3ClientFactory.create(config), config.require(ConfigKey.S3_BUCKET));
        this.processor = new SiteProcessor(store);
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            final Thread t = new Thread(r, "extractor-" + clientId);
            t.setDaemon(true);
            return t;
        });
    }

    private Thread thread;

    /** Starts polling on a thread of its own. */
    public FeatureExtractorService start() {
        thread = new Thread(this::run, "feature-extractor-poll");
        thread.start();
        return this;
    }

    void run() {
        try {
            consumer.subscribe(List.of(config.topic(Topics.IMAGE_SETS)));
            while (running.get()) {
                final ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    processBatch(records);
                }
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

    void processBatch(final ConsumerRecords<String, byte[]> records) {
        final List<Future<ProducerRecord<String, byte[]>[]>> results = new ArrayList<>();
        for (final ConsumerRecord<String, byte[]> record : records) {
            results.add(pool.submit(() -> outputsFor(record)));
        }
        final List<Future<?>> sends = new ArrayList<>();
        try {
            for (final var f : results) {
                for (final ProducerRecord<String, byte[]> out : f.get()) {
                    sends.add(producer.send(out));
                }
            }
            producer.flush();
            for (final Future<?> s : sends) {
                s.get();
            }
        } catch (final ExecutionException e) {
            throw new IllegalStateException("Cannot publish site features: " + e.getCause().getMessage(), e.getCause());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
        final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (final TopicPartition tp : records.partitions()) {
            final List<ConsumerRecord<String, byte[]>> rs = records.records(tp);
            offsets.put(tp, new OffsetAndMetadata(rs.get(rs.size() - 1).offset() + 1));
        }
        consumer.commitSync(offsets);
    }

    @SuppressWarnings("unchecked")
    private ProducerRecord<String, byte[]>[] outputsFor(final ConsumerRecord<String, byte[]> record) {
        final String featuresTopic = config.topic(Topics.SITE_FEATURES);
        final ImageSet set;
        try {
            set = imageSets.deserialize(record.topic(), record.value());
        } catch (final RuntimeException e) {
            sitesFailed.incrementAndGet();
            LOG.warn("Dead-lettering unreadable image-set {}@{}: {}", record.topic(), record.offset(), e.getMessage());
            return new ProducerRecord[] {deadLetter(record, "unreadable image-set: " + e.getMessage(), e)};
        }
        try {
            final SiteFeatures features = processor.process(set);
            sitesProcessed.incrementAndGet();
            return new ProducerRecord[] {
                new ProducerRecord<>(featuresTopic, features.runKey(), siteFeatures.serialize(featuresTopic, features))};
        } catch (final RuntimeException e) {
            sitesFailed.incrementAndGet();
            final String reason = "site " + set.siteKey() + ": " + e.getMessage();
            LOG.warn("Dead-lettering {}", reason);
            final SiteFeatures failed = SiteProcessor.failed(set, e.getMessage());
            return new ProducerRecord[] {
                deadLetter(record, reason, e),
                new ProducerRecord<>(featuresTopic, failed.runKey(), siteFeatures.serialize(featuresTopic, failed))};
        }
    }

    private ProducerRecord<String, byte[]> deadLetter(final ConsumerRecord<String, byte[]> record, final String reason,
                                                      final Throwable error) {
        final String topic = config.topic(Topics.DEAD_LETTERS);
        final DeadLetter dl = DeadLetters.of(STAGE, reason, error, record.topic(), record.partition(), record.offset(),
            record.key() == null ? null : record.key().getBytes(java.nio.charset.StandardCharsets.UTF_8), record.value());
        return new ProducerRecord<>(topic, record.key(), deadLetters.serialize(topic, dl));
    }

    public long sitesProcessed() {
        return sitesProcessed.get();
    }

    public long sitesFailed() {
        return sitesFailed.get();
    }

    public boolean isRunning() {
        return thread != null && thread.isAlive();
    }

    /** Stops after the batch in progress (its offsets committed) and closes the clients. */
    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        if (thread == null) {
            consumer.close(Duration.ofSeconds(5));
        } else {
            try {
                thread.join(30_000);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        pool.shutdownNow();
        producer.close(Duration.ofSeconds(5));
        store.close();
    }
}
