package io.phenostream.sink;

import static io.phenostream.sink.TestEvents.compound;
import static io.phenostream.sink.TestEvents.plateQc;
import static io.phenostream.sink.TestEvents.well;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.phenostream.common.domain.WellRole;
import io.phenostream.common.events.PlateQc;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ResultFilesIT {

    private static final String A1 = "a-1111111111111111";
    private static final String A2 = "a-2222222222222222";
    private static final String TRICKY = "cpd \"7\", batch 2";

    private static EmbeddedPostgres postgres;
    private static ResultsStore store;

    @BeforeAll
    static void startDatabase() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        ResultsDatabase.migrate(postgres.getPostgresDatabase());
        store = new ResultsStore(postgres.getPostgresDatabase());
        store.write(Batch.of(
            compound(A1, "E1", TRICKY, 2, 3.25, 0.04, true, "2024-05-02T00:00:00Z"),
            compound(A1, "E1", "cpd-1", 1, 12.5, 1.0E-7, true, "2024-05-02T00:00:00Z", 0.875, 0.0025, 0.0125),
            compound(A2, "E1", "old-analysis", 1, 1.0, 0.5, true, "2024-05-01T00:00:00Z"),
            plateQc(A1, "E1", "P2", PlateQc.Status.RUNNING, null, "2024-05-02T00:00:00Z"),
            plateQc(A1, "E1", "P1", PlateQc.Status.FINAL, 0.625, "2024-05-02T00:00:00Z"),
            well(A1, "E1", "P1", "B01", TRICKY, 0.1, WellRole.TREATMENT, 42.0, Map.of("z_feat", 1.5, "a_feat", -2.0),
                6.0, 0.75, true, "2024-05-02T00:00:00Z"),
            well(A1, "E1", "P1", "A02", "DMSO", null, WellRole.NEGATIVE_CONTROL, 80.0, Map.of("m_feat", 0.125),
                0.5, null, true, "2024-05-02T00:00:00Z")));
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void filesHoldTheStoredValues(@TempDir final Path dir) throws Exception {
        final List<Path> files = new ResultFiles(store).write(dir.resolve("out"), "E1", null);
        assertEquals(List.of("hits.csv", "plate-qc.csv", "well-scores.csv", "well-profiles.csv"),
            files.stream().map(p -> p.getFileName().toString()).toList());

        final List<List<String>> hits = read(dir.resolve("out/hits.csv"));
        assertEquals(List.of("compound", "rank", "score", "p_value", "q_value", "hit", "ec50", "hill", "max_effect",
            "n_wells", "replicate_map", "replicate_map_q_value"), hits.get(0));
        assertEquals(3, hits.size(), "the latest analysis only, two compounds");
        assertEquals(List.of("cpd-1", "1", "12.5", "5.0E-8", "1.0E-7", "true", "1.5", "1.2", "8.5", "4", "0.875",
            "0.0125"), hits.get(1));
        assertEquals(TRICKY, hits.get(2).get(0));
        assertEquals(List.of("", ""), hits.get(2).subList(10, 12), "no replicate agreement: empty cells");
        assertEquals(0.04, Double.parseDouble(hits.get(2).get(4)));

        final List<List<String>> qc = read(dir.resolve("out/plate-qc.csv"));
        assertEquals(List.of(List.of("plate", "z_prime", "ssmd", "n_wells", "n_cells", "status"),
            List.of("P1", "0.625", "4.25", "96", "12345", "FINAL"),
            List.of("P2", "", "4.25", "96", "12345", "RUNNING")), qc);

        final List<List<String>> scores = read(dir.resolve("out/well-scores.csv"));
        assertEquals(List.of(List.of("plate", "well", "compound", "concentration", "role", "n_cells", "score",
                "control_axis_score"),
            List.of("P1", "A02", "DMSO", "", "negative_control", "80.0", "0.5", ""),
            List.of("P1", "B01", TRICKY, "0.1", "treatment", "42.0", "6.0", "0.75")), scores);

        final List<List<String>> profiles = read(dir.resolve("out/well-profiles.csv"));
        assertEquals(List.of(List.of("plate", "well", "compound", "concentration", "role", "a_feat", "m_feat",
                "z_feat"),
            List.of("P1", "A02", "DMSO", "", "negative_control", "", "0.125", ""),
            List.of("P1", "B01", TRICKY, "0.1", "treatment", "-2.0", "", "1.5")), profiles);
    }

    @Test
    void explicitAnalysisAndUnknownExperiment(@TempDir final Path dir) throws Exception {
        new ResultFiles(store).write(dir, "E1", A2);
        final List<List<String>> hits = read(dir.resolve("hits.csv"));
        assertEquals(2, hits.size());
        assertEquals("old-analysis", hits.get(1).get(0));
        assertEquals(1, read(dir.resolve("plate-qc.csv")).size(), "header only: analysis 2 has no plate QC");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new ResultFiles(store).write(dir, "E-none", null));
        assertEquals("Experiment 'E-none' has no scored results in the results database", e.getMessage());
    }

    private static List<List<String>> read(final Path file) throws Exception {
        return CsvReader.parse(Files.readString(file));
    }
}
