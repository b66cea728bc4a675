package io.phenostream.sink;

import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.events.PlateQc;
import io.phenostream.common.kafka.KafkaClientConfigs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * One results sink in a JVM of its own, for {@link SinkKillRestartIT}: the production poll loop on real Kafka
 * clients and a real {@link ResultsStore}, whose writer, after the first transaction that holds a final result has
 * committed, writes the marker file and blocks. The sink is then exactly between its database commit and its
 * offset commit, and the test kills the JVM there (SIGKILL: no close, no commit). Arguments: bootstrap servers,
 * JDBC URL, marker file. Exits when its standard input closes, so it never outlives the test JVM.
 */
public final class SinkProcessMain {

    private SinkProcessMain() {
    }

    public static void main(final String[] args) throws InterruptedException {
        final PhenoConfig config = SinkKillRestartIT.config(args[0], args[1]);
        final Path marker = Path.of(args[2]);
        final DataSource ds = ResultsDatabase.dataSource(config);
        ResultsDatabase.migrate(ds);
        final ResultsStore store = new ResultsStore(ds);
        final BatchWriter crashPoint = batch -> {
            store.write(batch);   // returns once PostgreSQL has committed the transaction
            if (holdsFinalResult(batch)) {
                signal(marker, batch);
                blockForever();
            }
        };
        final Properties consumer = SinkKillRestartIT.consumerConfig(config, "killed-" + ProcessHandle.current().pid());
        final ResultsSinkService sink = new ResultsSinkService(config, new KafkaConsumer<>(consumer),
            new KafkaProducer<>(KafkaClientConfigs.producer(config, "sink-kill-dlq")), crashPoint, 100);
        watchParent();
        sink.run();
    }

    static boolean holdsFinalResult(final Batch batch) {
        return batch.wellProfiles().stream().anyMatch(w -> w.finalResult())
            || batch.compoundScores().stream().anyMatch(c -> c.finalResult())
            || batch.plateQcs().stream().anyMatch(q -> q.status() == PlateQc.Status.FINAL);
    }

    // Written aside and moved: the test never reads a half-written marker.
    private static void signal(final Path marker, final Batch batch) {
        try {
            final Path tmp = Files.createTempFile(marker.getParent(), "marker", ".tmp");
            Files.writeString(tmp, "events=" + batch.eventCount() + "\n");
            Files.move(tmp, marker, StandardCopyOption.ATOMIC_MOVE);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void blockForever() {
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (final InterruptedException e) {
                // a wakeup or close must not let the poll loop reach its commit
            }
        }
    }

    private static void watchParent() {
        final Thread parentWatch = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the test never writes, it only holds the pipe open
                }
            } catch (final IOException e) {
                // pipe broken: same as closed
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watch");
        parentWatch.setDaemon(true);
        parentWatch.start();
    }
}
