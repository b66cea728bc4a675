package io.phenostream.ingest.replay;

import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.ImageSet;
import io.phenostream.common.events.ReplayProgress;
import io.phenostream.common.json.JsonSerde;
import io.phenostream.common.kafka.KafkaClientConfigs;
import io.phenostream.common.kafka.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a {@link ReplayPlan}'s sites to {@code image-sets-replay}, resumably and exactly once.
 *
 * <p>Each chunk of sites and the {@link ReplayProgress} record counting them go to Kafka in one transaction (the
 * transactional id is derived from the replay id). Starting the publisher fences any earlier one of the same replay
 * and aborts its open transaction; the last committed progress record then says how many sites of the plan's order
 * are on the topic, and publishing continues after them. So Ctrl-C (the current chunk is committed), a crash (the
 * open chunk is aborted, invisible to the read_committed extractors) or a second start never publish a site twice
 * and never skip one. Sites are paced by a {@link RateLimiter} on images (all channels of a site count), so a replay
 * takes a bounded share of the extractors.
 */
public final class ReplayPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayPublisher.class);
    /** Sites per transaction at most; a chunk is also committed after {@link #MAX_CHUNK_NANOS}. */
    static final int CHUNK_SITES = 32;
    private static final long MAX_CHUNK_NANOS = 500_000_000L;

    private final PhenoConfig config;
    private final ReplayPlan plan;
    private final double imagesPerSecond;
    private final RateLimiter.Clock clock;
    private final Clock wallClock;
    private final Producer<String, byte[]> producer;
    private final JsonSerde<ImageSet> imageSets = EventSerdes.imageSet();
    private final JsonSerde<ReplayProgress> progressSerde = EventSerdes.replayProgress();
    private final String imageSetsTopic;
    private final String replaysTopic;
    private volatile ReplayProgress progress;

    public ReplayPublisher(final PhenoConfig config, final ReplayPlan plan, final double imagesPerSecond) {
        this(config, plan, imagesPerSecond, RateLimiter.SYSTEM, Clock.systemUTC());
    }

    ReplayPublisher(final PhenoConfig config, final ReplayPlan plan, final double imagesPerSecond,
                    final RateLimiter.Clock clock, final Clock wallClock) {
        this.config = config;
        this.plan = plan;
        this.imagesPerSecond = imagesPerSecond;
        this.clock = clock;
        this.wallClock = wallClock;
        this.imageSetsTopic = config.topic(Topics.IMAGE_SETS_REPLAY);
        this.replaysTopic = config.topic(Topics.REPLAYS);
        final Properties p = KafkaClientConfigs.producer(config, "replay-" + plan.replayId());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(plan.replayId()));
        this.producer = new KafkaProducer<>(p);
    }

    /**
     * Fences earlier publishers of this replay and reads where it stands: a new replay starts at 0.
     *
     * @return the committed progress to continue from
     */
    public ReplayProgress open(final Duration timeout) throws TimeoutException {
        producer.initTransactions();
        final ReplayProgress committed = ReplayCatalogue.replays(config, timeout).stream()
            .filter(r -> r.replayId().equals(plan.replayId())).findFirst().orElse(null);
        if (committed != null && committed.totalSites() != plan.sites().size()) {
            throw new IllegalStateException("Replay " + plan.replayId() + " was started with " + committed.totalSites()
                + " sites but the runs now have " + plan.sites().size() + ": their image-sets changed");
        }
        final String now = wallClock.instant().toString();
        progress = committed != null ? committed : new ReplayProgress(ReplayProgress.SCHEMA_VERSION, plan.replayId(),
            plan.experimentId(), plan.analysisId(), plan.spec(), plan.sourceAnalysisId(), plan.runKeys(),
            plan.sites().size(), 0, imagesPerSecond, ReplayProgress.State.PUBLISHING, now, now);
        return progress;
    }

    /** The progress as last committed (or as opened). */
    public ReplayProgress progress() {
        return progress;
    }

    /**
     * Publishes the remaining sites until all are on the topic or {@code stop} is set (the chunk under way is then
     * committed). {@code onCommit} sees each committed progress record.
     *
     * @return the last committed progress
     */
    public ReplayProgress publish(final AtomicBoolean stop, final Consumer<ReplayProgress> onCommit)
        throws InterruptedException {
        if (progress == null) {
            throw new IllegalStateException("open() first");
        }
        if (progress.publishedSites() == 0 && progress.state() == ReplayProgress.State.PUBLISHING) {
            commit(List.of(), 0, onCommit); // record the replay as started, even before its first site
        }
        final RateLimiter limiter = new RateLimiter(imagesPerSecond, clock);
        final List<ImageSet> sites = plan.sites();
        int published = progress.publishedSites();
        while (published < sites.size() && !stop.get()) {
            final long chunkStart = clock.nanoTime();
            int end = published;
            while (end < sites.size() && end - published < CHUNK_SITES && !stop.get()
                && clock.nanoTime() - chunkStart < MAX_CHUNK_NANOS) {
                limiter.acquire(sites.get(end).images().size());
                end++;
            }
            commit(sites.subList(published, end), end, onCommit);
            published = end;
        }
        return progress;
    }

    private void commit(final List<ImageSet> chunk, final int publishedAfter,
                        final Consumer<ReplayProgress> onCommit) {
        final ReplayProgress next = progress.publishedUpTo(publishedAfter, wallClock.instant().toString());
        try {
            producer.beginTransaction();
            for (final ImageSet s : chunk) {
                producer.send(new ProducerRecord<>(imageSetsTopic, s.siteKey(), imageSets.serialize(imageSetsTopic, s)));
            }
            producer.send(new ProducerRecord<>(replaysTopic, next.replayId(),
                progressSerde.serialize(replaysTopic, next)));
            producer.commitTransaction();
        } catch (final KafkaException e) {
            // Fenced (another publisher of this replay started) or the broker failed: nothing of this chunk is
            // visible; the next start resumes from the last committed record.
            throw new IllegalStateException("Replay " + plan.replayId() + ": publishing sites " + (publishedAfter
                - chunk.size()) + ".." + publishedAfter + " failed (" + e.getMessage() + "); start it again to resume",
                e);
        }
        progress = next;
        onCommit.accept(next);
    }

    /** The producer's transactional id: one per replay, so a restarted publisher fences the one before. */
    public static String transactionalId(final String replayId) {
        return "phenostream-" + replayId;
    }

    @Override
    public void close() {
        try {
            producer.close(Duration.ofSeconds(10));
        } catch (final RuntimeException e) {
            LOG.warn("Replay {}: producer did not close cleanly: {}", plan.replayId(), e.toString());
        }
    }
}
