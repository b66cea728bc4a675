package io.phenostream.common.config;

/**
 * Every configuration key of every service. A key {@code phenostream.kafka.bootstrap} is read from the system
 * property of that name, the environment variable {@code PHENOSTREAM_KAFKA_BOOTSTRAP}, or a properties file, in
 * that order. In local mode the embedded infrastructure fills the connection keys that are not set.
 */
public enum ConfigKey {
    DATA_DIR("phenostream.data.dir", ".phenostream", "directory for local-mode data (Kafka logs, S3 objects, PostgreSQL)"),
    KAFKA_BOOTSTRAP("phenostream.kafka.bootstrap", null, "Kafka bootstrap servers; unset = start an embedded broker"),
    KAFKA_REPLICATION("phenostream.kafka.replication", "1", "replication factor of topics the services create"),
    KAFKA_SECURITY_PROTOCOL("phenostream.kafka.security.protocol", "PLAINTEXT",
        "Kafka security.protocol of every client: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL"),
    KAFKA_SASL_MECHANISM("phenostream.kafka.sasl.mechanism", null, "Kafka sasl.mechanism, e.g. SCRAM-SHA-512; unset = none"),
    KAFKA_SASL_JAAS_CONFIG("phenostream.kafka.sasl.jaas-config", null,
        "Kafka sasl.jaas.config (e.g. the sasl.jaas.config of a Strimzi KafkaUser Secret; never logged)"),
    KAFKA_SSL_TRUSTSTORE("phenostream.kafka.ssl.truststore", null,
        "PEM file of the CA certificates that sign the brokers' certificates (e.g. Strimzi's ca.crt); unset = JVM default"),
    TOPIC_PREFIX("phenostream.topic.prefix", "", "prefix added to every topic name"),
    S3_ENDPOINT("phenostream.s3.endpoint", null, "S3 endpoint URL; unset = start an embedded S3 server"),
    S3_REGION("phenostream.s3.region", "us-east-1", "S3 region"),
    S3_ACCESS_KEY("phenostream.s3.access-key", "phenostream", "S3 access key"),
    S3_SECRET_KEY("phenostream.s3.secret-key", "phenostream-local-secret", "S3 secret key (never logged)"),
    S3_BUCKET("phenostream.s3.bucket", "phenostream", "bucket for images and per-cell data"),
    S3_PATH_STYLE("phenostream.s3.path-style", "true", "path-style S3 addressing (needed by most non-AWS servers)"),
    DB_URL("phenostream.db.url", null, "JDBC URL of PostgreSQL; unset = start an embedded PostgreSQL"),
    DB_USER("phenostream.db.user", "postgres", "database user of the sink (read-write)"),
    DB_PASSWORD("phenostream.db.password", "", "database password (never logged)"),
    DB_READER_USER("phenostream.db.reader.user", "phenostream_reader",
        "read-only role of the query API (created NOLOGIN by migration V3)"),
    DB_READER_PASSWORD("phenostream.db.reader.password", null,
        "password of the reader role; unset = log in as phenostream.db.user and SET ROLE to the reader (never logged)"),
    RESULTS_HTTP_PORT("phenostream.results.http.port", "8080", "port of the results query API and web UI"),
    RESULTS_HTTP_BIND("phenostream.results.http.bind", "127.0.0.1",
        "address the results API binds; 0.0.0.0 = all interfaces (it has no authentication: put a proxy in front)"),
    EXTRACTOR_THREADS("phenostream.extractor.threads", "0", "image analysis threads; 0 = number of cores"),
    EXTRACTOR_S3_RETRY_MS("phenostream.extractor.s3-retry-ms", "300000",
        "how long the extractor retries a site's images while S3 is unreachable (transport errors, 5xx, throttling) "
            + "before dead-lettering the site"),
    EXTRACTOR_IO_THREADS("phenostream.extractor.io-threads", "0",
        "S3 threads of a worker's fetch pool, and as many again in its store pool (so fetches never queue behind "
            + "stores); 0 = max(2, analysis threads)"),
    EXTRACTOR_REPLAY_THREADS("phenostream.extractor.replay.threads", "1",
        "image analysis threads of a replay worker (image-sets-replay); 0 = number of cores"),
    MANAGEMENT_PORT("phenostream.management.port", "9400",
        "port of a service's /health/live, /health/ready and /metrics (screen extractor|scorer|sink); 0 = any"),
    REPLAY_RATE("phenostream.replay.images-per-second", "0",
        "default rate limit of a replay in images per second (all channels of a site count); 0 = none"),
    MODELS_DIR("phenostream.models.dir", "models", "root of the embedding models: <dir>/<name>/<version>/model.pt"),
    EMBEDDING_DEVICE("phenostream.embedding.device", "auto", "where embedding runs: auto (GPU if DJL sees one), cpu, gpu"),
    EMBEDDING_MAX_BATCH("phenostream.embedding.max-batch", "64", "most crops per forward pass"),
    EMBEDDING_MAX_WAIT_MS("phenostream.embedding.max-wait-ms", "20", "longest a crop waits for its batch to fill"),
    EXTRACTOR_COMMIT_INTERVAL_MS("phenostream.extractor.commit-interval-ms", "200",
        "how often a worker commits the offsets of sites whose outputs are written"),
    SCORER_APPLICATION_ID("phenostream.scorer.application-id", "phenostream-scorer", "Kafka Streams application.id"),
    SCORER_STATE_DIR("phenostream.scorer.state-dir", null, "Kafka Streams state directory; unset = under the data dir"),
    SCORER_PUNCTUATE_MS("phenostream.scorer.punctuate-ms", "1000", "how often partial plate results are recomputed"),
    SCORER_PARTIAL_STEP("phenostream.scorer.partial-step", "0.1",
        "share of a plate's expected sites that must arrive between two partial updates of its well profiles and"
            + " compound scores (plate QC is updated at every recompute; final results always); 0 = every recompute"),
    INGEST_UPLOAD_THREADS("phenostream.ingest.upload-threads", "4", "parallel image uploads per ingest"),
    INGEST_MULTIPART_THRESHOLD("phenostream.ingest.multipart-threshold", "16777216",
        "images at least this many bytes are uploaded in parts"),
    INGEST_PART_SIZE("phenostream.ingest.part-size", "8388608", "multipart part size in bytes (S3 minimum 5 MiB)"),
    INGEST_RETRIES("phenostream.ingest.retries", "5", "attempts per S3 operation before an ingest fails"),
    INGEST_RETRY_BACKOFF_MS("phenostream.ingest.retry-backoff-ms", "250", "first retry delay; doubles per attempt"),
    INGEST_PUBLISH_TIMEOUT_MS("phenostream.ingest.publish-timeout-ms", "60000",
        "how long the producer retries a record before the ingest fails"),
    INGEST_HTTP_PORT("phenostream.ingest.http.port", "8081", "port of the ingest HTTP API"),
    IMAGE_MAX_PIXELS("phenostream.image.max-pixels", "100000000",
        "largest image accepted, in pixels over all its pages; larger ones are refused from their header, before decoding"),
    INGEST_HTTP_TOKEN("phenostream.ingest.http.token", null, "bearer token the ingest HTTP API requires (never logged)"),
    INGEST_OBJECTS_ALLOWED_BUCKETS("phenostream.ingest.objects.allowed-buckets", null,
        "comma list of the buckets POST .../objects may copy images from; unset = only phenostream.s3.bucket"),
    INGEST_WATCH_MARKER("phenostream.ingest.watch.marker", "COMPLETE",
        "file whose appearance marks a watched plate folder as complete"),
    INGEST_WATCH_STABLE_SECONDS("phenostream.ingest.watch.stable-seconds", "300",
        "a watched folder without marker is ingested once its file set is unchanged this long; 0 = marker only");

    private final String key;
    private final String defaultValue;
    private final String description;

    ConfigKey(final String key, final String defaultValue, final String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    public String envName() {
        return key.toUpperCase().replace('.', '_').replace('-', '_');
    }

    public boolean isSecret() {
        return this == S3_SECRET_KEY || this == KAFKA_SASL_JAAS_CONFIG || this == DB_PASSWORD || this == DB_READER_PASSWORD
            || this == INGEST_HTTP_TOKEN;
    }
}
