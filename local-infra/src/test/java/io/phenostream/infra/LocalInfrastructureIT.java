package io.phenostream.infra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.events.ImageRef;
import io.phenostream.common.kafka.KafkaClientConfigs;
import io.phenostream.common.kafka.TopicSpec;
import io.phenostream.common.kafka.Topics;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.common.s3.S3ClientFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Starts the real embedded servers, proves each one works end to end, and starts them a second and third time. */
@Tag("integration")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LocalInfrastructureIT {

    /** sha256("phenostream readiness check\n"), computed with {@code printf 'phenostream readiness check\n' | sha256sum}. */
    private static final byte[] PAYLOAD = "phenostream readiness check\n".getBytes(StandardCharsets.UTF_8);
    private static final String PAYLOAD_SHA256 = "8699189fa5cd1c8fa93573b5a7d9620e71a3aa4829650e443a82c5a0bdb04ce8";

    @TempDir
    Path tmp;

    private static PhenoConfig configWithDataDir(final Path dataDir) {
        return PhenoConfig.defaults().with(ConfigKey.DATA_DIR, dataDir.toString());
    }

    @Test
    void startsServesStopsAndRestartsInOneJvm() throws Exception {
        final Path data = tmp.resolve("data");
        final String kafkaBefore;
        final String s3Before;
        final String dbBefore;
        final ImageRef stored;

        // 1st run: fresh
        final LocalInfrastructure first = LocalInfrastructure.start(configWithDataDir(data), true);
        try {
            assertTrue(first.hasEmbeddedKafka() && first.hasEmbeddedS3() && first.hasEmbeddedPostgres());
            assertEquals(data.toAbsolutePath(), first.dataDir());
            final PhenoConfig c = first.config();
            kafkaBefore = c.require(ConfigKey.KAFKA_BOOTSTRAP);
            s3Before = c.require(ConfigKey.S3_ENDPOINT);
            dbBefore = c.require(ConfigKey.DB_URL);
            assertTrue(s3Before.matches("http://127\\.0\\.0\\.1:\\d+"), s3Before);
            assertTrue(dbBefore.matches("jdbc:postgresql://localhost:\\d+/phenostream"), dbBefore);
            assertEquals("1", c.require(ConfigKey.KAFKA_REPLICATION));
            assertTrue(Files.isDirectory(data.resolve("kafka")));
            assertTrue(Files.isRegularFile(data.resolve("postgres").resolve("PG_VERSION")));
            assertEquals("17", Files.readString(data.resolve("postgres").resolve("PG_VERSION")).trim());

            assertCatalogueTopics(c);
            kafkaRoundTrip(c);
            kafkaTransactionRoundTrip(c);
            stored = s3RoundTrip(c);
            // filesystem backend: the bucket is a folder and the object a file of the same bytes
            final Path onDisk = data.resolve("s3").resolve(c.require(ConfigKey.S3_BUCKET)).resolve(stored.key());
            assertArrayEquals(PAYLOAD, Files.readAllBytes(onDisk));
            jdbcRoundTrip(c);
            insertSample(c, 1, "first run");
        } finally {
            first.close();
        }
        first.close(); // idempotent
        assertTrue(Files.isRegularFile(data.resolve("kafka").resolve(EmbeddedKafka.CLUSTER_ID_FILE)),
            "the broker's logs are kept on close");
        assertFalse(listening(s3Before), "S3 still listening after close");
        assertThrows(SQLException.class, () -> DriverManager.getConnection(dbBefore, "postgres", "").close());

        // 2nd run, same JVM, same data: S3 objects, database rows and the Kafka cluster survive
        try (LocalInfrastructure second = LocalInfrastructure.start(configWithDataDir(data))) {
            final PhenoConfig c = second.config();
            assertTrue(second.hasEmbeddedKafka() && !second.hasNewEmbeddedKafka(), "the same cluster again");
            assertCatalogueTopics(c);
            kafkaRoundTrip(c);
            try (ObjectStore store = new ObjectStore(S3ClientFactory.create(c), c.require(ConfigKey.S3_BUCKET))) {
                assertArrayEquals(PAYLOAD, store.getVerified(stored));
            }
            assertEquals(List.of("1:first run"), samples(c));

            // a second instance on the same data directory would wipe the running broker's logs: refused
            final IllegalStateException inUse = assertThrows(IllegalStateException.class,
                () -> LocalInfrastructure.start(configWithDataDir(data), true));
            assertTrue(inUse.getMessage().contains("in use") && inUse.getMessage().contains(data.toAbsolutePath().toString()),
                inUse.getMessage());
            kafkaRoundTrip(c);

            // a configuration that names servers starts none and reuses them
            try (LocalInfrastructure reuse = LocalInfrastructure.start(c.with(ConfigKey.DATA_DIR, tmp.resolve("unused").toString()))) {
                assertFalse(reuse.hasEmbeddedKafka() || reuse.hasEmbeddedS3() || reuse.hasEmbeddedPostgres());
                assertEquals(c.require(ConfigKey.KAFKA_BOOTSTRAP), reuse.config().require(ConfigKey.KAFKA_BOOTSTRAP));
                assertEquals(c.require(ConfigKey.S3_ENDPOINT), reuse.config().require(ConfigKey.S3_ENDPOINT));
                assertEquals(c.require(ConfigKey.DB_URL), reuse.config().require(ConfigKey.DB_URL));
                assertFalse(Files.exists(tmp.resolve("unused")), "nothing embedded, so no data directory");
            }
            // closing the reusing instance left the servers running
            kafkaRoundTrip(c);
            assertEquals(List.of("1:first run"), samples(c));
        }

        // 3rd run, fresh: earlier objects and rows are gone
        try (LocalInfrastructure third = LocalInfrastructure.start(configWithDataDir(data), true)) {
            final PhenoConfig c = third.config();
            try (ObjectStore store = new ObjectStore(S3ClientFactory.create(c), c.require(ConfigKey.S3_BUCKET))) {
                assertFalse(store.exists(stored.key()));
            }
            try (Connection db = connect(c); ResultSet rs = db.createStatement().executeQuery(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'readiness_sample'")) {
                assertTrue(rs.next());
                assertEquals(0, rs.getInt(1));
            }
        }
    }

    @Test
    void dataDirUnderARegularFileIsAClearError() throws IOException {
        final Path file = Files.writeString(tmp.resolve("plain-file"), "not a folder");
        final Path bad = file.resolve("data");
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> LocalInfrastructure.start(configWithDataDir(bad)));
        assertTrue(e.getMessage().contains(bad.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not a writable directory"), e.getMessage());
        assertTrue(e.getMessage().contains("phenostream.data.dir"), e.getMessage());
    }

    @Test
    void aServerThatCannotStartIsNamedAndTheOthersAreStopped() throws Exception {
        final Path data = tmp.resolve("data");
        Files.createDirectories(data);
        final Path pgDir = Files.writeString(data.resolve("postgres"), "a file where the PostgreSQL folder belongs");
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> LocalInfrastructure.start(configWithDataDir(data)));
        assertTrue(e.getMessage().contains(pgDir.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("PostgreSQL"), e.getMessage());
        // the data directory was released, and the broker that did start was stopped: a broker still running would
        // hold the lock on its log folder, and a new one on the same folder could not start
        DataDirectory.lock(data.toAbsolutePath()).close();
        Files.delete(pgDir);
        try (LocalInfrastructure again = LocalInfrastructure.start(configWithDataDir(data))) {
            assertTrue(again.hasEmbeddedKafka(), "Kafka left running after a failed start");
        }
    }

    private static void assertCatalogueTopics(final PhenoConfig c) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, c.require(ConfigKey.KAFKA_BOOTSTRAP)))) {
            final Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            final List<String> expected = new ArrayList<>();
            for (final TopicSpec spec : Topics.catalogue()) {
                expected.add(spec.name());
            }
            assertTrue(names.containsAll(expected), "topics " + names + " lack some of " + expected);
            final TopicDescription imageSets = admin.describeTopics(List.of(Topics.IMAGE_SETS)).allTopicNames()
                .get(30, TimeUnit.SECONDS).get(Topics.IMAGE_SETS);
            assertEquals(Topics.IMAGE_SET_PARTITIONS, imageSets.partitions().size());
        }
    }

    private static void kafkaRoundTrip(final PhenoConfig c) throws Exception {
        final String topic = "readiness-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, c.require(ConfigKey.KAFKA_BOOTSTRAP)))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClientConfigs.producer(c, "it-producer"))) {
            producer.send(new ProducerRecord<>(topic, "plate-1", PAYLOAD)).get(30, TimeUnit.SECONDS);
        }
        final List<ConsumerRecord<String, byte[]>> got = consume(c, topic, 1);
        assertEquals("plate-1", got.get(0).key());
        assertArrayEquals(PAYLOAD, got.get(0).value());
    }

    /** Transactions need the transaction-state topic, which a one-node broker can only host with RF 1 / min ISR 1. */
    private static void kafkaTransactionRoundTrip(final PhenoConfig c) throws Exception {
        final String topic = "readiness-tx-" + UUID.randomUUID();
        final Properties p = KafkaClientConfigs.producer(c, "it-tx-producer");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-tx-" + UUID.randomUUID());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "aborted", new byte[] {1}));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "committed", new byte[] {2}));
            producer.commitTransaction();
        }
        final List<ConsumerRecord<String, byte[]>> got = consume(c, topic, 1);
        assertEquals("committed", got.get(0).key(), "read_committed must skip the aborted record");
        assertArrayEquals(new byte[] {2}, got.get(0).value());
    }

    private static List<ConsumerRecord<String, byte[]>> consume(final PhenoConfig c, final String topic, final int n) {
        final List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
            KafkaClientConfigs.consumer(c, "it-" + UUID.randomUUID(), "it-consumer"))) {
            consumer.subscribe(List.of(topic));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (got.size() < n && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            }
        }
        assertEquals(n, got.size(), "records read back from " + topic);
        return got;
    }

    private static ImageRef s3RoundTrip(final PhenoConfig c) {
        assertEquals(PAYLOAD_SHA256, ObjectStore.sha256(PAYLOAD), "hand-computed sha256 of the payload");
        try (ObjectStore store = new ObjectStore(S3ClientFactory.create(c), c.require(ConfigKey.S3_BUCKET))) {
            final ImageRef ref = store.putImage("DNA", "A01_s1_DNA.tif", PAYLOAD);
            assertEquals(PAYLOAD_SHA256, ref.sha256());
            assertEquals(ObjectStore.imageKey(PAYLOAD_SHA256), ref.key());
            assertTrue(store.exists(ref.key()));
            final byte[] back = store.get(c.require(ConfigKey.S3_BUCKET), ref.key());
            assertArrayEquals(PAYLOAD, back);
            assertEquals(PAYLOAD_SHA256, ObjectStore.sha256(back));
            return ref;
        }
    }

    private static Connection connect(final PhenoConfig c) throws SQLException {
        return DriverManager.getConnection(c.require(ConfigKey.DB_URL), c.require(ConfigKey.DB_USER),
            c.get(ConfigKey.DB_PASSWORD).orElse(""));
    }

    private static void jdbcRoundTrip(final PhenoConfig c) throws SQLException {
        try (Connection db = connect(c); Statement s = db.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                assertTrue(rs.next());
                assertEquals(1, rs.getInt(1));
            }
            try (ResultSet rs = s.executeQuery("SELECT current_database(), current_setting('server_version_num')::int")) {
                assertTrue(rs.next());
                assertEquals("phenostream", rs.getString(1));
                assertTrue(rs.getInt(2) >= 170000, "PostgreSQL 17 expected, got " + rs.getInt(2));
            }
            s.execute("CREATE TABLE readiness_sample (id int PRIMARY KEY, note text NOT NULL)");
        }
    }

    private static void insertSample(final PhenoConfig c, final int id, final String note) throws SQLException {
        try (Connection db = connect(c);
             var ps = db.prepareStatement("INSERT INTO readiness_sample (id, note) VALUES (?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, note);
            assertEquals(1, ps.executeUpdate());
        }
    }

    private static List<String> samples(final PhenoConfig c) throws SQLException {
        final List<String> rows = new ArrayList<>();
        try (Connection db = connect(c); ResultSet rs = db.createStatement()
            .executeQuery("SELECT id, note FROM readiness_sample ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getInt(1) + ":" + rs.getString(2));
            }
        }
        return rows;
    }

    private static boolean listening(final String httpEndpoint) {
        final URI u = URI.create(httpEndpoint);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(u.getHost(), u.getPort()), 1000);
            return true;
        } catch (final IOException e) {
            return false;
        }
    }
}
