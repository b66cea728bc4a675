package io.phenostream.benchmarks;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.kafka.KafkaClientConfigs;
import io.phenostream.common.kafka.Topics;
import io.phenostream.infra.LocalInfrastructure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Producing site-features records to the embedded single-node KRaft broker of local mode (started in setup with
 * {@link LocalInfrastructure}, which also starts its S3 server; no database), with the services' producer settings
 * ({@link KafkaClientConfigs#producer}: {@code acks=all}, idempotent, lz4, {@code linger.ms} 5; the {@code lingerMs}
 * parameter also tries 0). The record is a real-sized {@link SiteFeatures} (53 features, image references, URIs;
 * {@code -p embeddingDim=192} for the default model's embedding) keyed by its plate run, as the extractor sends it.
 * <ul>
 *   <li>{@code sendAndWait}: one record, then wait for its acknowledgement (what the ingest does per image set);</li>
 *   <li>{@code sendBatchThenFlush}: 96 records (one 96-well plate's sites) sent without waiting, then one
 *       {@code flush}; reported per record.</li>
 * </ul>
 * Broker and producer share this JVM and its cores. Run: {@code java -jar benchmarks/target/benchmarks.jar KafkaProduce}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class KafkaProduceBenchmark {

    static final int BATCH = 96;
    private static final String UNUSED_DB_URL = "jdbc:postgresql://127.0.0.1:1/unused-by-kafka-benchmark";

    @Param({"5", "0"})
    int lingerMs;

    @Param({"0"})
    int embeddingDim;

    Path dataDir;
    LocalInfrastructure infra;
    Producer<String, byte[]> producer;
    String topic;
    final List<ProducerRecord<String, byte[]>> records = new ArrayList<>();

    @Setup
    public void setUp() throws IOException {
        dataDir = Files.createTempDirectory("kafka-produce-bench-");
        infra = IngestThroughputHarness.startQuietly(PhenoConfig.load(null)
            .with(ConfigKey.DATA_DIR, dataDir.toString())
            .with(ConfigKey.KAFKA_BOOTSTRAP, null)
            .with(ConfigKey.S3_ENDPOINT, null)
            .with(ConfigKey.DB_URL, UNUSED_DB_URL));
        final PhenoConfig config = infra.config();
        topic = Topics.name(config.get(ConfigKey.TOPIC_PREFIX).orElse(""), Topics.SITE_FEATURES);
        final Properties props = KafkaClientConfigs.producer(config, "kafka-produce-bench");
        props.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        producer = new KafkaProducer<>(props);
        final SyntheticScreenRecords plate = SyntheticScreenRecords.plate(PlateLayout.WELLS_96, 1, embeddingDim,
            "BENCH", "P1", 42);
        for (final SiteFeatures s : plate.sites) {
            records.add(new ProducerRecord<>(topic, s.runKey(),
                EventSerdes.siteFeatures().serializer().serialize(topic, s)));
        }
        System.out.printf("%n[KafkaProduce] %d records of %d bytes on average, linger.ms %d%n", records.size(),
            records.stream().mapToInt(r -> r.value().length).sum() / records.size(), lingerMs);
    }

    @TearDown
    public void tearDown() {
        if (producer != null) {
            producer.close();
        }
        if (infra != null) {
            infra.close();
        }
        if (dataDir != null) {
            IngestThroughputHarness.deleteRecursively(dataDir);
        }
    }

    @Benchmark
    public RecordMetadata sendAndWait() throws InterruptedException, ExecutionException {
        return producer.send(records.get(0)).get();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void sendBatchThenFlush() {
        for (int i = 0; i < BATCH; i++) {
            producer.send(records.get(i % records.size()));
        }
        producer.flush();
    }
}
