package io.phenostream.sink;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The results database: connection and schema. {@link #migrate} applies the versioned Flyway migrations in
 * {@code db/migration}; it is idempotent, so every service that writes or reads results may call it at start.
 */
public final class ResultsDatabase {

    /** Where the migrations live on the classpath. */
    public static final String MIGRATIONS = "classpath:db/migration";

    private ResultsDatabase() {
    }

    /** Applies pending migrations; returns how many were applied (0 when the schema is current). */
    public static int migrate(final DataSource dataSource) {
        final MigrateResult result = Flyway.configure()
            .dataSource(dataSource)
            .locations(MIGRATIONS)
            .load()
            .migrate();
        return result.migrationsExecuted;
    }

    public static int migrate(final String jdbcUrl, final String user, final String password) {
        return migrate(dataSource(jdbcUrl, user, password));
    }

    /**
     * A pool of connections over {@code base}, for the long-running sink and query API. Opening a PostgreSQL
     * connection starts a server process that then warms its catalogue caches, which costs more CPU than a batch of
     * upserts; the sink used to pay that at every poll. Waiting for a connection is bounded by
     * {@link #CONNECT_TIMEOUT_SECONDS}, so an unreachable database still fails requests quickly, and the pool starts
     * even while the database is down (services report not ready and retry).
     *
     * @param readOnly every connection read-only (the query API; its role cannot write either)
     */
    public static HikariDataSource pooled(final DataSource base, final String name, final int maxConnections,
                                          final boolean readOnly) {
        final HikariConfig c = new HikariConfig();
        c.setDataSource(base);
        c.setPoolName(name);
        c.setMaximumPoolSize(maxConnections);
        c.setMinimumIdle(1);
        c.setConnectionTimeout(TimeUnit.SECONDS.toMillis(CONNECT_TIMEOUT_SECONDS));
        c.setValidationTimeout(1_000);
        c.setInitializationFailTimeout(-1);
        c.setReadOnly(readOnly);
        return new HikariDataSource(c);
    }

    /** A plain (non-pooled) PostgreSQL data source, for one-off work (migrations, commands); services pool it. */
    public static DataSource dataSource(final String jdbcUrl, final String user, final String password) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("Results database URL must be a jdbc:postgresql: URL, got '"
                + jdbcUrl + "' (" + ConfigKey.DB_URL.key() + ")");
        }
        final PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl);
        ds.setUser(user);
        ds.setPassword(password == null ? "" : password);
        return ds;
    }

    /** The role migration V3 creates for the query API: SELECT on every table, nothing else. */
    public static final String READER_ROLE = "phenostream_reader";

    /** Seconds to wait for a connection: an unreachable database answers 503 quickly instead of hanging requests. */
    static final int CONNECT_TIMEOUT_SECONDS = 3;

    /**
     * The query API's data source: every session runs as the read-only reader role. With
     * {@code phenostream.db.reader.password} set it logs in as {@code phenostream.db.reader.user}; otherwise it logs
     * in as {@code phenostream.db.user} and switches to the reader role at connection start ({@code -c role=...}),
     * so a query cannot write even if the API had a bug. Sessions are also read-only by default.
     */
    public static DataSource readerDataSource(final PhenoConfig config) {
        final String url = config.require(ConfigKey.DB_URL);
        final String reader = config.get(ConfigKey.DB_READER_USER).orElse(READER_ROLE);
        final java.util.Optional<String> readerPassword = config.get(ConfigKey.DB_READER_PASSWORD);
        if (readerPassword.isPresent()) {
            return readerDataSource(url, reader, readerPassword.get(), null);
        }
        return readerDataSource(url, config.get(ConfigKey.DB_USER).orElse(null),
            config.get(ConfigKey.DB_PASSWORD).orElse(""), reader);
    }

    /**
     * @param setRole the role to switch to at connection start, or null to stay the login user
     */
    public static DataSource readerDataSource(final String jdbcUrl, final String user, final String password,
                                              final String setRole) {
        final PGSimpleDataSource ds = (PGSimpleDataSource) dataSource(jdbcUrl, user, password);
        if (setRole != null && !setRole.matches("[A-Za-z_][A-Za-z0-9_$]{0,62}")) {
            throw new IllegalArgumentException("Reader role must be a plain SQL identifier, got '" + setRole + "' ("
                + ConfigKey.DB_READER_USER.key() + ")");
        }
        ds.setOptions((setRole == null ? "" : "-c role=" + setRole + " ") + "-c default_transaction_read_only=on");
        ds.setConnectTimeout(CONNECT_TIMEOUT_SECONDS);
        ds.setLoginTimeout(CONNECT_TIMEOUT_SECONDS);
        ds.setApplicationName("phenostream-results-api");
        return ds;
    }

    /** From {@code phenostream.db.url}, {@code .user}, {@code .password}; the URL must be set. */
    public static DataSource dataSource(final PhenoConfig config) {
        return dataSource(config.require(ConfigKey.DB_URL), config.get(ConfigKey.DB_USER).orElse(null),
            config.get(ConfigKey.DB_PASSWORD).orElse(""));
    }
}
