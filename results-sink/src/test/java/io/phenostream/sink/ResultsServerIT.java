package io.phenostream.sink;

import static io.phenostream.sink.TestEvents.compound;
import static io.phenostream.sink.TestEvents.plateQc;
import static io.phenostream.sink.TestEvents.plateRun;
import static io.phenostream.sink.TestEvents.site;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.domain.WellRole;
import io.phenostream.common.events.ImageRef;
import io.phenostream.common.events.PlateQc;
import io.phenostream.common.events.WellProfile;
import io.phenostream.common.json.Json;
import io.phenostream.sink.api.ResultsQueries;
import io.phenostream.sink.api.ResultsServer;
import io.phenostream.sink.api.SiteThumbnails;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query API and web UI over a real PostgreSQL: every route, every error status (400, 404, 503 with the
 * database stopped and restarted), injection attempts in every filter, HTML escaping, exports parsed back, and
 * the reader role's lack of write rights.
 */
@Tag("integration")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResultsServerIT {

    private static final String A1 = "a-1111111111111111";
    private static final String XSS = "<script>alert(1)</script>";
    private static final byte[] FAKE_PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};

    @TempDir
    static Path tmp;

    private static int pgPort;
    private static Path pgData;
    private static EmbeddedPostgres postgres;
    private static DataSource reader;
    private static ResultsServer server;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<ImageRef> RENDERED = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        pgData = tmp.resolve("pg");
        try (ServerSocket s = new ServerSocket(0)) {
            pgPort = s.getLocalPort();
        }
        postgres = startPostgres();
        final DataSource admin = postgres.getPostgresDatabase();
        ResultsDatabase.migrate(admin);
        final ResultsStore store = new ResultsStore(admin);
        store.write(Batch.of(compound(A1, "E0", "old", 1, 1.0, 0.5, true, "2024-01-01T00:00:00Z")));
        store.write(Batch.of(plateRun("E1", "P1", "r1"),
            site(A1, "E1", "P1", "A02", 1, 40), site(A1, "E1", "P1", "A02", 2, 38),
            well("A01", "DMSO", null, WellRole.NEGATIVE_CONTROL, 80, 0.5, 0.0, false),
            well("A02", "cpd-1", 10.0, WellRole.TREATMENT, 60, 9.0, 2.5, false),
            well("A03", "cpd-1", 1.0, WellRole.TREATMENT, 70, 4.0, 1.0, false),
            well("B01", "cpd-2", 5.0, WellRole.TREATMENT, 12, 6.0, -1.5, true),
            well("B02", XSS, 3.0, WellRole.TREATMENT, 75, 1.0, 0.1, false),
            well("H12", "pos", 1.0, WellRole.POSITIVE_CONTROL, 50, 12.0, 5.0, false),
            excludedWell("C01"),
            compound(A1, "E1", "cpd-1", 1, 9.5, 0.01, true, "2024-05-01T10:00:00Z", 0.875, 0.0025, 0.0125),
            compound(A1, "E1", "cpd-2", 2, 5.0, 0.04, true, "2024-05-01T10:00:00Z"),
            compound(A1, "E1", XSS, 3, 2.0, 0.3, true, "2024-05-01T10:00:00Z"),
            compound(A1, "E1", "pos", 4, 1.5, 0.6, true, "2024-05-01T10:00:00Z"),
            plateQc(A1, "E1", "P1", PlateQc.Status.FINAL, 0.6, "2024-05-01T10:00:00Z"),
            new PlateQc(1, A1, "E1", "P2", "r1", null, null, 10, 96, 500L, 40, 192, 0, 0, PlateQc.Status.RUNNING,
                List.of(), "2024-05-01T10:00:00Z")));
        reader = ResultsDatabase.readerDataSource(url(), "postgres", "", ResultsDatabase.READER_ROLE);
        server = ResultsServer.start(new ResultsQueries(reader), thumbnails(), "127.0.0.1", 0);
    }

    private static SiteThumbnails thumbnails() {
        return (image, masks, size, outlines) -> {
            synchronized (RENDERED) {
                RENDERED.add(image);
            }
            return FAKE_PNG;
        };
    }

    private static EmbeddedPostgres startPostgres() throws IOException {
        return EmbeddedPostgres.builder().setPort(pgPort).setDataDirectory(pgData).setCleanDataDirectory(false)
            .start();
    }

    private static String url() {
        return "jdbc:postgresql://localhost:" + pgPort + "/postgres";
    }

    private static WellProfile well(final String well, final String compound, final Double conc, final WellRole role,
                                    final double cells, final double score, final double axis,
                                    final boolean cytotoxic) {
        return new WellProfile(1, A1, "E1", "P1", "r1", WellId.parse(well), compound, conc, conc == null ? null : "uM",
            role, 2, 2, 2, cells, Map.of("area", 100.0), Map.of("f_a", score / 2, "f_b", -score, "role", 1.0), score, 0.01, axis,
            cytotoxic, true, "2024-05-01T10:00:00Z");
    }

    /** A well none of whose sites was used (all out of focus): the scorer reports 0 cells and no score. */
    private static WellProfile excludedWell(final String well) {
        return new WellProfile(1, A1, "E1", "P1", "r1", WellId.parse(well), "cpd-3", 1.0, "uM", WellRole.TREATMENT,
            1, 0, 1, 0.0, Map.of(), Map.of(), null, null, null, false, true, "2024-05-01T10:00:00Z");
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    // ------------------------------------------------------------------ API routes

    @Test
    void experimentsAndAnalyses() throws Exception {
        final JsonNode list = json("/api/experiments", 200);
        assertEquals("E1", list.get(0).get("experimentId").asText(), "most recently written first");
        assertEquals(A1, list.get(0).get("latestAnalysisId").asText());
        assertEquals(1, list.get(0).get("plates").asInt());
        assertEquals(2, list.size());
        assertEquals(A1, json("/api/experiments/E1", 200).get("analyses").get(0).get("analysisId").asText());
    }

    @Test
    void hitListFiltersSortsAndPages() throws Exception {
        assertEquals(List.of("cpd-1", "cpd-2", XSS, "pos"), compounds(json("/api/experiments/E1/hits", 200)));
        final JsonNode q = json("/api/experiments/E1/hits?maxQ=0.05", 200);
        assertEquals(List.of("cpd-1", "cpd-2"), compounds(q));
        assertEquals(2, q.get("total").asInt());
        assertEquals(List.of("cpd-1", "cpd-2"), compounds(json("/api/experiments/E1/hits?minScore=5", 200)));
        assertEquals(List.of("pos"), compounds(json("/api/experiments/E1/hits?role=positive_control", 200)));
        assertEquals(List.of("cpd-2"), compounds(json("/api/experiments/E1/hits?cytotoxic=true", 200)));
        assertEquals(List.of("cpd-1", XSS, "pos"), compounds(json("/api/experiments/E1/hits?cytotoxic=false", 200)));
        assertEquals(List.of("pos", XSS, "cpd-2", "cpd-1"),
            compounds(json("/api/experiments/E1/hits?sort=score&order=asc", 200)));
        assertEquals(List.of("cpd-1", "cpd-2", XSS, "pos"), compounds(json("/api/experiments/E1/hits?sort=score", 200)),
            "score sorts descending by default");
        final JsonNode page = json("/api/experiments/E1/hits?limit=2&offset=1", 200);
        assertEquals(List.of("cpd-2", XSS), compounds(page));
        assertEquals(4, page.get("total").asInt());
        final JsonNode first = json("/api/experiments/E1/hits?limit=1", 200).get("hits").get(0);
        assertEquals(0.875, first.get("replicateMap").asDouble());
        assertEquals(List.of("treatment"), List.of(first.get("roles").get(0).asText()));
        assertEquals(0, first.get("cytotoxicWells").asInt());
        assertEquals(1.5, first.get("ec50").asDouble());
        assertEquals(0, json("/api/experiments/E1/hits?offset=100", 200).get("hits").size());
    }

    @Test
    void hitListCsv() throws Exception {
        final HttpResponse<String> r = get("/api/experiments/E1/hits.csv?maxQ=0.05");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        final List<List<String>> rows = CsvReader.parse(r.body());
        assertEquals("compound", rows.get(0).get(0));
        assertEquals(3, rows.size());
        assertEquals(List.of("cpd-1", "1", "9.5"), rows.get(1).subList(0, 3));
        assertEquals(A1, rows.get(1).get(rows.get(0).indexOf("analysis_id")));
    }

    @Test
    void compoundDetail() throws Exception {
        final JsonNode c = json("/api/experiments/E1/compounds/cpd-1", 200);
        assertEquals(1, c.get("score").get("rank").asInt());
        assertEquals(0.9, c.get("fit").get("top").asDouble());
        assertEquals("compound_axis", c.get("fit").get("readout").asText());
        assertEquals(List.of(0.85, 0.95), Json.MAPPER.convertValue(c.get("doses").get(1).get("fitReadouts"),
            List.class));
        assertEquals(0.97, c.get("fit").get("rSquared").asDouble());
        assertEquals(2, c.get("doses").size());
        assertEquals(10.0, c.get("doses").get(1).get("concentration").asDouble());
        assertEquals(2, c.get("wells").size());
        assertEquals("A03", c.get("wells").get(0).get("well").asText(), "wells by dose: 1 uM first");
        assertEquals(0.0125, c.get("score").get("replicateMapQValue").asDouble());
        // A name with reserved characters travels percent-encoded in the path.
        assertEquals(XSS, json("/api/experiments/E1/compounds/" + enc(XSS), 200).get("score").get("compound")
            .asText());
        assertError("/api/experiments/E1/compounds/nope", 404, "nope");
    }

    @Test
    void platesWellsAndThumbnails() throws Exception {
        final JsonNode plates = json("/api/experiments/E1/plates", 200);
        assertEquals(2, plates.size());
        assertEquals("96", plates.get(0).get("layout").asText());
        assertEquals("RUNNING", plates.get(1).get("status").asText());
        assertEquals(40.0 / 192, plates.get(1).get("progress").asDouble(), 1e-12);
        final JsonNode plate = json("/api/experiments/E1/plates/P1", 200);
        assertEquals("r1", plate.get("runId").asText());
        assertEquals(0.6, plate.get("qc").get("zPrime").asDouble());
        assertEquals(7, plate.get("wells").size());
        assertEquals("A01", plate.get("wells").get(0).get("well").asText());
        final JsonNode well = json("/api/experiments/E1/plates/P1/wells/a2", 200);
        assertEquals("A02", well.get("well").asText());
        assertEquals(9.0, well.get("scores").get("score").asDouble());
        assertEquals(2, well.get("sites").size());
        assertEquals(38, well.get("sites").get(1).get("cellCount").asInt());
        assertEquals("images/ab/abcdef", well.get("sites").get(0).get("images").get(0).get("key").asText());
        assertEquals(2, well.get("sitesPerWell").asInt());
        final HttpResponse<byte[]> png = HTTP.send(request("/api/experiments/E1/plates/P1/wells/A02/sites/1/"
            + "thumbnail.png?channel=DNA"), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, png.statusCode());
        assertEquals("image/png", png.headers().firstValue("Content-Type").orElse(""));
        assertEquals(FAKE_PNG.length, png.body().length);
        synchronized (RENDERED) {
            assertEquals("images/ab/abcdef", RENDERED.get(RENDERED.size() - 1).key());
        }
        assertError("/api/experiments/E1/plates/P1/wells/A02/sites/9/thumbnail.png", 404, "site 9");
        assertError("/api/experiments/E1/plates/P1/wells/A02/sites/1/thumbnail.png?channel=GFP", 404, "GFP");
        assertError("/api/experiments/E1/plates/P1/wells/C07", 404, "C07");
        assertError("/api/experiments/E1/plates/P9", 404, "P9");
        assertError("/api/experiments/E1/plates/P1/wells/Z99", 400, "well");
    }

    @Test
    void profileExportsCsvAndParquet() throws Exception {
        final List<List<String>> csv = CsvReader.parse(get("/api/experiments/E1/profiles.csv").body());
        assertEquals(List.of("plate", "run", "well", "compound", "concentration", "unit", "role", "f_a", "f_b",
            "feature_role"), csv.get(0), "a feature named like a fixed column is renamed, not lost");
        assertEquals(8, csv.size());
        assertEquals(List.of("P1", "r1", "A02", "cpd-1", "10.0", "uM", "treatment", "4.5", "-9.0", "1.0"), csv.get(2));
        final HttpResponse<byte[]> pq = HTTP.send(request("/api/experiments/E1/profiles.parquet"),
            HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, pq.statusCode());
        final Path file = tmp.resolve("profiles.parquet");
        Files.write(file, pq.body());
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), sum(f_a), sum(f_b), min(concentration), "
                 + "count(concentration), max(compound) FILTER (WHERE well = 'B02'), sum(feature_role) "
                 + "FROM read_parquet('" + file + "')")) {
            rs.next();
            assertEquals(7, rs.getLong(1));
            assertEquals((0.5 + 9 + 4 + 6 + 1 + 12) / 2, rs.getDouble(2), 1e-12);
            assertEquals(-(0.5 + 9 + 4 + 6 + 1 + 12), rs.getDouble(3), 1e-12);
            assertEquals(1.0, rs.getDouble(4));
            assertEquals(6, rs.getLong(5), "the control well's missing dose is null, not 0");
            assertEquals(XSS, rs.getString(6));
            assertEquals(6.0, rs.getDouble(7), "feature_role column");
        }
    }

    @Test
    void healthAndMetrics() throws Exception {
        assertEquals("UP", json("/health", 200).get("status").asText());
        get("/api/experiments");
        final String metrics = get("/metrics").body();
        assertTrue(metrics.contains("phenostream_results_http_requests_total{route=\"/api/experiments\",status=\"200\"}"),
            metrics);
        assertTrue(metrics.contains("phenostream_results_database_up 1.0"), metrics);
    }

    // ------------------------------------------------------------------ errors and bad input

    @Test
    void invalidFiltersAre400NamingTheParameter() throws Exception {
        assertError("/api/experiments/E1/hits?maxQ=abc", 400, "maxQ");
        assertError("/api/experiments/E1/hits?maxQ=2", 400, "maxQ");
        assertError("/api/experiments/E1/hits?maxQ=NaN", 400, "maxQ");
        assertError("/api/experiments/E1/hits?minScore=x", 400, "minScore");
        assertError("/api/experiments/E1/hits?limit=0", 400, "limit");
        assertError("/api/experiments/E1/hits?offset=-1", 400, "offset");
        assertError("/api/experiments/E1/hits?sort=evil", 400, "sort");
        assertError("/api/experiments/E1/hits?order=sideways", 400, "order");
        assertError("/api/experiments/E1/hits?role=boss", 400, "role");
        assertError("/api/experiments/E1/hits?cytotoxic=maybe", 400, "cytotoxic");
        assertError("/api/experiments/E1/hits?maxQ=0.1&maxQ=0.2", 400, "maxQ");
        assertError("/api/experiments/E1/hits?analysis=" + "a".repeat(300), 400, "analysis");
        assertEquals(405, HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/api/experiments"))
            .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void unknownIdsAre404() throws Exception {
        assertError("/api/experiments/NOPE", 404, "NOPE");
        assertError("/api/experiments/NOPE/hits", 404, "NOPE");
        assertError("/api/experiments/E1/hits?analysis=a-9999", 404, "a-9999");
        assertError("/api/experiments/E1/nothing", 404, "no API route");
        assertError("/api/nothing", 404, "no API route");
        assertEquals(404, get("/experiments/NOPE").statusCode());
        assertEquals(404, get("/no/such/page").statusCode());
    }

    @Test
    void injectionAttemptsNeverReachTheSql() throws Exception {
        final List<String> payloads = List.of("' OR '1'='1", "1; DROP TABLE compound_scores; --",
            "E1' UNION SELECT usename, passwd FROM pg_shadow --", "0.05 OR 1=1");
        for (final String p : payloads) {
            for (final String param : List.of("analysis", "maxQ", "minScore", "role", "cytotoxic", "sort", "order",
                "limit", "offset", "run", "channel")) {
                for (final String route : List.of("/api/experiments/E1/hits", "/api/experiments/E1/plates/P1",
                    "/experiments/E1")) {
                    final HttpResponse<String> r = get(route + "?" + param + "=" + enc(p));
                    assertTrue(r.statusCode() == 200 || r.statusCode() == 400 || r.statusCode() == 404,
                        route + " " + param + "=" + p + " -> " + r.statusCode());
                    final String body = r.body().toLowerCase();
                    for (final String leak : List.of("syntax", "psql", "sqlstate", "select ", "pg_shadow", "error:")) {
                        if (!(leak.equals("select ") && route.startsWith("/experiments"))) {
                            assertFalse(body.contains(leak) && !p.toLowerCase().contains(leak.trim()),
                                route + " " + param + "=" + p + " leaked " + leak + ": " + r.body());
                        }
                    }
                }
            }
            for (final String path : List.of("/api/experiments/" + enc(p), "/api/experiments/E1/compounds/" + enc(p),
                "/api/experiments/E1/plates/" + enc(p), "/api/experiments/E1/plates/P1/wells/" + enc(p))) {
                final int status = get(path).statusCode();
                assertTrue(status == 400 || status == 404, path + " -> " + status);
            }
        }
        // Nothing was dropped or deleted.
        assertEquals(4, json("/api/experiments/E1/hits", 200).get("total").asInt());
        assertEquals(2, json("/api/experiments", 200).size());
    }

    @Test
    void readerRoleCannotWrite() throws SQLException {
        try (Connection c = reader.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT current_user, current_setting('transaction_read_only')")) {
                rs.next();
                assertEquals("phenostream_reader", rs.getString(1));
                assertEquals("on", rs.getString(2));
            }
            // Even with the read-only default switched off, the role has no write privilege.
            s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE");
            for (final String sql : List.of("INSERT INTO experiments (experiment_id) VALUES ('x')",
                "DELETE FROM compound_scores", "UPDATE plate_qc SET status = 'FINAL'", "DROP TABLE site_features",
                "CREATE TABLE evil (x int)")) {
                final SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
                assertTrue(e.getSQLState().equals("42501"), sql + ": " + e.getSQLState() + " " + e.getMessage());
            }
        }
    }

    // ------------------------------------------------------------------ web UI

    @Test
    void userStringsAreEscapedInPages() throws Exception {
        for (final String page : List.of("/", "/experiments/E1", "/experiments/E1/compounds/" + enc(XSS),
            "/experiments/E1/plates/P1", "/experiments/E1/plates/P1/wells/B02")) {
            final HttpResponse<String> r = get(page);
            assertEquals(200, r.statusCode(), page);
            assertFalse(r.body().contains(XSS), page + " contains the raw script tag");
            assertFalse(r.body().toLowerCase().contains("<script"), page);
            assertTrue(r.body().contains("&lt;script&gt;alert(1)&lt;/script&gt;"), page + " lacks the escaped name");
        }
        // An error message that quotes the request is escaped too.
        final HttpResponse<String> r = get("/experiments/" + enc(XSS));
        assertEquals(404, r.statusCode());
        assertFalse(r.body().contains(XSS));
        assertTrue(r.body().contains("&lt;script&gt;"));
    }

    @Test
    void pagesRenderTheirContent() throws Exception {
        final String start = get("/").body();
        assertTrue(start.contains("Latest experiment"), start);
        assertTrue(start.contains(">cpd-1</a>"), "the top hit is on the start page");
        assertTrue(start.contains("Plates in progress") && start.contains(">P2</a>") && start.contains("40 / 192"),
            start);
        assertTrue(start.contains(">E0</a>"), "the experiment list");
        final String hits = get("/experiments/E1?maxQ=0.05&sort=score").body();
        assertTrue(hits.contains("2 compounds match"), hits);
        assertTrue(hits.contains("score ▼"), "the active sort column is marked");
        assertTrue(hits.contains("profiles.parquet"));
        final String plate = get("/experiments/E1/plates/P1").body();
        assertEquals(3, count(plate, "<svg"), "score, control-axis and cell-count heatmaps");
        assertEquals(3 * 96, count(plate, "<rect x=") - 0, "one cell per well of a 96-well plate, per heatmap");
        assertTrue(plate.contains("href=\"/experiments/E1/plates/P1/wells/A02?analysis=" + A1 + "&amp;run=r1\""),
            "wells link to their page");
        assertTrue(plate.contains("title=\"no site of this well was used") && plate.contains(">excluded</span>"),
            "a well without a used site says so instead of 0 cells");
        final String excluded = get("/experiments/E1/plates/P1/wells/C01").body();
        assertTrue(excluded.contains("No site of this well was used"), excluded);
        final String compound = get("/experiments/E1/compounds/cpd-1").body();
        assertTrue(compound.contains("<polyline class=\"fit\""), "the 4PL curve");
        assertEquals(2, count(compound, "class=\"dose\""), "one dot per dose");
        assertEquals(4, count(compound, "class=\"well\""), "one dot per well the fit used, read back from JSONB");
        assertTrue(compound.contains("compound-axis score"), "the fit's readout labels the y axis");
        assertTrue(compound.contains("EC50 1.50"), compound);
        final String well = get("/experiments/E1/plates/P1/wells/A02").body();
        assertTrue(well.contains("class=\"thumb\""), well);
        assertTrue(well.contains("s3://bucket/images/ab/abcdef"), well);
        assertFalse(well.contains("outlines=true"), "sites without masks: thumbnails without outlines");
        assertTrue(well.contains("segmentation outlines where the analysis could be re-run"), well);
        assertEquals(400, get("/experiments/E1?maxQ=abc").statusCode());
        assertTrue(get("/experiments/E1?maxQ=abc").body().contains("maxQ"));
    }

    // ------------------------------------------------------------------ outage: last, it restarts the database

    @Test
    @Order(Integer.MAX_VALUE)
    void databaseDownIs503AndTheApiRecoversWhenItReturns() throws Exception {
        postgres.close();
        postgres = null;
        final long t0 = System.nanoTime();
        assertError("/api/experiments", 503, "database");
        assertError("/api/experiments/E1/hits", 503, "database");
        assertEquals(503, get("/health").statusCode());
        final HttpResponse<String> page = get("/experiments/E1");
        assertEquals(503, page.statusCode());
        assertTrue(page.body().contains("Results database unavailable"));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20), "503s come quickly");
        assertTrue(get("/metrics").body().contains("phenostream_results_database_up 0.0"));

        postgres = startPostgres();
        assertEquals(200, get("/health").statusCode());
        assertEquals(4, json("/api/experiments/E1/hits", 200).get("total").asInt());
        assertEquals(200, get("/").statusCode());
    }

    // ------------------------------------------------------------------ helpers

    private static String base() {
        return "http://127.0.0.1:" + server.port();
    }

    private static HttpRequest request(final String path) {
        return HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30)).GET().build();
    }

    private static HttpResponse<String> get(final String path) throws IOException, InterruptedException {
        return HTTP.send(request(path), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(final String path, final int status) throws Exception {
        final HttpResponse<String> r = get(path);
        assertEquals(status, r.statusCode(), path + ": " + r.body());
        return Json.MAPPER.readTree(r.body());
    }

    private static void assertError(final String path, final int status, final String mentions) throws Exception {
        final JsonNode body = json(path, status);
        assertTrue(body.get("error").asText().contains(mentions), path + ": " + body);
    }

    private static List<String> compounds(final JsonNode page) {
        final List<String> out = new ArrayList<>();
        page.get("hits").forEach(h -> out.add(h.get("compound").asText()));
        return out;
    }

    private static String enc(final String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static int count(final String text, final String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
