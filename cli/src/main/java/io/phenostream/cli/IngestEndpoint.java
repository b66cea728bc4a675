package io.phenostream.cli;

import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.ingest.PlateIngestor;
import io.phenostream.sink.api.ResultsServer;
import java.io.IOException;

/**
 * Where the long-running ingest commands ({@code watch}, {@code ingest-server}) push: the configured pipeline
 * when Kafka is configured (distributed mode: the services run elsewhere), else the local pipeline they start,
 * with the results API and web UI so results can be read while it runs.
 */
final class IngestEndpoint implements AutoCloseable {

    private final ExternalIngest external;
    private final LocalPipeline local;
    private final ResultsServer queries;
    private final PhenoConfig config;

    private IngestEndpoint(final ExternalIngest external, final LocalPipeline local, final ResultsServer queries,
                           final PhenoConfig config) {
        this.external = external;
        this.local = local;
        this.queries = queries;
        this.config = config;
    }

    static IngestEndpoint open(final PhenoConfig config, final int queryPort) throws IOException {
        if (ExternalIngest.configured(config)) {
            return new IngestEndpoint(ExternalIngest.connect(config), null, null, config);
        }
        final LocalPipeline pipeline = LocalPipeline.start(config, false);
        try {
            return new IngestEndpoint(null, pipeline, ServeCommand.start(pipeline.config(), pipeline.objects(), queryPort, null), pipeline.config());
        } catch (final RuntimeException e) {
            pipeline.close();
            throw e;
        }
    }

    PlateIngestor ingestor() {
        return external != null ? external.ingestor() : local.ingestor();
    }

    ObjectStore objects() {
        return external != null ? external.objects() : local.objects();
    }

    PhenoConfig config() {
        return config;
    }

    String describe() {
        return external != null ? "the configured pipeline"
            : "the local pipeline (results web UI and API on http://127.0.0.1:" + queries.port() + "/)";
    }

    @Override
    public void close() {
        if (queries != null) {
            queries.close();
        }
        if (local != null) {
            local.close();
        }
        if (external != null) {
            external.close();
        }
    }
}
