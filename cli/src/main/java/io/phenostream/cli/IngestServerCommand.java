package io.phenostream.cli;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.ingest.http.IngestHttpServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code screen ingest-server}: the HTTP API through which lab automation registers and uploads plate runs. */
@Command(name = "ingest-server", mixinStandardHelpOptions = true,
    description = {"Serve the ingest HTTP API (see image-ingest/HTTP.md) on phenostream.ingest.http.port. Every",
        "call needs `Authorization: Bearer <phenostream.ingest.http.token>`. Pushes to the configured pipeline,",
        "else runs the local one."})
final class IngestServerCommand implements Callable<Integer> {

    @Mixin
    ConfigOption configOption;

    @Option(names = "--query-port", defaultValue = "8080",
        description = "Query API port in local mode (default ${DEFAULT-VALUE}).")
    int queryPort;

    @Override
    public Integer call() throws Exception {
        final var config = configOption.load();
        if (config.get(ConfigKey.INGEST_HTTP_TOKEN).isEmpty()) {
            throw new IllegalArgumentException("Set a bearer token first: " + ConfigKey.INGEST_HTTP_TOKEN.key()
                + " (env " + ConfigKey.INGEST_HTTP_TOKEN.envName() + ")");
        }
        try (StopSignal stop = new StopSignal();
             IngestEndpoint endpoint = IngestEndpoint.open(config, queryPort);
             IngestHttpServer server = IngestHttpServer.start(endpoint.ingestor(), endpoint.objects(), endpoint.config())) {
            System.err.printf("ingest-server: http://0.0.0.0:%d/v1/runs, pushing to %s (Ctrl-C to stop)%n",
                server.port(), endpoint.describe());
            stop.await();
        }
        return 0;
    }
}
