package io.phenostream.sink;

import static io.phenostream.sink.TestEvents.compound;
import static io.phenostream.sink.TestEvents.plateQc;
import static io.phenostream.sink.TestEvents.plateRun;
import static io.phenostream.sink.TestEvents.site;
import static io.phenostream.sink.TestEvents.well;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.domain.WellRole;
import io.phenostream.common.events.PlateQc;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.sink.api.QueryParams;
import io.phenostream.sink.api.Reply;
import io.phenostream.sink.api.ResultsApi;
import io.phenostream.sink.api.ResultsQueries;
import io.phenostream.sink.api.S3SiteThumbnails;
import io.phenostream.sink.api.S3SiteThumbnailsFixture;
import io.phenostream.sink.api.SiteDetail;
import io.phenostream.sink.ui.ResultsPages;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Tag("integration")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ResultsStoreIT {

    private static final String A1 = "a-1111111111111111";
    private static final String A2 = "a-2222222222222222";

    private static EmbeddedPostgres postgres;
    private static DataSource dataSource;
    private static int firstMigration;
    private static int secondMigration;
    private ResultsStore store;

    @BeforeAll
    static void startDatabase() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        dataSource = postgres.getPostgresDatabase();
        firstMigration = ResultsDatabase.migrate(dataSource);
        // Through the URL entry point, as a service with only configuration would.
        secondMigration = ResultsDatabase.migrate(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "");
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @BeforeEach
    void emptyTables() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE experiments, analyses, plate_runs, plate_qc, well_profiles, compound_scores, "
                + "site_features");
        }
        store = new ResultsStore(dataSource);
    }

    @Test
    void migrationIsIdempotent() throws SQLException {
        assertEquals(4, firstMigration);
        assertEquals(0, secondMigration);
        assertEquals(0, ResultsDatabase.migrate(dataSource));
        assertEquals(1L, count("SELECT count(*) FROM flyway_schema_history WHERE success AND version = '1'"));
        assertEquals(1L, count("SELECT count(*) FROM flyway_schema_history WHERE success AND version = '2'"));
        assertEquals(1L, count("SELECT count(*) FROM flyway_schema_history WHERE success AND version = '3'"));
        assertEquals(1L, count("SELECT count(*) FROM flyway_schema_history WHERE success AND version = '4'"));
        assertEquals(1L, count("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' "
            + "AND table_name = 'site_features' AND column_name = 'masks' AND data_type = 'jsonb'"));
        assertEquals(1L, count("SELECT count(*) FROM pg_roles WHERE rolname = 'phenostream_reader' AND NOT rolcanlogin"));
        assertEquals(3L, count("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' "
            + "AND table_name = 'compound_scores' AND data_type = 'double precision' "
            + "AND column_name IN ('replicate_map','replicate_map_p_value','replicate_map_q_value')"));
        assertEquals(7L, count("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' "
            + "AND table_name IN ('experiments','plate_runs','plate_qc','well_profiles','compound_scores',"
            + "'site_features','analyses')"));
    }

    @Test
    void versionTwoUpgradesAVersionOneDatabaseKeepingItsRows() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS upgrade_v1");
            s.execute("CREATE DATABASE upgrade_v1");
        }
        final DataSource v1 = postgres.getDatabase("postgres", "upgrade_v1");
        Flyway.configure().dataSource(v1).locations(ResultsDatabase.MIGRATIONS).target("1").load().migrate();
        try (Connection c = v1.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO compound_scores (analysis_id, experiment_id, compound, rank, hit, n_wells, "
                + "final_result, score) VALUES ('a', 'E1', 'old', 1, false, 2, true, 4.5)");
        }
        assertEquals(3, ResultsDatabase.migrate(v1), "only V2 to V4 are pending (V3 finds the reader role there)");
        final List<HitRow> hits = new ResultsStore(v1).hitList("E1", "a", null, 0, 0);
        assertEquals(1, hits.size());
        assertEquals(4.5, hits.get(0).score());
        assertNull(hits.get(0).replicateMap(), "rows written before V2 have no replicate agreement");
        assertNull(hits.get(0).replicateMapQValue());
    }

    @Test
    void sameRecordsTwiceGiveOneRowEach() throws SQLException {
        final Batch batch = Batch.of(plateRun("E1", "P1", "r1"), site(A1, "E1", "P1", "A01", 1, 40),
            well(A1, "E1", "P1", "A01", "DMSO", null, WellRole.NEGATIVE_CONTROL, 80, Map.of("f1", 0.1), 1.0, 0.0,
                false, "2024-05-01T10:10:00Z"),
            compound(A1, "E1", "cpd-1", 1, 9.5, 0.01, false, "2024-05-01T10:10:00Z", 0.875, 0.0025, 0.0125),
            plateQc(A1, "E1", "P1", PlateQc.Status.RUNNING, 0.6, "2024-05-01T10:10:00Z"));
        store.write(batch);
        store.write(batch);
        for (final String table : List.of("experiments", "analyses", "plate_runs", "site_features", "well_profiles",
            "compound_scores", "plate_qc")) {
            assertEquals(1L, count("SELECT count(*) FROM " + table), table);
        }
        // Values made it through, JSON columns included.
        assertEquals(192L, count("SELECT expected_sites FROM plate_runs"));
        assertEquals("cpd-1", text("SELECT plate_map->1->>'compound' FROM plate_runs"));
        assertEquals("abcdef0123", text("SELECT images->0->>'sha256' FROM site_features"));
        assertEquals("images/ab/abcdef", text("SELECT images->0->>'key' FROM site_features"));
        assertEquals("none", text("SELECT spec->>'modelName' FROM analyses"));
        assertEquals("1.5", text("SELECT ec50::text FROM compound_scores"));
        assertEquals("0.875 0.0025 0.0125", text("SELECT replicate_map || ' ' || replicate_map_p_value || ' ' "
            + "|| replicate_map_q_value FROM compound_scores"));
        assertEquals("10", text("SELECT doses->1->>'concentration' FROM compound_scores")
            .replace(".0", ""));
        assertEquals("2024-05-01 10:10:00+00", text("SELECT updated_at AT TIME ZONE 'UTC' || '+00' FROM plate_qc"));
    }

    @Test
    void finalRowIsNotReplacedByNonFinal() throws SQLException {
        store.write(Batch.of(compound(A1, "E1", "c", 1, 7.0, 0.02, true, "2024-05-01T12:00:00Z"),
            well(A1, "E1", "P1", "B02", "c", 1.0, WellRole.TREATMENT, 50, Map.of("f", 1.0), 3.0, 0.5, true,
                "2024-05-01T12:00:00Z"),
            plateQc(A1, "E1", "P1", PlateQc.Status.FINAL, 0.7, "2024-05-01T12:00:00Z")));
        // A late partial result of the same keys, in a later poll.
        store.write(Batch.of(compound(A1, "E1", "c", 5, 1.0, 0.9, false, "2024-05-01T11:00:00Z"),
            well(A1, "E1", "P1", "B02", "c", 1.0, WellRole.TREATMENT, 10, Map.of("f", 9.0), 0.1, 0.0, false,
                "2024-05-01T11:00:00Z"),
            plateQc(A1, "E1", "P1", PlateQc.Status.RUNNING, 0.1, "2024-05-01T11:00:00Z")));
        final List<HitRow> hits = store.hitList("E1", A1, null, 0, 0);
        assertEquals(1, hits.size());
        assertEquals(7.0, hits.get(0).score());
        assertEquals(1, hits.get(0).rank());
        assertTrue(hits.get(0).finalResult());
        assertEquals(3.0, store.wellScores("E1", A1).get(0).score());
        assertEquals(0.7, store.plateQc("E1", A1).get(0).zPrime());
        assertEquals("FINAL", store.plateQc("E1", A1).get(0).status());

        // ...in the same poll: the batch applies the same rule.
        store.write(Batch.of(compound(A1, "E1", "d", 2, 6.0, 0.03, true, "2024-05-01T12:00:00Z"),
            compound(A1, "E1", "d", 9, 0.5, 0.8, false, "2024-05-01T12:01:00Z")));
        assertEquals(6.0, store.hitList("E1", A1, null, 0, 0).get(1).score());

        // A newer final does replace a final; a newer non-final replaces a non-final.
        store.write(Batch.of(compound(A1, "E1", "c", 1, 7.5, 0.02, true, "2024-05-01T13:00:00Z"),
            compound(A1, "E1", "e", 3, 1.0, 0.5, false, "2024-05-01T13:00:00Z")));
        store.write(Batch.of(compound(A1, "E1", "e", 3, 2.0, 0.4, false, "2024-05-01T13:01:00Z")));
        final List<HitRow> after = store.hitList("E1", A1, null, 0, 0);
        assertEquals(7.5, after.get(0).score());
        assertEquals(2.0, after.get(2).score());
    }

    @Test
    void replicateAgreementLandsInTheHitListAndIsUpdatedOrCleared() throws SQLException {
        store.write(Batch.of(compound(A1, "E1", "with", 1, 9.0, 0.01, false, "2024-05-01T10:00:00Z", 0.8125, 0.004,
                0.02),
            compound(A1, "E1", "without", 2, 1.0, 0.5, false, "2024-05-01T10:00:00Z")));
        List<HitRow> hits = store.hitList("E1", A1, null, 0, 0);
        assertEquals(0.8125, hits.get(0).replicateMap());
        assertEquals(0.004, hits.get(0).replicateMapPValue());
        assertEquals(0.02, hits.get(0).replicateMapQValue());
        assertNull(hits.get(1).replicateMap(), "a record without replicate agreement stores NULL");
        assertNull(hits.get(1).replicateMapPValue());
        assertNull(hits.get(1).replicateMapQValue());
        // The upsert rewrites the columns: new values replace old ones, NaN and absent values become NULL.
        store.write(Batch.of(compound(A1, "E1", "with", 1, 9.0, 0.01, true, "2024-05-01T11:00:00Z", 0.5, Double.NaN,
                null),
            compound(A1, "E1", "without", 2, 1.0, 0.5, true, "2024-05-01T11:00:00Z", 0.25, 0.5, 0.6)));
        hits = store.hitList("E1", A1, null, 0, 0);
        assertEquals(0.5, hits.get(0).replicateMap());
        assertNull(hits.get(0).replicateMapPValue());
        assertNull(hits.get(0).replicateMapQValue());
        assertEquals(0.25, hits.get(1).replicateMap());
        assertEquals(0.6, hits.get(1).replicateMapQValue());
        assertEquals(1L, count("SELECT count(*) FROM compound_scores WHERE replicate_map_q_value = 0.6"));
    }

    @Test
    void hitListIsOrderedByRankAndFilteredByQ() {
        store.write(Batch.of(compound(A1, "E1", "c3", 3, 2.0, 0.30, true, null),
            compound(A1, "E1", "c1", 1, 9.0, 0.001, true, null),
            compound(A1, "E1", "c4", 4, 1.0, Double.NaN, true, null),
            compound(A1, "E1", "c2", 2, 5.0, 0.04, true, null),
            compound(A1, "E2", "other", 1, 99.0, 0.0, true, null)));
        assertEquals(List.of("c1", "c2", "c3", "c4"), compounds(store.hitList("E1", A1, null, 0, 0)));
        assertEquals(List.of("c1", "c2"), compounds(store.hitList("E1", A1, 0.05, 0, 0)));
        assertEquals(List.of("c1", "c2", "c3"), compounds(store.hitList("E1", A1, 0.30, 10, 0)));
        assertEquals(List.of("c2", "c3"), compounds(store.hitList("E1", A1, null, 2, 1)));
        assertNull(store.hitList("E1", A1, null, 0, 0).get(3).qValue(), "NaN q-value is stored as NULL");
        assertEquals(0.04, store.hitList("E1", A1, null, 0, 0).get(1).qValue());
        assertEquals(0.02, store.hitList("E1", A1, null, 0, 0).get(1).pValue());
        assertEquals(1.2, store.hitList("E1", A1, null, 0, 0).get(1).hill());
        assertEquals(List.of(), store.hitList("E1", "a-none", null, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> store.hitList("E1", A1, null, 10, -1));
    }

    @Test
    void latestAnalysisIsTheMostRecentlyUpdated() {
        store.write(Batch.of(compound(A1, "E1", "c1", 1, 1.0, 0.5, true, "2024-05-01T10:00:00Z"),
            compound(A2, "E1", "c1", 1, 2.0, 0.4, false, "2024-05-02T10:00:00Z"),
            compound(A1, "E2", "c1", 1, 3.0, 0.3, true, "2024-06-01T10:00:00Z")));
        assertEquals("a-2222222222222222", store.latestAnalysis("E1").orElseThrow());
        assertEquals(2.0, store.hitList("E1", null, null, 0, 0).get(0).score());
        assertEquals(1.0, store.hitList("E1", A1, null, 0, 0).get(0).score());
        // A plate QC of analysis 1 written later makes it the latest again.
        store.write(Batch.of(plateQc(A1, "E1", "P1", PlateQc.Status.RUNNING, 0.5, "2024-05-03T00:00:00Z")));
        assertEquals(A1, store.latestAnalysis("E1").orElseThrow());
        assertEquals(1.0, store.hitList("E1", null, null, 0, 0).get(0).score());
        final List<AnalysisRow> analyses = store.analyses("E1");
        assertEquals(List.of(A1, A2), analyses.stream().map(AnalysisRow::analysisId).toList());
        assertTrue(store.latestAnalysis("E-unknown").isEmpty());
        assertEquals(List.of(), store.hitList("E-unknown", null, null, 0, 0));
    }

    @Test
    void experimentsMostRecentFirst() throws Exception {
        store.write(Batch.of(plateRun("E-old", "P1", "r1")));
        Thread.sleep(20);
        store.write(Batch.of(plateRun("E-new", "P1", "r1")));
        assertEquals(List.of("E-new", "E-old"), store.experiments().stream().map(ExperimentRow::experimentId).toList());
        assertEquals("E-new", store.latestExperiment().orElseThrow().experimentId());
        Thread.sleep(20);
        store.write(Batch.of(compound(A1, "E-old", "c", 1, 1.0, 0.1, false, null)));
        assertEquals("E-old", store.latestExperiment().orElseThrow().experimentId());
    }

    @Test
    void wellQueriesAndFinalState() {
        store.write(Batch.of(
            well(A1, "E1", "P1", "B01", "cpd", 10.0, WellRole.TREATMENT, 55.5, Map.of("f1", 2.5, "f2", Double.NaN),
                4.5, 0.8, true, null),
            well(A1, "E1", "P1", "A12", "DMSO", null, WellRole.NEGATIVE_CONTROL, 70, Map.of("f1", -0.5), 0.2, 0.0,
                true, null),
            plateQc(A1, "E1", "P1", PlateQc.Status.FINAL, 0.6, null),
            plateQc(A1, "E1", "P2", PlateQc.Status.RUNNING, 0.6, null)));
        final List<WellScoreRow> scores = store.wellScores("E1", A1);
        assertEquals(List.of("A12", "B01"), scores.stream().map(WellScoreRow::well).toList());
        final WellScoreRow b01 = scores.get(1);
        assertEquals("cpd", b01.compound());
        assertEquals(10.0, b01.concentration());
        assertEquals("treatment", b01.role());
        assertEquals(55.5, b01.cellCount());
        assertEquals(4.5, b01.score());
        assertEquals(0.8, b01.controlAxisScore());
        assertNull(scores.get(0).concentration());
        final WellProfileRow profile = store.wellProfiles("E1", A1).get(1);
        assertEquals(2.5, profile.normalized().get("f1"));
        assertTrue(profile.normalized().containsKey("f2"));
        assertNull(profile.normalized().get("f2"), "NaN feature becomes JSON null");
        assertEquals(List.of("edge-effect"), store.plateQc("E1", A1).get(0).flags());

        // Not final: plate P2 still running, and no compound scores yet.
        assertFalse(store.isExperimentFinal("E1", A1));
        store.write(Batch.of(plateQc(A1, "E1", "P2", PlateQc.Status.FINAL, 0.6, null)));
        assertFalse(store.isExperimentFinal("E1", A1), "no compound scores yet");
        store.write(Batch.of(compound(A1, "E1", "cpd", 1, 4.5, 0.01, false, null)));
        assertFalse(store.isExperimentFinal("E1", A1), "compound score not final");
        store.write(Batch.of(compound(A1, "E1", "cpd", 1, 4.5, 0.01, true, null)));
        assertTrue(store.isExperimentFinal("E1", A1));
        assertTrue(store.isExperimentFinal("E1", null));
        assertFalse(store.isExperimentFinal("E-unknown", null));
    }

    @Test
    void siteMasksLandWithTheSiteAndThumbnailsDrawTheirOutlines() throws Exception {
        final Map<String, String> masks = Map.of(SiteFeatures.NUCLEI_MASK, "s3://bucket/cells/m/A02-1.nuclei.png",
            SiteFeatures.CELLS_MASK, "s3://bucket/cells/m/A02-1.cells.png");
        final SiteFeatures plain = site(A1, "E1", "P1", "A02", 1, 2);
        final SiteFeatures outlined = new SiteFeatures(plain.schemaVersion(), plain.analysisId(), plain.analysis(),
            plain.experimentId(), plain.plateId(), plain.runId(), plain.well(), plain.site(), plain.status(),
            plain.error(), plain.cellCount(), plain.features(), plain.qc(), plain.images(), plain.cellDataUri(),
            plain.processedAt(), plain.illumination(), plain.embedding(), masks);
        final Batch batch = Batch.of(plateRun("E1", "P1", "r1"), outlined, site(A1, "E1", "P1", "A02", 2, 3));
        store.write(batch);
        store.write(batch);
        assertEquals(2L, count("SELECT count(*) FROM site_features"));
        assertEquals("s3://bucket/cells/m/A02-1.nuclei.png", text("SELECT masks->>'nuclei' FROM site_features WHERE site = 1"));
        assertEquals("s3://bucket/cells/m/A02-1.cells.png", text("SELECT masks->>'cells' FROM site_features WHERE site = 1"));
        assertEquals(1L, count("SELECT count(*) FROM site_features WHERE site = 2 AND masks IS NULL"),
            "a site without masks (older extractor) keeps NULL");

        final ResultsQueries queries = new ResultsQueries(dataSource);
        final List<SiteDetail> sites = queries.well("E1", A1, "P1", "r1", "A02").sites();
        assertEquals(masks, sites.get(0).masks());
        assertEquals(Map.of(), sites.get(1).masks());
        assertTrue(sites.get(0).hasMasks() && !sites.get(1).hasMasks());

        // The thumbnail route: the image and label images from "object storage", outlines on the site with masks.
        final Map<String, byte[]> objects = Map.of("bucket/images/ab/abcdef", S3SiteThumbnailsFixture.ramp(),
            "bucket/cells/m/A02-1.nuclei.png", S3SiteThumbnailsFixture.nuclei(),
            "bucket/cells/m/A02-1.cells.png", S3SiteThumbnailsFixture.cells());
        final ResultsApi api = new ResultsApi(queries, new S3SiteThumbnails((b, k) -> objects.get(b + "/" + k)));
        final Reply outlinedPng = api.route(List.of("experiments", "E1", "plates", "P1", "wells", "A02", "sites", "1",
            "thumbnail.png"), QueryParams.of(Map.of("channel", "DNA", "size", "30", "analysis", A1)));
        assertEquals(Reply.PNG, outlinedPng.contentType());
        S3SiteThumbnailsFixture.assertFullSizeOutlines(outlinedPng.body());
        final Reply grey = api.route(List.of("experiments", "E1", "plates", "P1", "wells", "A02", "sites", "2",
            "thumbnail.png"), QueryParams.of(Map.of("size", "30", "analysis", A1)));
        assertEquals(1, ImageIO.read(new ByteArrayInputStream(grey.body())).getRaster().getNumBands(),
            "no masks: the grey thumbnail");

        // The well page says so and asks for outlines on the site that has masks only.
        final String page = new String(new ResultsPages(queries, true).route(List.of("experiments", "E1", "plates",
            "P1", "wells", "A02"), QueryParams.of(Map.of("analysis", A1))).body(), StandardCharsets.UTF_8);
        assertTrue(page.contains("nuclei in <span style=\"color:#00b8b8\">cyan</span>"), page);
        assertTrue(page.contains("Sites without stored segmentation masks are shown without outlines."), page);
        assertFalse(page.contains("where the analysis could be re-run"), page);
        assertTrue(page.contains("site 1, DNA, outlined</figcaption>"), page);
        assertTrue(page.contains("site 2, DNA</figcaption>"), page);
        assertEquals(2, page.split("outlines=true", -1).length - 1, "site 1's thumbnail and its full-size link only: "
            + page);

        // A re-delivery without masks (an extractor from before them) replaces the row as a whole.
        store.write(Batch.of(plain));
        assertEquals(1L, count("SELECT count(*) FROM site_features WHERE site = 1 AND masks IS NULL"));
    }

    @Test
    void userValuesTravelAsParameters() {
        final String nasty = "x'); DROP TABLE compound_scores; --";
        store.write(Batch.of(compound(A1, "E1", nasty, 1, 1.0, 0.1, false, null)));
        assertEquals(nasty, store.hitList("E1", A1, null, 0, 0).get(0).compound());
        assertEquals(List.of(), store.hitList(nasty, null, null, 0, 0));
    }

    private static List<String> compounds(final List<HitRow> hits) {
        return hits.stream().map(HitRow::compound).toList();
    }

    private static long count(final String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String text(final String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

}
