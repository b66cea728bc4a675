package io.phenostream.cli;

import io.phenostream.extractor.ExtractorLane;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.kafka.TopicCreator;
import io.phenostream.common.config.ConfigKey;
import io.phenostream.extractor.FeatureExtractorService;
import io.phenostream.scorer.PhenotypeScorerService;
import io.phenostream.sink.ResultsDatabase;
import io.phenostream.sink.ResultsSinkService;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** One subcommand per deployable service, configured only by phenostream.* keys (distributed mode). */
final class ServiceCommands {

    /** Readiness reason of the scorer and the sink while their clients hold no broker connection. */
    static final String KAFKA_UNREACHABLE = "Kafka unreachable (no connection to a broker; reconnecting)";

    private ServiceCommands() {
    }

    /**
     * Serves the management endpoints (first, so the metrics registry sees every meter the service registers),
     * starts the service and waits for SIGTERM/SIGINT; then stops the service gracefully (each service's close()
     * finishes or hands back its work and commits what is done), and the endpoints last.
     *
     * @param notReady the service's reason it cannot work now, or null
     */
    static <T extends AutoCloseable> int runUntilStopped(final String name, final PhenoConfig config,
                                                         final Supplier<T> start,
                                                         final Function<T, String> notReady,
                                                         final Predicate<T> alive) throws Exception {
        final AtomicReference<T> service = new AtomicReference<>();
        final ManagementServer management = ManagementServer.start(name, config.getInt(ConfigKey.MANAGEMENT_PORT),
            () -> service.get() == null ? "starting" : notReady.apply(service.get()));
        try {
            service.set(start.get());
        } catch (final RuntimeException e) {
            management.close();
            throw e;
        }
        final CountDownLatch stop = new CountDownLatch(1);
        final AtomicBoolean stopping = new AtomicBoolean();
        // A service whose worker died (e.g. the extractor's poll loop threw) must not linger as a live process that
        // does nothing: exit non-zero so the orchestrator restarts it (its uncommitted work is redone elsewhere).
        final Thread watchdog = new Thread(() -> {
            while (!stopping.get()) {
                if (!alive.test(service.get())) {
                    System.err.println(name + ": the service stopped on its own (see the error above); exiting");
                    System.exit(1);
                }
                try {
                    Thread.sleep(1000);
                } catch (final InterruptedException e) {
                    return;
                }
            }
        }, name + "-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            try {
                service.get().close();
            } catch (final Exception e) {
                System.err.println("error while stopping " + name + ": " + e);
            }
            management.close();
            stop.countDown();
        }, name + "-stop"));
        stop.await();
        return 0;
    }

    static PhenoConfig external(final ConfigOption option) {
        final PhenoConfig c = option.load();
        TopicCreator.ensureTopics(c);
        return c;
    }

    @Command(name = "extractor", mixinStandardHelpOptions = true,
        description = "Run a feature-extractor worker against the configured Kafka and S3.")
    static final class Extractor implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Option(names = "--client-id", defaultValue = "extractor", description = "Kafka client id (default ${DEFAULT-VALUE}).")
        String clientId;

        @Option(names = "--lane", defaultValue = "live",
            description = "live (image-sets) or replay (image-sets-replay, its own group); default ${DEFAULT-VALUE}.")
        String lane;

        @Override
        public Integer call() throws Exception {
            final ExtractorLane l = switch (lane) {
                case "live" -> ExtractorLane.LIVE;
                case "replay" -> ExtractorLane.REPLAY;
                default -> throw new IllegalArgumentException("--lane must be live or replay, not " + lane);
            };
            final PhenoConfig c = external(config);
            return runUntilStopped("extractor", c, () -> new FeatureExtractorService(c, clientId, l).start(),
                FeatureExtractorService::notReadyReason, FeatureExtractorService::isRunning);
        }
    }

    @Command(name = "scorer", mixinStandardHelpOptions = true,
        description = "Run the phenotype-scorer Kafka Streams application against the configured Kafka.")
    static final class Scorer implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Override
        public Integer call() throws Exception {
            final PhenoConfig c = external(config);
            // REBALANCING is part of normal work (a member joined or left); ERROR and shutdown states are not.
            return runUntilStopped("scorer", c, () -> new PhenotypeScorerService(c).start(), s -> switch (s.state()) {
                case RUNNING, REBALANCING -> s.brokerConnections() > 0 ? null : KAFKA_UNREACHABLE;
                default -> "Kafka Streams is " + s.state();
            }, s -> !s.state().hasCompletedShutdown() && s.state() != KafkaStreams.State.PENDING_ERROR);
        }
    }

    @Command(name = "sink", mixinStandardHelpOptions = true,
        description = "Run the results sink: Kafka topics into the configured PostgreSQL.")
    static final class Sink implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Override
        public Integer call() throws Exception {
            final PhenoConfig c = external(config);
            ResultsDatabase.migrate(ResultsDatabase.dataSource(c));
            return runUntilStopped("sink", c, () -> {
                final ResultsSinkService sink = new ResultsSinkService(c);
                new Thread(sink, "results-sink").start();
                return sink;
            }, sink -> !sink.isRunning() ? "stopped"
                : !sink.isWriting() ? "writes to PostgreSQL are failing (retrying with backoff)"
                : sink.brokerConnections() == 0 ? KAFKA_UNREACHABLE : null,
                sink -> sink.isRunning() || !sink.hasStarted());
        }
    }
}
