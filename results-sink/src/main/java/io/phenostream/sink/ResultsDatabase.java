package io.phenostream.sink;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
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

    /** A plain (non-pooled) PostgreSQL data source: the sink opens one connection per poll. */
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

    /** From {@code phenostream.db.url}, {@code .user}, {@code .password}; the URL must be set. */
    public static DataSource dataSource(final PhenoConfig config) {
        return dataSource(config.require(ConfigKey.DB_URL), config.get(ConfigKey.DB_USER).orElse(null),
            config.get(ConfigKey.DB_PASSWORD).orElse(""));
    }
}
