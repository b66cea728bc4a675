package io.phenostream.scorer;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the scorer topology; {@link #close()} flushes, commits and closes the state stores. */
public final class PhenotypeScorerService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PhenotypeScorerService.class);

    private final KafkaStreams streams;

    public PhenotypeScorerService(final PhenoConfig config) {
        this.streams = new KafkaStreams(
            PhenotypeScorerTopology.createTopology(config.get(ConfigKey.TOPIC_PREFIX).orElse(""),
                PhenotypeScorerTopology.punctuateInterval(config)),
            PhenotypeScorerTopology.streamsConfig(config));
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("Scorer stream thread failed: {}", e.toString(), e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                .SHUTDOWN_CLIENT;
        });
    }

    public PhenotypeScorerService start() {
        streams.start();
        return this;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }
}
