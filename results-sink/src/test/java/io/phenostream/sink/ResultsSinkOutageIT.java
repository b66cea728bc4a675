package io.phenostream.sink;

import static io.phenostream.sink.TestEvents.compound;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariDataSource;
import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.events.EventSerdes;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The sink's poll loop against a real PostgreSQL that is stopped for some seconds while records arrive: the sink
 * reports it is not writing, commits nothing, dead-letters nothing, retries with backoff, and once the database is
 * back writes every record exactly once and reports writing again. Its log output through the outage never holds
 * the database password. (Kafka is mocked: the seek-back is what the unit test checks; here the database is real.)
 */
@Tag("integration")
@Timeout(120)
class ResultsSinkOutageIT {

    private static final String A1 = "a-1111111111111111";
    private static final String DB_PASSWORD = "dbPass-Outage-7Hq2Lw";
    private static final TopicPartition SCORES = new TopicPartition("compound-scores", 0);

    private volatile List<ConsumerRecord<String, byte[]>> available = List.of();

    @Test
    void databaseStoppedForSecondsThenBackNothingLostNothingTwice(@TempDir final Path tmp) throws Exception {
        final int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        final Path data = tmp.resolve("pg");
        EmbeddedPostgres postgres = start(port, data);
        final ListAppender<ILoggingEvent> logs = captureLogs();
        final long t0 = System.nanoTime();
        // Embedded PostgreSQL trusts local connections: the password is sent and ignored, and must never be logged.
        final PhenoConfig config = PhenoConfig.defaults()
            .with(ConfigKey.DB_URL, "jdbc:postgresql://localhost:" + port + "/postgres")
            .with(ConfigKey.DB_USER, "postgres").with(ConfigKey.DB_PASSWORD, DB_PASSWORD);
        final DataSource ds = ResultsDatabase.dataSource(config);
        ResultsDatabase.migrate(ds);
        final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
        final MockProducer<String, byte[]> dlq = new MockProducer<>(true, null, new StringSerializer(),
            new ByteArraySerializer());
        // The writer's pooled connections, as the service opens them: the pool must drop the dead connections and
        // reconnect on its own.
        final HikariDataSource pool = ResultsDatabase.pooled(ds, "sink-outage-test", 2, false);
        final ResultsSinkService sink = new ResultsSinkService(config, consumer, dlq, new ResultsStore(pool), 100);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(SCORES));
            consumer.updateBeginningOffsets(Map.of(SCORES, 0L));
        });
        // Every poll offers what "the broker" holds; MockConsumer hands out only records at or past the position.
        consumer.schedulePollTask(new Runnable() {
            @Override
            public void run() {
                available.forEach(consumer::addRecord);
                sleep(20);
                consumer.schedulePollTask(this);
            }
        });
        final Thread loop = new Thread(sink, "sink-loop");
        loop.start();
        try {
            available = records(0, 20);
            await(() -> count(ds) == 20 && sink.isWriting(), 20, "first 20 written");

            postgres.close();
            final long down = System.nanoTime();
            available = records(0, 40);
            await(() -> !sink.isWriting(), 20, "the sink notices the outage");
            final double noticedS = (System.nanoTime() - down) / 1e9;
            sleep(4000);   // down for some seconds, records waiting
            assertTrue(sink.writeFailures() >= 2, "retried: " + sink.writeFailures());
            assertEquals(0, dlq.history().size(), "an outage is not poison: nothing dead-lettered");
            assertEquals(20, sink.recordsWritten());

            postgres = start(port, data);
            final long up = System.nanoTime();
            await(() -> sink.isWriting() && count(ds) == 40, 40, "recovered on its own");
            final double recoveredS = (System.nanoTime() - up) / 1e9;
            assertEquals(40, count(ds), "every record once");
            assertEquals(40, countDistinct(ds));
            assertEquals(0, dlq.history().size());
            assertEquals(40, sink.recordsWritten());
            sink.close();
            loop.join(10_000);
            final String logged = render(logs);
            assertTrue(logged.contains("ResultsSinkService"), "the outage was logged: " + logged);
            assertFalse(logged.contains(DB_PASSWORD), "password in the logs: " + logged);
            System.out.printf("ResultsSinkOutageIT: outage noticed after %.1f s, %d failed writes, recovered %.1f s "
                + "after restart; test %.1f s%n", noticedS, sink.writeFailures(), recoveredS, (System.nanoTime() - t0) / 1e9);
        } finally {
            sink.close();
            loop.join(10_000);
            releaseLogs(logs);
            pool.close();
            postgres.close();
        }
    }

    private static List<ConsumerRecord<String, byte[]>> records(final int from, final int to) {
        final List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(new ConsumerRecord<>(SCORES.topic(), 0, i, "k" + i, EventSerdes.compoundScore().serialize("t",
                compound(A1, "E-OUTAGE", "cpd-" + i, i + 1, 10.0 - i * 0.1, 0.01, false, null))));
        }
        return out;
    }

    private static EmbeddedPostgres start(final int port, final Path data) throws Exception {
        return EmbeddedPostgres.builder().setPort(port).setDataDirectory(data).setCleanDataDirectory(false).start();
    }

    private static long count(final DataSource ds) {
        return query(ds, "SELECT count(*) FROM compound_scores WHERE experiment_id = 'E-OUTAGE'");
    }

    private static long countDistinct(final DataSource ds) {
        return query(ds, "SELECT count(DISTINCT compound) FROM compound_scores WHERE experiment_id = 'E-OUTAGE'");
    }

    private static long query(final DataSource ds, final String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (final Exception e) {
            return -1;
        }
    }

    private static void await(final BooleanSupplier condition, final int seconds, final String what) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out: " + what);
            sleep(50);
        }
    }

    private static void sleep(final long ms) {
        try {
            Thread.sleep(ms);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ListAppender<ILoggingEvent> captureLogs() {
        final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setContext(root.getLoggerContext());
        appender.start();
        root.addAppender(appender);
        ((Logger) LoggerFactory.getLogger("io.phenostream")).setLevel(Level.DEBUG);
        return appender;
    }

    private static void releaseLogs(final ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
        ((Logger) LoggerFactory.getLogger("io.phenostream")).setLevel(null);
    }

    private static String render(final ListAppender<ILoggingEvent> logs) {
        final StringBuilder sb = new StringBuilder();
        for (final ILoggingEvent e : new ArrayList<>(logs.list)) {
            sb.append(e.getLoggerName()).append(' ').append(e.getFormattedMessage()).append('\n');
            if (e.getThrowableProxy() != null) {
                sb.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
            }
        }
        return sb.toString();
    }
}
