package io.phenostream.infra;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.kafka.TopicCreator;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.common.s3.S3ClientFactory;
import io.phenostream.common.kafka.TopicSpec;
import io.phenostream.common.kafka.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local mode: starts, in this JVM, whichever of Kafka, S3 and PostgreSQL the configuration does not point
 * elsewhere, with all their data under {@code phenostream.data.dir} ({@code kafka/}, {@code s3/},
 * {@code postgres/}), then creates the topic catalogue and the bucket. {@link #config()} is the input
 * configuration with the connection keys filled in, ready to hand to every service.
 *
 * <pre>{@code
 * try (LocalInfrastructure infra = LocalInfrastructure.start(PhenoConfig.load(null))) {
 *     runServices(infra.config());
 * }
 * }</pre>
 */
public final class LocalInfrastructure implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalInfrastructure.class);

    public static final String KAFKA_DIR = "kafka";
    public static final String S3_DIR = "s3";
    public static final String POSTGRES_DIR = "postgres";

    private static final Duration TOPIC_WAIT = Duration.ofSeconds(30);

    private final PhenoConfig config;
    private final Path dataDir;
    private final AutoCloseable dataDirLock;
    private final EmbeddedKafka kafka;
    private final EmbeddedS3 s3;
    private final EmbeddedPostgresServer postgres;
    private boolean closed;

    private LocalInfrastructure(final PhenoConfig config, final Path dataDir, final AutoCloseable dataDirLock,
                                final EmbeddedKafka kafka, final EmbeddedS3 s3, final EmbeddedPostgresServer postgres) {
        this.config = config;
        this.dataDir = dataDir;
        this.dataDirLock = dataDirLock;
        this.kafka = kafka;
        this.s3 = s3;
        this.postgres = postgres;
    }

    /** Starts what {@code config} does not point elsewhere, keeping the data of earlier runs (S3, PostgreSQL). */
    public static LocalInfrastructure start(final PhenoConfig config) {
        return start(config, false);
    }

    /**
     * Starts the embedded servers the configuration needs: {@code phenostream.kafka.bootstrap} unset = a broker,
     * {@code phenostream.s3.endpoint} unset = an S3 server, {@code phenostream.db.url} unset = PostgreSQL.
     *
     * @param fresh wipe the data folders of the embedded servers about to start before starting them
     * @throws IllegalStateException naming the folder or server when a folder is not writable or a server or the
     *     topic / bucket creation fails; whatever had started is stopped again
     */
    public static LocalInfrastructure start(final PhenoConfig config, final boolean fresh) {
        final long t0 = System.nanoTime();
        final boolean needKafka = config.get(ConfigKey.KAFKA_BOOTSTRAP).isEmpty();
        final boolean needS3 = config.get(ConfigKey.S3_ENDPOINT).isEmpty();
        final boolean needPostgres = config.get(ConfigKey.DB_URL).isEmpty();

        Path dataDir = Path.of(config.require(ConfigKey.DATA_DIR)).toAbsolutePath().normalize();
        AutoCloseable lock = null;
        if (needKafka || needS3 || needPostgres) {
            dataDir = DataDirectory.ensureWritable(dataDir, "phenostream.data.dir");
            lock = DataDirectory.lock(dataDir);
        }
        final EmbeddedKafka kafka = needKafka ? new EmbeddedKafka(dataDir.resolve(KAFKA_DIR)) : null;
        final EmbeddedS3 s3 = needS3 ? new EmbeddedS3(dataDir.resolve(S3_DIR), config) : null;
        final EmbeddedPostgresServer postgres = needPostgres ? new EmbeddedPostgresServer(dataDir.resolve(POSTGRES_DIR)) : null;
        try {
            if (fresh) {
                wipe(dataDir, needKafka, needS3, needPostgres);
            }
            if (kafka != null) {
                QuietServerLogging.apply(); // before any thread touches the broker classes
            }
            startInParallel(kafka, s3, postgres);
        } catch (final RuntimeException e) {
            closeQuietly(lock);
            throw e;
        }

        PhenoConfig resolved = config;
        if (kafka != null) {
            resolved = resolved.with(ConfigKey.KAFKA_BOOTSTRAP, kafka.bootstrapServers())
                // a single broker cannot hold more than one replica
                .with(ConfigKey.KAFKA_REPLICATION, "1");
        }
        if (s3 != null) {
            resolved = resolved.with(ConfigKey.S3_ENDPOINT, s3.endpoint()).with(ConfigKey.S3_PATH_STYLE, "true");
        }
        if (postgres != null) {
            resolved = resolved.with(ConfigKey.DB_URL, postgres.jdbcUrl())
                .with(ConfigKey.DB_USER, postgres.user())
                .with(ConfigKey.DB_PASSWORD, postgres.password());
        }
        final LocalInfrastructure infra = new LocalInfrastructure(resolved, dataDir, lock, kafka, s3, postgres);
        try {
            infra.createTopicsAndBucket();
        } catch (final RuntimeException e) {
            infra.close();
            throw e;
        }
        LOG.info("Local infrastructure ready in {} ms: kafka={}{}, s3={}{}, db={}{}{}",
            (System.nanoTime() - t0) / 1_000_000,
            resolved.require(ConfigKey.KAFKA_BOOTSTRAP), kafka != null ? " (embedded)" : "",
            resolved.require(ConfigKey.S3_ENDPOINT), s3 != null ? " (embedded)" : "",
            resolved.require(ConfigKey.DB_URL), postgres != null ? " (embedded)" : "",
            lock != null ? ", data in " + dataDir : "");
        return infra;
    }

    private static void wipe(final Path dataDir, final boolean kafka, final boolean s3, final boolean postgres) {
        if (kafka) {
            DataDirectory.deleteRecursively(dataDir.resolve(KAFKA_DIR));
        }
        if (s3) {
            DataDirectory.deleteRecursively(dataDir.resolve(S3_DIR));
        }
        if (postgres) {
            DataDirectory.deleteRecursively(dataDir.resolve(POSTGRES_DIR));
        }
    }

    /**
     * The three servers share nothing (separate folders, ports picked by each) and each takes 1-3 s, mostly
     * waiting, so they start on their own threads. If one fails, the others are stopped before the error is thrown.
     */
    private static void startInParallel(final EmbeddedKafka kafka, final EmbeddedS3 s3, final EmbeddedPostgresServer postgres) {
        final List<AutoCloseable> started = new ArrayList<>();
        final List<CompletableFuture<Void>> futures = new ArrayList<>();
        final AtomicInteger threadNo = new AtomicInteger();
        final ExecutorService pool = Executors.newFixedThreadPool(3, r -> {
            final Thread t = new Thread(r, "local-infra-start-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            if (kafka != null) {
                futures.add(CompletableFuture.runAsync(kafka::start, pool));
                started.add(kafka);
            }
            if (s3 != null) {
                futures.add(CompletableFuture.runAsync(s3::start, pool));
                started.add(s3);
            }
            if (postgres != null) {
                futures.add(CompletableFuture.runAsync(postgres::start, pool));
                started.add(postgres);
            }
            final List<RuntimeException> failures = new ArrayList<>();
            for (final CompletableFuture<Void> f : futures) {
                try {
                    f.join();
                } catch (final CompletionException e) {
                    failures.add(e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause()));
                }
            }
            if (!failures.isEmpty()) {
                for (int i = started.size() - 1; i >= 0; i--) {
                    closeQuietly(started.get(i));
                }
                final RuntimeException first = failures.get(0);
                for (int i = 1; i < failures.size(); i++) {
                    first.addSuppressed(failures.get(i));
                }
                throw first;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void createTopicsAndBucket() {
        final String bootstrap = config.require(ConfigKey.KAFKA_BOOTSTRAP);
        final String prefix = config.get(ConfigKey.TOPIC_PREFIX).orElse("");
        TopicCreator.ensureTopics(bootstrap, prefix, (short) config.getInt(ConfigKey.KAFKA_REPLICATION));
        awaitTopicsVisible(bootstrap, prefix);
        final String bucket = config.require(ConfigKey.S3_BUCKET);
        try (ObjectStore store = new ObjectStore(S3ClientFactory.create(config), bucket)) {
            store.ensureBucket();
        } catch (final RuntimeException e) {
            throw new IllegalStateException("Cannot create bucket " + bucket + " on " + config.require(ConfigKey.S3_ENDPOINT)
                + ": " + DataDirectory.describe(e), e);
        }
    }

    /**
     * createTopics returns once the controller has committed the topics; the broker's metadata cache follows a
     * moment later. Waiting here means a service started right after us never sees UNKNOWN_TOPIC_OR_PARTITION.
     */
    private static void awaitTopicsVisible(final String bootstrap, final String prefix) {
        final Set<String> expected = new TreeSet<>();
        for (final TopicSpec spec : Topics.catalogue()) {
            expected.add(Topics.name(prefix, spec.name()));
        }
        final long deadline = System.nanoTime() + TOPIC_WAIT.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Set<String> visible = Set.of();
            while (System.nanoTime() < deadline) {
                visible = admin.listTopics().names().get(TOPIC_WAIT.toSeconds(), TimeUnit.SECONDS);
                if (visible.containsAll(expected)) {
                    return;
                }
                Thread.sleep(50);
            }
            final Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(visible);
            throw new IllegalStateException("Topics " + missing + " not visible on " + bootstrap + " after "
                + TOPIC_WAIT.toSeconds() + " s");
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for topics on " + bootstrap, e);
        } catch (final ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot list topics on " + bootstrap + ": " + DataDirectory.describe(e), e);
        }
    }

    /** The input configuration with Kafka, S3 and database connection keys pointing at the running servers. */
    public PhenoConfig config() {
        return config;
    }

    /** The absolute data directory ({@code phenostream.data.dir}). */
    public Path dataDir() {
        return dataDir;
    }

    /** Whether this instance runs its own broker (false when the configuration named one). */
    public boolean hasEmbeddedKafka() {
        return kafka != null;
    }

    /**
     * Whether this instance's broker formatted a new cluster at this start (first start, or after a wipe):
     * local Kafka Streams state from before then belongs to another cluster and must go.
     */
    public boolean hasNewEmbeddedKafka() {
        return kafka != null && kafka.isNewCluster();
    }

    public boolean hasEmbeddedS3() {
        return s3 != null;
    }

    public boolean hasEmbeddedPostgres() {
        return postgres != null;
    }

    /** Stops the embedded servers in reverse start order (PostgreSQL, S3, Kafka). Idempotent, never throws. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(postgres);
        closeQuietly(s3);
        closeQuietly(kafka);
        closeQuietly(dataDirLock);
        if (kafka != null || s3 != null || postgres != null) {
            LOG.info("Local infrastructure stopped");
        }
    }

    private static void closeQuietly(final AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (final Exception e) {
            LOG.warn("Error while stopping {}: {}", c.getClass().getSimpleName(), DataDirectory.describe(e));
        }
    }

    /** Runs the local infrastructure alone until Ctrl-C, printing the connection settings. */
    public static void main(final String[] args) throws InterruptedException {
        final boolean fresh = List.of(args).contains("--fresh");
        final LocalInfrastructure infra = start(PhenoConfig.load(null), fresh);
        final CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            infra.close();
            stop.countDown();
        }, "local-infra-shutdown"));
        final PhenoConfig c = infra.config();
        System.out.println(ConfigKey.KAFKA_BOOTSTRAP.key() + "=" + c.require(ConfigKey.KAFKA_BOOTSTRAP));
        System.out.println(ConfigKey.S3_ENDPOINT.key() + "=" + c.require(ConfigKey.S3_ENDPOINT));
        System.out.println(ConfigKey.DB_URL.key() + "=" + c.require(ConfigKey.DB_URL));
        System.out.println(ConfigKey.DB_USER.key() + "=" + c.require(ConfigKey.DB_USER));
        System.out.println("Data in " + infra.dataDir() + "; Ctrl-C stops.");
        stop.await();
    }
}
