package io.phenostream.cli;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.kafka.TopicCreator;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.common.s3.S3ClientFactory;
import io.phenostream.ingest.PlateIngestor;
import io.phenostream.ingest.RunPublisher;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

/** The ingest side of a running pipeline (distributed mode): the configured Kafka and S3, nothing embedded. */
final class ExternalIngest implements AutoCloseable {

    private final ObjectStore objects;
    private final Producer<String, byte[]> producer;
    private final PlateIngestor ingestor;

    private ExternalIngest(final PhenoConfig config) {
        this.objects = new ObjectStore(S3ClientFactory.create(config), config.require(ConfigKey.S3_BUCKET));
        this.producer = new KafkaProducer<>(RunPublisher.producerConfig(config));
        this.ingestor = new PlateIngestor(objects, producer, config);
    }

    /** Whether the configuration names a Kafka cluster (else the command runs the local pipeline). */
    static boolean configured(final PhenoConfig config) {
        return config.get(ConfigKey.KAFKA_BOOTSTRAP).isPresent();
    }

    static ExternalIngest connect(final PhenoConfig config) {
        if (!configured(config)) {
            throw new IllegalArgumentException("This command pushes to a running pipeline: set "
                + ConfigKey.KAFKA_BOOTSTRAP.key() + " (env " + ConfigKey.KAFKA_BOOTSTRAP.envName() + ") and "
                + ConfigKey.S3_ENDPOINT.key() + ", or use `./screen run DIR` for the all-in-one local mode");
        }
        TopicCreator.ensureTopics(config);
        final ExternalIngest ingest = new ExternalIngest(config);
        ingest.objects.ensureBucket();
        return ingest;
    }

    PlateIngestor ingestor() {
        return ingestor;
    }

    ObjectStore objects() {
        return objects;
    }

    @Override
    public void close() {
        producer.close();
        objects.close();
    }
}
