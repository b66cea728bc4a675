package io.phenostream.ingest;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.ImageRef;
import io.phenostream.common.events.ImageSet;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.kafka.KafkaClientConfigs;
import io.phenostream.common.kafka.Topics;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Publishes plate runs and image sets, each at most once per content: the idempotent producer removes
 * duplicates from its own retries, and {@link IngestReceipts} those of a re-push or a resumed run. A record is
 * acknowledged by Kafka before its receipt is written, so a crash between the two publishes it again (at least
 * once, same key: downstream stages replace by key, never double count).
 */
public final class RunPublisher {

    private final Producer<String, byte[]> producer;
    private final IngestReceipts receipts;
    private final IngestMetrics metrics;
    private final String plateRunsTopic;
    private final String imageSetsTopic;
    private final long timeoutMs;
    private final boolean force;
    private final Map<String, Set<String>> published = new ConcurrentHashMap<>();

    public RunPublisher(final Producer<String, byte[]> producer, final IngestReceipts receipts,
                        final IngestMetrics metrics, final PhenoConfig config, final boolean force) {
        this.producer = producer;
        this.receipts = receipts;
        this.metrics = metrics;
        this.plateRunsTopic = config.topic(Topics.PLATE_RUNS);
        this.imageSetsTopic = config.topic(Topics.IMAGE_SETS);
        this.timeoutMs = config.getInt(ConfigKey.INGEST_PUBLISH_TIMEOUT_MS);
        this.force = force;
    }

    /** The producer settings of the ingest: the shared durable producer, failing after the publish timeout. */
    public static Properties producerConfig(final PhenoConfig config) {
        final Properties p = KafkaClientConfigs.producer(config, "image-ingest");
        final int timeout = config.getInt(ConfigKey.INGEST_PUBLISH_TIMEOUT_MS);
        final int request = Math.max(1000, Math.min(30_000, timeout / 2));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, request);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(timeout, request + 5));
        return p;
    }

    /**
     * The receipts epoch of the cluster: the ids of the two topics the ingest writes, so receipts of a deleted
     * topic or another cluster are ignored. Fails clearly when Kafka cannot be reached.
     */
    public static String epoch(final PhenoConfig config) {
        final Properties p = KafkaClientConfigs.connection(config);
        final int timeout = config.getInt(ConfigKey.INGEST_PUBLISH_TIMEOUT_MS);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeout, 30_000));
        final List<String> topics = List.of(config.topic(Topics.PLATE_RUNS), config.topic(Topics.IMAGE_SETS));
        try (Admin admin = Admin.create(p)) {
            final Map<String, TopicDescription> d = admin.describeTopics(topics).allTopicNames()
                .get(timeout, TimeUnit.MILLISECONDS);
            return IngestReceipts.digest(d.get(topics.get(0)).topicId().toString(),
                d.get(topics.get(1)).topicId().toString());
        } catch (final ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka at " + config.require(ConfigKey.KAFKA_BOOTSTRAP)
                + " did not describe topics " + topics + " within " + timeout + " ms: "
                + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while connecting to Kafka", e);
        }
    }

    /** @return false when the same plate run was already published */
    public boolean publishRun(final PlateRun run) {
        final String receipt = "plate-run-" + IngestReceipts.digest(run.toString().replace(run.createdAt(), ""));
        if (!force && receiptsOf(run.runKey()).contains(receipt)) {
            return false;
        }
        send(plateRunsTopic, run.runKey(), EventSerdes.plateRun().serialize(plateRunsTopic, run));
        mark(run.runKey(), receipt);
        return true;
    }

    /** @return false when the same site (same analysis, same images) was already published */
    public boolean publishSite(final ImageSet set) {
        final String receipt = siteReceipt(set);
        if (!force && receiptsOf(set.runKey()).contains(receipt)) {
            return false;
        }
        send(imageSetsTopic, set.siteKey(), EventSerdes.imageSet().serialize(imageSetsTopic, set));
        metrics.sitePublished();
        mark(set.runKey(), receipt);
        return true;
    }

    /**
     * Sends a site's image set without waiting for Kafka (the folder ingest, through {@link InFlightSites}); no
     * receipt is written: the caller writes it with {@link #markAll} once the returned future has completed.
     *
     * @return null when the same site was already published; else the site's receipt name, once Kafka
     *         acknowledged it (or the failure, with the topic, key and publish timeout in its message)
     */
    CompletableFuture<String> sendSite(final ImageSet set) {
        final String receipt = siteReceipt(set);
        if (!force && receiptsOf(set.runKey()).contains(receipt)) {
            return null;
        }
        final String key = set.siteKey();
        final CompletableFuture<String> acked = new CompletableFuture<>();
        final long t0 = System.nanoTime();
        final ProducerRecord<String, byte[]> record = new ProducerRecord<>(imageSetsTopic, key,
            EventSerdes.imageSet().serialize(imageSetsTopic, set));
        try {
            producer.send(record, (meta, e) -> {
                // the producer's I/O thread: count and hand over, no S3 here
                if (e == null) {
                    metrics.timer(IngestMetrics.Stage.PUBLISH).record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
                    metrics.sitePublished();
                    acked.complete(receipt);
                } else {
                    metrics.failure(IngestMetrics.Stage.PUBLISH);
                    acked.completeExceptionally(publishFailure(imageSetsTopic, key, e));
                }
            });
        } catch (final KafkaException | IllegalStateException e) {
            // what send() throws instead of calling back (a closed producer, no metadata within max.block.ms)
            metrics.failure(IngestMetrics.Stage.PUBLISH);
            throw publishFailure(imageSetsTopic, key, e);
        }
        return acked;
    }

    /** Records that Kafka acknowledged these records of a run: one receipt object for all of them. */
    void markAll(final String runKey, final List<String> names) {
        receipts.markAll(runKey, names);
        receiptsOf(runKey).addAll(names);
    }

    private static String siteReceipt(final ImageSet set) {
        return "site-" + set.analysisId() + "-" + set.well() + "-" + set.site() + "-" + imageDigest(set.images());
    }

    static String imageDigest(final List<ImageRef> refs) {
        return IngestReceipts.digest(refs.stream().map(r -> r.channel() + "=" + r.sha256()).sorted()
            .toArray(String[]::new));
    }

    /** The receipts of a run, listed from S3 the first time the run is seen. */
    private synchronized Set<String> receiptsOf(final String runKey) {
        Set<String> known = published.get(runKey);
        if (known == null) {
            known = ConcurrentHashMap.newKeySet();
            known.addAll(receipts.list(runKey));
            published.put(runKey, known);
        }
        return known;
    }

    private void mark(final String runKey, final String receipt) {
        receipts.mark(runKey, receipt);
        receiptsOf(runKey).add(receipt);
    }

    private void send(final String topic, final String key, final byte[] value) {
        final long t0 = System.nanoTime();
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
            metrics.timer(IngestMetrics.Stage.PUBLISH).record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        } catch (final ExecutionException e) {
            metrics.failure(IngestMetrics.Stage.PUBLISH);
            throw publishFailure(topic, key, e.getCause());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing " + key, e);
        }
    }

    private IllegalStateException publishFailure(final String topic, final String key, final Throwable cause) {
        return new IllegalStateException("Cannot publish " + key + " to " + topic + " (Kafka retried for up to "
            + timeoutMs + " ms): " + cause.getMessage(), cause);
    }
}
