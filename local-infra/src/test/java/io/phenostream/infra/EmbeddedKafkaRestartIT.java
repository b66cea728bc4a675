package io.phenostream.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker keeps its data across a restart: a compacted topic's records and a group's committed offsets
 * written before {@link EmbeddedKafka#close()} are there after the next {@link EmbeddedKafka#start()} on the same
 * folder (replays read the plate-runs and image-sets of earlier local runs).
 */
@Tag("integration")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedKafkaRestartIT {

    @Test
    void recordsAndCommittedOffsetsSurviveARestart(@TempDir final Path dir) throws Exception {
        final Path logs = dir.resolve("kafka");
        final TopicPartition tp = new TopicPartition("plate-runs", 0);
        String firstBootstrap;
        try (EmbeddedKafka kafka = new EmbeddedKafka(logs)) {
            kafka.start();
            firstBootstrap = kafka.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("plate-runs", 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
            }
            try (KafkaProducer<String, String> p = new KafkaProducer<>(producer(kafka.bootstrapServers()))) {
                p.send(new ProducerRecord<>("plate-runs", "E/P1/r1", "run one")).get();
                p.send(new ProducerRecord<>("plate-runs", "E/P2/r1", "run two")).get();
            }
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumer(kafka.bootstrapServers()))) {
                c.assign(List.of(tp));
                c.commitSync(Map.of(tp, new OffsetAndMetadata(1)));
            }
        }
        assertTrue(Files.isRegularFile(logs.resolve(EmbeddedKafka.CLUSTER_ID_FILE)));

        try (EmbeddedKafka kafka = new EmbeddedKafka(logs)) {
            kafka.start();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                assertEquals(Set.of("plate-runs"), admin.listTopics().names().get(), "was " + firstBootstrap);
            }
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumer(kafka.bootstrapServers()))) {
                assertEquals(1, c.committed(Set.of(tp)).get(tp).offset(), "the group's committed offset");
                c.assign(List.of(tp));
                c.seekToBeginning(List.of(tp));
                final List<String> values = new ArrayList<>();
                final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (values.size() < 2 && System.nanoTime() < deadline) {
                    c.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.key() + "=" + r.value()));
                }
                assertEquals(List.of("E/P1/r1=run one", "E/P2/r1=run two"), values);
            }
        }
    }

    /**
     * The same instance started again binds the same client port: a producer and a consumer created before the
     * broker stopped carry on after it is back, with no new bootstrap address (the broker-outage ITs rely on it).
     */
    @Test
    void aRestartedBrokerKeepsItsPortSoRunningClientsReconnect(@TempDir final Path dir) throws Exception {
        final TopicPartition tp = new TopicPartition("image-sets", 0);
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"))) {
            kafka.start();
            final String bootstrap = kafka.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(new NewTopic("image-sets", 1, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> p = new KafkaProducer<>(producer(bootstrap));
                 KafkaConsumer<String, String> c = new KafkaConsumer<>(consumer(bootstrap))) {
                p.send(new ProducerRecord<>("image-sets", "s1", "before")).get();
                c.assign(List.of(tp));
                c.seekToBeginning(List.of(tp));
                final List<String> values = new ArrayList<>(pollUntil(c, 1));

                kafka.close();
                kafka.start();
                assertEquals(bootstrap, kafka.bootstrapServers(), "same address after the restart");

                p.send(new ProducerRecord<>("image-sets", "s2", "after")).get(30, TimeUnit.SECONDS);
                values.addAll(pollUntil(c, 1));
                assertEquals(List.of("before", "after"), values);
            }
        }
    }

    private static List<String> pollUntil(final KafkaConsumer<String, String> c, final int n) {
        final List<String> values = new ArrayList<>();
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (values.size() < n && System.nanoTime() < deadline) {
            c.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
        }
        return values;
    }

    private static Properties producer(final String bootstrap) {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return p;
    }

    private static Properties consumer(final String bootstrap) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "restart-it");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return p;
    }
}
