package io.phenostream.cli;

import com.zaxxer.hikari.HikariDataSource;
import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.common.s3.S3ClientFactory;
import io.phenostream.infra.EmbeddedPostgresServer;
import io.phenostream.infra.EmbeddedS3;
import io.phenostream.infra.LocalInfrastructure;
import io.phenostream.sink.ResultsDatabase;
import io.phenostream.sink.api.ResultsQueries;
import io.phenostream.sink.api.ResultsServer;
import io.phenostream.sink.api.S3SiteThumbnails;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code screen serve}: the results query API and web UI against the configured store ({@code phenostream.db.*}),
 * or the local-mode database that {@code demo}/{@code run} left under the data directory. Thumbnails are read
 * from {@code phenostream.s3.endpoint}, or from the local-mode S3 data left there.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve the results query API (/api), web UI (/), /health and /metrics until Ctrl-C.")
final class ServeCommand implements Callable<Integer> {

    @Mixin
    ConfigOption configOption;

    @Option(names = "--port", description = "Port (default: phenostream.results.http.port, 8080).")
    Integer port;

    @Option(names = "--bind", description = "Address to bind (default: phenostream.results.http.bind, 127.0.0.1).")
    String bind;

    @Override
    public Integer call() throws Exception {
        PhenoConfig config = configOption.load();
        EmbeddedPostgresServer local = null;
        EmbeddedS3 localS3 = null;
        try {
            if (config.get(ConfigKey.DB_URL).isEmpty()) {
                final Path dir = Path.of(config.require(ConfigKey.DATA_DIR)).resolve(LocalInfrastructure.POSTGRES_DIR);
                if (!Files.isDirectory(dir)) {
                    System.err.println("screen serve: no results store: set phenostream.db.url, or run `./screen demo`"
                        + " first (local mode keeps its database under " + dir + ")");
                    return 2;
                }
                local = new EmbeddedPostgresServer(dir);
                local.start();
                config = config.with(ConfigKey.DB_URL, local.jdbcUrl()).with(ConfigKey.DB_USER, local.user())
                    .with(ConfigKey.DB_PASSWORD, local.password());
            }
            final Path s3Dir = Path.of(config.require(ConfigKey.DATA_DIR)).resolve(LocalInfrastructure.S3_DIR);
            if (config.get(ConfigKey.S3_ENDPOINT).isEmpty() && Files.isDirectory(s3Dir)) {
                // the images of local-mode runs, for thumbnails
                localS3 = new EmbeddedS3(s3Dir, config);
                localS3.start();
                config = config.with(ConfigKey.S3_ENDPOINT, localS3.endpoint()).with(ConfigKey.S3_PATH_STYLE, "true");
            }
            final ObjectStore objects = config.get(ConfigKey.S3_ENDPOINT).isPresent()
                ? new ObjectStore(S3ClientFactory.create(config), config.require(ConfigKey.S3_BUCKET)) : null;
            try (ResultsServer server = start(config, objects, port, bind)) {
                System.out.printf("Serving results on http://%s:%d/ (API under /api; Ctrl-C to stop)%n",
                    bind != null ? bind : config.require(ConfigKey.RESULTS_HTTP_BIND), server.port());
                awaitShutdown();
            } finally {
                if (objects != null) {
                    objects.close();
                }
            }
            return 0;
        } finally {
            if (localS3 != null) {
                localS3.close();
            }
            if (local != null) {
                local.close();
            }
        }
    }

    /**
     * Migrates the schema (so the reader role of V3 exists), then starts the server on the reader role.
     *
     * @param objects where thumbnails are read from, null for none
     * @param port    null: phenostream.results.http.port
     * @param bind    null: phenostream.results.http.bind
     */
    static ResultsServer start(final PhenoConfig config, final ObjectStore objects, final Integer port,
                               final String bind) {
        ResultsDatabase.migrate(ResultsDatabase.dataSource(config));
        // As many connections as the server has request threads.
        final HikariDataSource pool = ResultsDatabase.pooled(ResultsDatabase.readerDataSource(config), "results-api",
            8, true);
        try {
            return ResultsServer.start(new ResultsQueries(pool), objects == null ? null : new S3SiteThumbnails(objects),
                bind != null ? bind : config.require(ConfigKey.RESULTS_HTTP_BIND),
                port != null ? port : config.getInt(ConfigKey.RESULTS_HTTP_PORT), pool);
        } catch (final RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    static void awaitShutdown() throws InterruptedException {
        final CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        stop.await();
    }
}
