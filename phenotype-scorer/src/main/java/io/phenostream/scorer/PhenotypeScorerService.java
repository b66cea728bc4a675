package io.phenostream.scorer;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.kafka.BrokerConnections;
import io.phenostream.scorer.query.ScorerQueries;
import io.phenostream.scorer.query.StoreRestoreTracker;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the scorer topology and answers interactive queries on its result stores ({@link #queries()});
 * {@link #close()} flushes, commits and closes the state stores.
 */
public final class PhenotypeScorerService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PhenotypeScorerService.class);

    /** Client id of a stream thread's main consumer: {@code <application client id>-StreamThread-<n>-consumer}. */
    private static final java.util.regex.Pattern MAIN_CONSUMER =
        java.util.regex.Pattern.compile(".*-StreamThread-\\d+-consumer");

    private final KafkaStreams streams;
    private final StoreRestoreTracker restores = new StoreRestoreTracker();
    private final ScorerQueries queries;

    public PhenotypeScorerService(final PhenoConfig config) {
        this(config, new Properties());
    }

    /**
     * @param overrides Streams settings applied over {@link PhenotypeScorerTopology#streamsConfig} (commit interval,
     *     static membership, client timeouts), for deployments and tests that need them
     */
    public PhenotypeScorerService(final PhenoConfig config, final Properties overrides) {
        final Properties props = PhenotypeScorerTopology.streamsConfig(config);
        props.putAll(overrides);
        this.streams = new KafkaStreams(
            PhenotypeScorerTopology.createTopology(config.get(ConfigKey.TOPIC_PREFIX).orElse(""),
                PhenotypeScorerTopology.punctuateInterval(config), PhenotypeScorerTopology.partialStep(config)),
            props);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("Scorer stream thread failed: {}", e.toString(), e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setGlobalStateRestoreListener(restores);
        this.queries = ScorerQueries.of(streams, restores);
    }

    public PhenotypeScorerService start() {
        streams.start();
        return this;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * Open broker connections of its stream threads' main consumers (0 while the brokers are away: Streams stays
     * RUNNING and its clients reconnect on their own; readiness says so). Only those poll all the time: an idle
     * restore consumer keeps counting the connections a stopped broker closed (seen in {@code BrokerOutageIT}).
     */
    public int brokerConnections() {
        return BrokerConnections.count(streams.metrics(), id -> MAIN_CONSUMER.matcher(id).matches());
    }

    /** Live plate progress, well profiles and compound scores from this instance's stores. */
    public ScorerQueries queries() {
        return queries;
    }

    /** Changelog records restored per store since start (0 entries after a clean restart with local state). */
    public StoreRestoreTracker restores() {
        return restores;
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }
}
