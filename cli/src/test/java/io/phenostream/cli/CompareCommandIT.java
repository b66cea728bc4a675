package io.phenostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.phenostream.common.events.CompoundScore;
import io.phenostream.common.events.PlateQc;
import io.phenostream.common.json.Json;
import io.phenostream.infra.EmbeddedPostgresServer;
import io.phenostream.infra.LocalInfrastructure;
import io.phenostream.sink.Batch;
import io.phenostream.sink.ResultsDatabase;
import io.phenostream.sink.ResultsStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./screen compare} against the local-mode database of a data directory: two analyses written through
 * {@link ResultsStore}, compared as CSV, JSON and the table, and a clear refusal of a wrong number of analyses.
 */
@Tag("integration")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CompareCommandIT {

    private static final String A = "a-1111111111111111";
    private static final String B = "a-2222222222222222";

    @TempDir
    static Path data;

    private record Outcome(int exit, String out, String err) {
    }

    @BeforeAll
    static void writeTwoAnalyses() {
        try (EmbeddedPostgresServer pg = new EmbeddedPostgresServer(data.resolve(LocalInfrastructure.POSTGRES_DIR))) {
            pg.start();
            final DataSource ds = ResultsDatabase.dataSource(pg.jdbcUrl(), pg.user(), pg.password());
            ResultsDatabase.migrate(ds);
            new ResultsStore(ds).write(Batch.of(
                score(A, "cpd-1", 1, 9.0, 0.01), score(A, "cpd-2", 2, 7.0, 0.03), score(A, "cpd,3", 3, 5.0, 0.2),
                score(A, "gone", 4, 2.0, 0.5),
                score(B, "cpd,3", 1, 9.5, 0.001), score(B, "cpd-1", 2, 8.0, 0.01), score(B, "cpd-2", 3, 4.0, 0.3),
                qc(A, 0.5), qc(B, 0.65)));
        }
    }

    private static CompoundScore score(final String analysis, final String compound, final int rank,
                                       final double score, final double q) {
        return new CompoundScore(1, analysis, "EXP", compound, rank, score, q / 2, q, q <= 0.05, null, 1.0, 4,
            List.of(), List.of("P1"), true, "2024-05-01T10:00:00Z");
    }

    private static PlateQc qc(final String analysis, final double zPrime) {
        return new PlateQc(1, analysis, "EXP", "P1", "r1", zPrime, 3.0, 96, 96, 1000L, 96, 96, 0, 0,
            PlateQc.Status.FINAL, List.of(), "2024-05-01T10:00:00Z");
    }

    private static Outcome screen(final String... args) {
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        final ByteArrayOutputStream o = new ByteArrayOutputStream();
        final ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            final int exit = ScreenCli.commandLine().execute(args);
            return new Outcome(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static Outcome compare(final String format) {
        return screen("compare", "--data-dir", data.toString(), "--experiment", "EXP", "--analysis", A,
            "--analysis", B, "--format", format);
    }

    @Test
    void csvHasOneRowPerCompoundWithItsChange() {
        final Outcome r = compare("csv");
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("compound,rank_a,rank_b,score_a,score_b,q_a,q_b,hit_a,hit_b,change",
            "\"cpd,3\",3,1,5.0,9.5,0.2,0.001,false,true,gained",
            "cpd-1,1,2,9.0,8.0,0.01,0.01,true,true,kept",
            "cpd-2,2,3,7.0,4.0,0.03,0.3,true,false,lost",
            "gone,4,,2.0,,0.5,,false,,only_a"), r.out().lines().toList());
    }

    @Test
    void jsonAndTableCarryTheCorrelationAndPlateQc() throws Exception {
        final JsonNode j = Json.MAPPER.readTree(compare("json").out());
        // pairs (9, 8) (7, 4) (5, 9.5): ranks A 3 2 1, B 2 1 3; d = 1, 1, -2: 1 - 6*6 / (3*8) = -0.5
        assertEquals(-0.5, j.get("summary").get("spearman").asDouble(), 1e-12);
        assertEquals(3, j.get("summary").get("n").asInt());
        assertEquals(0.15, j.get("plates").get(0).get("zPrimeDelta").asDouble(), 1e-12);
        final Outcome table = compare("table");
        assertEquals(0, table.exit(), table.err());
        assertTrue(table.out().contains("Spearman rho -0.5000, Kendall tau-b -0.3333 (n = 3)"), table.out());
        assertTrue(table.out().contains("Hits gained (hit in B, not in A): 1"), table.out());
        assertTrue(table.out().lines().anyMatch(l -> l.startsWith("P1") && l.contains("0.500") && l.contains("0.650")
            && l.contains("0.150")), table.out());
    }

    @Test
    void refusesAnythingButTwoKnownAnalyses() {
        final Outcome one = screen("compare", "--data-dir", data.toString(), "--experiment", "EXP", "--analysis", A);
        assertEquals(2, one.exit());
        assertTrue(one.err().contains("exactly twice"), one.err());
        final Outcome unknown = screen("compare", "--data-dir", data.toString(), "--experiment", "EXP", "--analysis",
            A, "--analysis", "a-nope");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("analysis 'a-nope' has no results in experiment 'EXP'"), unknown.err());
    }
}
