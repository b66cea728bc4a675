package io.phenostream.infra;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * <p>Its logs live in the folder given to the constructor ({@code combined_0_0/} under it). The test kit formats a
 * new cluster at every start, so the broker's data does not survive a restart: {@link #start()} wipes the folder
 * first and {@link #close()} deletes it.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final Path logDir;
    private KafkaClusterTestKit cluster;
    private String bootstrapServers;

    public EmbeddedKafka(final Path logDir) {
        this.logDir = logDir.toAbsolutePath().normalize();
    }

    /** Broker settings for a one-node cluster; the test kit sets listeners, node ids and log dirs itself. */
    static Map<String, String> brokerConfig() {
        final Map<String, String> c = new LinkedHashMap<>();
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

    /** Formats a fresh cluster under the log folder and waits until the broker accepts clients. */
    public synchronized void start() {
        if (cluster != null) {
            throw new IllegalStateException("Embedded Kafka in " + logDir + " is already running");
        }
        QuietServerLogging.apply();
        DataDirectory.deleteRecursively(logDir);
        DataDirectory.ensureWritable(logDir, "Kafka logs");
        final long t0 = System.nanoTime();
        KafkaClusterTestKit kit = null;
        try {
            final TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                .setBaseDirectory(logDir)
                .build();
            final KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(true);
            brokerConfig().forEach(builder::setConfigProp);
            kit = builder.build();
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            cluster = kit;
            bootstrapServers = kit.bootstrapServers();
        } catch (final Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            closeQuietly(kit);
            DataDirectory.deleteRecursively(logDir);
            throw new IllegalStateException("Cannot start the embedded Kafka broker with logs in " + logDir + ": "
                + DataDirectory.describe(e), e);
        }
        LOG.info("Embedded Kafka broker at {} (logs in {}) started in {} ms", bootstrapServers, logDir,
            (System.nanoTime() - t0) / 1_000_000);
    }

    /** {@code host:port} of the broker's client listener. */
    public synchronized String bootstrapServers() {
        if (cluster == null) {
            throw new IllegalStateException("Embedded Kafka in " + logDir + " is not running");
        }
        return bootstrapServers;
    }

    public Path logDir() {
        return logDir;
    }

    public synchronized boolean isRunning() {
        return cluster != null;
    }

    /** Stops the broker and deletes its log folder; idempotent, never throws. */
    @Override
    public synchronized void close() {
        final KafkaClusterTestKit kit = cluster;
        cluster = null;
        bootstrapServers = null;
        if (kit == null) {
            return;
        }
        closeQuietly(kit);
        try {
            DataDirectory.deleteRecursively(logDir);
        } catch (final RuntimeException e) {
            LOG.warn("Could not delete Kafka log folder {}: {}", logDir, e.getMessage());
        }
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
