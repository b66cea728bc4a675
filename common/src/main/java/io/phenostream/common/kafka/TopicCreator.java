package io.phenostream.common.kafka;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the catalogue's topics that are missing; safe to run at every start-up of every service. */
public final class TopicCreator {

    private static final Logger LOG = LoggerFactory.getLogger(TopicCreator.class);

    private TopicCreator() {
    }

    public static void ensureTopics(final String bootstrapServers, final String prefix, final short replicationFactor) {
        final Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        ensureTopics(props, prefix, replicationFactor);
    }

    /** The same on the configured cluster, with its security settings ({@link KafkaClientConfigs#connection}). */
    public static void ensureTopics(final PhenoConfig config) {
        ensureTopics(KafkaClientConfigs.connection(config), config.get(ConfigKey.TOPIC_PREFIX).orElse(""),
            (short) config.getInt(ConfigKey.KAFKA_REPLICATION));
    }

    private static void ensureTopics(final Properties props, final String prefix, final short replicationFactor) {
        final String bootstrapServers = props.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        try (Admin admin = Admin.create(props)) {
            final Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            final List<NewTopic> missing = new ArrayList<>();
            for (final TopicSpec spec : Topics.catalogue()) {
                final String name = Topics.name(prefix, spec.name());
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, spec.partitions(), replicationFactor).configs(Map.copyOf(spec.configs())));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            for (final NewTopic t : missing) {
                try {
                    admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
                    LOG.info("Created topic {} ({} partitions)", t.name(), t.numPartitions());
                } catch (final ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (final ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create topics on " + bootstrapServers + ": " + e.getMessage(), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        }
    }
}
