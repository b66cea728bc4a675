package io.phenostream.benchmarks;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.events.CompoundScore;
import io.phenostream.common.events.ScoringParameters;
import io.phenostream.infra.EmbeddedPostgresServer;
import io.phenostream.scorer.plate.ExperimentScorer;
import io.phenostream.scorer.plate.PlateScorer;
import io.phenostream.scorer.plate.PlateScoring;
import io.phenostream.sink.Batch;
import io.phenostream.sink.ResultsDatabase;
import io.phenostream.sink.ResultsStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The sink's writes of one plate's results to PostgreSQL: the real {@link ResultsStore} (one connection and one
 * transaction per {@link Batch}, batched prepared upserts, as the sink writes one poll) against an embedded
 * PostgreSQL 17 started in setup. The results are the real scorer output for a synthetic plate
 * ({@link SyntheticScreenRecords}, 2 sites per well, 53 features, final).
 * <ul>
 *   <li>{@code connect}: opening and closing one connection, which every write pays (the data source is not
 *       pooled);</li>
 *   <li>{@code wellProfiles}: every well profile of the plate (raw and normalized features as jsonb) in one batch;</li>
 *   <li>{@code compoundScores}: the experiment's compound scores (fit, doses) in one batch;</li>
 *   <li>{@code siteQc}: every site record (features, QC, image references) in one batch;</li>
 *   <li>{@code wholePlate}: the plate run, sites, well profiles, plate QC and compound scores in batches of 500
 *       events, the sink consumer's default {@code max.poll.records}: one plate as the sink would write it if all
 *       of it were waiting.</li>
 * </ul>
 * Every operation writes the same keys again, so after the first write these are upserts that update rows, as
 * the sink does when a plate's partial results are replaced each punctuation and then by the final ones.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar ResultsWrite}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ResultsWriteBenchmark {

    static final int MAX_POLL_RECORDS = 500;

    @Param({"96", "384"})
    int wells;

    Path dataDir;
    EmbeddedPostgresServer postgres;
    DataSource dataSource;
    ResultsStore store;
    Batch wellBatch;
    Batch compoundBatch;
    Batch siteBatch;
    List<Batch> plateBatches;

    @Setup
    public void setUp() throws IOException {
        final SyntheticScreenRecords plate = SyntheticScreenRecords.plate(PlateLayout.parse(Integer.toString(wells)),
            2, 0, "BENCH", "P1", 42);
        final Instant now = Instant.parse("2026-11-27T00:00:00Z");
        final PlateScoring scoring = PlateScorer.score(plate.run, SyntheticScreenRecords.ANALYSIS_ID,
            ScoringParameters.defaults(), plate.sites, now);
        final List<CompoundScore> compounds = ExperimentScorer.score(SyntheticScreenRecords.ANALYSIS_ID,
            plate.run.experimentId(), ScoringParameters.defaults(), List.of(scoring.plateScores()), now);
        wellBatch = Batch.of(scoring.wells());
        compoundBatch = Batch.of(compounds);
        siteBatch = Batch.of(plate.sites);
        final List<Object> events = new ArrayList<>();
        events.add(plate.run);
        events.addAll(plate.sites);
        events.addAll(scoring.wells());
        events.add(scoring.qc());
        events.addAll(compounds);
        plateBatches = new ArrayList<>();
        for (int i = 0; i < events.size(); i += MAX_POLL_RECORDS) {
            plateBatches.add(Batch.of(events.subList(i, Math.min(events.size(), i + MAX_POLL_RECORDS))));
        }

        dataDir = Files.createTempDirectory("results-write-bench-");
        postgres = new EmbeddedPostgresServer(dataDir.resolve("postgres"));
        postgres.start();
        ResultsDatabase.migrate(postgres.jdbcUrl(), postgres.user(), postgres.password());
        dataSource = ResultsDatabase.dataSource(postgres.jdbcUrl(), postgres.user(), postgres.password());
        store = new ResultsStore(dataSource);
        wholePlate();
        System.out.printf("%n[ResultsWrite] %d wells: %d sites, %d well profiles, %d compound scores; %d events in "
                + "%d batches; hit list rows %d%n", wells, siteBatch.rowCount(), wellBatch.rowCount(),
            compoundBatch.rowCount(), events.size(), plateBatches.size(),
            store.hitList(plate.run.experimentId(), SyntheticScreenRecords.ANALYSIS_ID, null, 0, 0).size());
    }

    @TearDown
    public void tearDown() {
        if (postgres != null) {
            postgres.close();
        }
        if (dataDir != null) {
            IngestThroughputHarness.deleteRecursively(dataDir);
        }
    }

    /**
     * A new connection: what every write here pays before its SQL (these benchmarks write through a plain data
     * source), and what the sink's and the query API's pooled connections ({@code ResultsDatabase.pooled}) save.
     */
    @Benchmark
    public boolean connect() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return c.getAutoCommit();
        }
    }

    @Benchmark
    public void wellProfiles() {
        store.write(wellBatch);
    }

    @Benchmark
    public void compoundScores() {
        store.write(compoundBatch);
    }

    @Benchmark
    public void siteQc() {
        store.write(siteBatch);
    }

    @Benchmark
    public void wholePlate() {
        for (final Batch b : plateBatches) {
            store.write(b);
        }
    }
}
