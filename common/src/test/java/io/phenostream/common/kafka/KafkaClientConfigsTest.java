package io.phenostream.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaClientConfigsTest {

    @Test
    void plaintextByDefault() {
        final Properties p = KafkaClientConfigs.connection(PhenoConfig.defaults().with(ConfigKey.KAFKA_BOOTSTRAP, "k:9092"));
        assertEquals("k:9092", p.get("bootstrap.servers"));
        assertEquals("PLAINTEXT", p.get("security.protocol"));
        assertFalse(p.containsKey("sasl.mechanism"));
        assertFalse(p.containsKey("ssl.truststore.location"));
    }

    @Test
    void everyClientCarriesTheSecuritySettings() {
        final String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";";
        final PhenoConfig c = PhenoConfig.defaults().with(ConfigKey.KAFKA_BOOTSTRAP, "k:9093")
            .with(ConfigKey.KAFKA_SECURITY_PROTOCOL, "SASL_SSL").with(ConfigKey.KAFKA_SASL_MECHANISM, "SCRAM-SHA-512")
            .with(ConfigKey.KAFKA_SASL_JAAS_CONFIG, jaas).with(ConfigKey.KAFKA_SSL_TRUSTSTORE, "/etc/ca/ca.crt");
        for (final Properties p : new Properties[] {KafkaClientConfigs.connection(c),
            KafkaClientConfigs.producer(c, "x"), KafkaClientConfigs.consumer(c, "g", "x")}) {
            assertEquals("SASL_SSL", p.get("security.protocol"));
            assertEquals("SCRAM-SHA-512", p.get("sasl.mechanism"));
            assertEquals(jaas, p.get("sasl.jaas.config"));
            assertEquals("PEM", p.get("ssl.truststore.type"));
            assertEquals("/etc/ca/ca.crt", p.get("ssl.truststore.location"));
        }
    }
}
