package io.phenostream.common.kafka;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Client configurations shared by every service: durable producers, manually committed consumers. */
public final class KafkaClientConfigs {

    private KafkaClientConfigs() {
    }

    /**
     * Bootstrap servers and the security settings ({@code phenostream.kafka.security.protocol}, {@code .sasl.*},
     * {@code .ssl.truststore}) that every client of a secured cluster needs: producers, consumers, admin clients
     * and Kafka Streams start from these.
     */
    public static Properties connection(final PhenoConfig config) {
        final Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.require(ConfigKey.KAFKA_BOOTSTRAP));
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, config.require(ConfigKey.KAFKA_SECURITY_PROTOCOL));
        config.get(ConfigKey.KAFKA_SASL_MECHANISM).ifPresent(m -> p.put(SaslConfigs.SASL_MECHANISM, m));
        config.get(ConfigKey.KAFKA_SASL_JAAS_CONFIG).ifPresent(j -> p.put(SaslConfigs.SASL_JAAS_CONFIG, j));
        config.get(ConfigKey.KAFKA_SSL_TRUSTSTORE).ifPresent(t -> {
            p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
            p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, t);
        });
        return p;
    }

    /** Idempotent, acks=all producer with String keys and byte[] values (events are serialized by their serde). */
    public static Properties producer(final PhenoConfig config, final String clientId) {
        final Properties p = connection(config);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /** Consumer that commits only when the service says its outputs are durable. */
    public static Properties consumer(final PhenoConfig config, final String groupId, final String clientId) {
        final Properties p = connection(config);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }
}
