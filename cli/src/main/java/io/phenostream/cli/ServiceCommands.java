package io.phenostream.cli;

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

    private ServiceCommands() {
    }

    static int runUntilStopped(final AutoCloseable service) throws Exception {
        final CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (final Exception e) {
                System.err.println("error while stopping: " + e);
            }
            stop.countDown();
        }));
        stop.await();
        return 0;
    }

    static PhenoConfig external(final ConfigOption option) {
        final PhenoConfig c = option.load();
        TopicCreator.ensureTopics(c.require(ConfigKey.KAFKA_BOOTSTRAP), c.get(ConfigKey.TOPIC_PREFIX).orElse(""),
            (short) c.getInt(ConfigKey.KAFKA_REPLICATION));
        return c;
    }

    @Command(name = "extractor", mixinStandardHelpOptions = true,
        description = "Run a feature-extractor worker against the configured Kafka and S3.")
    static final class Extractor implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Option(names = "--client-id", defaultValue = "extractor", description = "Kafka client id (default ${DEFAULT-VALUE}).")
        String clientId;

        @Override
        public Integer call() throws Exception {
            return runUntilStopped(new FeatureExtractorService(external(config), clientId).start());
        }
    }

    @Command(name = "scorer", mixinStandardHelpOptions = true,
        description = "Run the phenotype-scorer Kafka Streams application against the configured Kafka.")
    static final class Scorer implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Override
        public Integer call() throws Exception {
            return runUntilStopped(new PhenotypeScorerService(external(config)).start());
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
            final ResultsSinkService sink = new ResultsSinkService(c);
            new Thread(sink, "results-sink").start();
            return runUntilStopped(sink);
        }
    }
}
