package io.phenostream.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka broker (combined broker + controller) running in this JVM, built with Apache Kafka's
 * own {@link KafkaClusterTestKit}. Internal topics (consumer offsets, transaction state) have replication factor
 * and min ISR 1, so idempotent producers, transactions and Kafka Streams {@code exactly_once_v2} work on it.
 *
 * <p>Its logs live in the folder given to the constructor ({@code combined_0_0/} under it) and survive a restart:
 * the first start formats a cluster and records its id in {@code cluster.id}; later starts reuse that id and skip
 * formatting, so topics, records and committed offsets are still there (the compacted plate-runs and the
 * image-sets of earlier runs, which replays read).
 *
 * <p>The client listener gets a free port at the first start; a later {@link #start()} of the same instance binds
 * that port again, so clients that are still running reconnect on their own when the broker comes back (a broker
 * restart, as in production, rather than a new broker at a new address). A new instance picks a new port; clients
 * find the broker through {@link #bootstrapServers()}.
 */
public final class EmbeddedKafka implements AutoCloseable {

    static final String CLUSTER_ID_FILE = "cluster.id";
    /**
     * The client listener's name. Not the test kit's own broker listener name: the kit binds a socket on a random
     * port for that name before the broker starts and the broker takes it whatever port the configuration names, so
     * a fixed port is only possible on a listener the kit does not know about.
     */
    static final String CLIENT_LISTENER = "CLIENT";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final Path logDir;
    private KafkaClusterTestKit cluster;
    private String bootstrapServers;
    /** The client listener's port once bound (0 before the first start): later starts bind it again. */
    private int clientPort;
    private boolean newCluster;

    public EmbeddedKafka(final Path logDir) {
        this.logDir = logDir.toAbsolutePath().normalize();
    }

    /**
     * Broker settings for a one-node cluster; the test kit sets node ids, log dirs and the controller's port itself.
     *
     * @param clientPort         the client listener's port, 0 for any free one
     * @param controllerListener the test kit's controller listener name
     */
    static Map<String, String> brokerConfig(final int clientPort, final String controllerListener) {
        final Map<String, String> c = new LinkedHashMap<>();
        // The controller listener keeps the kit's name, so it gets the kit's pre-bound port that the quorum voters
        // name; the client listener is ours (see CLIENT_LISTENER).
        c.put("listeners", CLIENT_LISTENER + "://localhost:" + clientPort + "," + controllerListener + "://localhost:0");
        c.put("listener.security.protocol.map", CLIENT_LISTENER + ":PLAINTEXT," + controllerListener + ":PLAINTEXT");
        c.put("inter.broker.listener.name", CLIENT_LISTENER);
        c.put("controller.listener.names", controllerListener);
        c.put("offsets.topic.replication.factor", "1");
        // Fewer partitions than the default 50: the first consumer group / transaction starts much faster.
        c.put("offsets.topic.num.partitions", "5");
        c.put("transaction.state.log.replication.factor", "1");
        c.put("transaction.state.log.min.isr", "1");
        c.put("transaction.state.log.num.partitions", "5");
        c.put("share.coordinator.state.topic.replication.factor", "1");
        c.put("share.coordinator.state.topic.min.isr", "1");
        c.put("group.initial.rebalance.delay.ms", "0");
        c.put("min.insync.replicas", "1");
        c.put("default.replication.factor", "1");
        return c;
    }

    /**
     * Starts the broker on the log folder, formatting a new cluster there unless one was formatted before, and
     * waits until it accepts clients.
     */
    public synchronized void start() {
        if (cluster != null) {
            throw new IllegalStateException("Embedded Kafka in " + logDir + " is already running");
        }
        QuietServerLogging.apply();
        DataDirectory.ensureWritable(logDir, "Kafka logs");
        final Path idFile = logDir.resolve(CLUSTER_ID_FILE);
        String clusterId = null;
        try {
            if (Files.isRegularFile(idFile)) {
                clusterId = Files.readString(idFile, StandardCharsets.UTF_8).trim();
            }
        } catch (final IOException e) {
            throw new IllegalStateException("Cannot read " + idFile + ": " + e.getMessage(), e);
        }
        final boolean formatted = clusterId != null && !clusterId.isEmpty();
        if (!formatted) {
            // A folder without a recorded cluster is from an older version or a failed start: start clean.
            DataDirectory.deleteRecursively(logDir);
            DataDirectory.ensureWritable(logDir, "Kafka logs");
            clusterId = Uuid.randomUuid().toString();
        }
        final long t0 = System.nanoTime();
        KafkaClusterTestKit kit = null;
        try {
            final TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                .setBaseDirectory(logDir)
                .setClusterId(clusterId)
                .build();
            final KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(false);
            brokerConfig(clientPort, nodes.controllerListenerName().value()).forEach(builder::setConfigProp);
            kit = builder.build();
            if (!formatted) {
                kit.format();
                Files.writeString(idFile, clusterId, StandardCharsets.UTF_8);
            }
            kit.startup();
            kit.waitForReadyBrokers();
            cluster = kit;
            clientPort = kit.brokers().values().iterator().next().boundPort(new ListenerName(CLIENT_LISTENER));
            bootstrapServers = "localhost:" + clientPort;
            newCluster = !formatted;
        } catch (final Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            closeQuietly(kit);
            throw new IllegalStateException("Cannot start the embedded Kafka broker with logs in " + logDir + ": "
                + DataDirectory.describe(e) + (formatted ? " (to start afresh: ./screen demo, or delete " + logDir
                + ")" : ""), e);
        }
        LOG.info("Embedded Kafka broker at {} ({} cluster {}, logs in {}) started in {} ms", bootstrapServers,
            formatted ? "existing" : "new", clusterId, logDir, (System.nanoTime() - t0) / 1_000_000);
    }

    /** {@code host:port} of the broker's client listener. */
    public synchronized String bootstrapServers() {
        if (cluster == null) {
            throw new IllegalStateException("Embedded Kafka in " + logDir + " is not running");
        }
        return bootstrapServers;
    }

    /** Whether the last {@link #start()} formatted a new cluster (nothing from earlier starts is there). */
    public synchronized boolean isNewCluster() {
        return newCluster;
    }

    public Path logDir() {
        return logDir;
    }

    public synchronized boolean isRunning() {
        return cluster != null;
    }

    /** Stops the broker, keeping its log folder; idempotent, never throws. */
    @Override
    public synchronized void close() {
        final KafkaClusterTestKit kit = cluster;
        cluster = null;
        bootstrapServers = null;
        if (kit == null) {
            return;
        }
        closeQuietly(kit);
    }

    private static void closeQuietly(final KafkaClusterTestKit kit) {
        if (kit == null) {
            return;
        }
        try {
            kit.close();
        } catch (final Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("Embedded Kafka did not close cleanly: {}", DataDirectory.describe(e));
        }
    }
}
