package io.phenostream.sink;

import static io.phenostream.sink.TestEvents.compound;
import static io.phenostream.sink.TestEvents.plateQc;
import static io.phenostream.sink.TestEvents.plateRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.ExtractionParameters;
import io.phenostream.common.events.ImageRef;
import io.phenostream.common.events.PlateQc;
import io.phenostream.common.events.ScoringParameters;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.events.SiteQc;
import io.phenostream.common.json.Json;
import io.phenostream.sink.api.ResultsQueries;
import io.phenostream.sink.api.ResultsServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compare} over a real PostgreSQL, on the reader role: two analyses of one experiment written through
 * {@link ResultsStore} (B a replay with another FDR: one hit gained, one lost, one compound dropped, one new),
 * checked in the API's JSON and CSV and in the web page (a compound named like a script rendered escaped), with
 * 400 for missing or malformed analysis ids and 404 for analyses the experiment does not have.
 */
@Tag("integration")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CompareIT {

    private static final String A = "a-aaaaaaaaaaaaaaaa";
    private static final String B = "a-bbbbbbbbbbbbbbbb";
    private static final String OTHER = "a-cccccccccccccccc";
    private static final String XSS = "<script>alert(1)</script>";
    private static final String T_A = "2024-05-01T10:00:00Z";
    private static final String T_B = "2024-06-01T10:00:00Z";

    @TempDir
    static Path tmp;

    private static EmbeddedPostgres postgres;
    private static ResultsServer server;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().setDataDirectory(tmp.resolve("pg")).start();
        final DataSource admin = postgres.getPostgresDatabase();
        ResultsDatabase.migrate(admin);
        final ResultsStore store = new ResultsStore(admin);
        final AnalysisSpec specB = new AnalysisSpec(AnalysisSpec.NO_MODEL, AnalysisSpec.NO_MODEL,
            ExtractionParameters.defaults(), new ScoringParameters(0.01, 1e-6, 0.4, 0.5));
        store.write(Batch.of(plateRun("EC", "P1", "r1"), site(A, AnalysisSpec.classicalDefaults(), T_A),
            site(B, specB, T_B),
            compound(A, "EC", "cpd-1", 1, 9.0, 0.01, true, T_A),
            compound(A, "EC", "cpd-2", 2, 7.0, 0.03, true, T_A),
            compound(A, "EC", XSS, 3, 5.0, 0.2, true, T_A),
            compound(A, "EC", "cpd-4", 4, 3.0, 0.5, true, T_A),
            compound(A, "EC", "gone", 5, 2.0, 0.04, true, T_A),
            plateQc(A, "EC", "P1", PlateQc.Status.FINAL, 0.6, T_A),
            compound(B, "EC", XSS, 1, 9.5, 0.001, true, T_B),
            compound(B, "EC", "cpd-1", 2, 8.0, 0.01, true, T_B),
            compound(B, "EC", "cpd-2", 3, 4.0, 0.3, true, T_B),
            compound(B, "EC", "cpd-4", 4, 1.0, 0.7, true, T_B),
            compound(B, "EC", "new", 5, 0.5, 0.8, true, T_B),
            plateQc(B, "EC", "P1", PlateQc.Status.FINAL, 0.72, T_B),
            new PlateQc(1, B, "EC", "P2", "r1", null, null, 10, 96, 500L, 40, 192, 0, 0, PlateQc.Status.RUNNING,
                List.of(), T_B),
            compound(OTHER, "E-other", "cpd-1", 1, 1.0, 0.5, true, T_A)));
        final DataSource reader = ResultsDatabase.readerDataSource(
            "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres", "postgres", "",
            ResultsDatabase.READER_ROLE);
        server = ResultsServer.start(new ResultsQueries(reader), null, "127.0.0.1", 0);
    }

    private static SiteFeatures site(final String analysis, final AnalysisSpec spec, final String at) {
        return new SiteFeatures(1, analysis, spec, "EC", "P1", "r1", WellId.parse("A02"), 1, SiteFeatures.Status.OK,
            null, 40, Map.of("area", 100.0), new SiteQc(0.8, 0.001, List.of()),
            List.of(new ImageRef("DNA", "bucket", "images/ab/abcdef", "abcdef0123", 1024, "A02_s1_w1.tif")),
            "s3://bucket/cells/x.parquet", at);
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

    @Test
    void apiJsonHasCorrelationHitsGainedAndLostAndPlates() throws Exception {
        final JsonNode r = json("/api/experiments/EC/compare?a=" + A + "&b=" + B, 200);
        assertEquals(A, r.get("analysisA").asText());
        final JsonNode s = r.get("summary");
        // scores in both: (9, 8) (7, 4) (5, 9.5) (3, 1); rank differences 1, 1, -2, 0: 1 - 6*6 / (4*15)
        assertEquals(4, s.get("n").asInt());
        assertEquals(0.4, s.get("spearman").asDouble(), 1e-12);
        assertEquals(2.0 / 6.0, s.get("kendallTauB").asDouble(), 1e-12);
        assertEquals(3, s.get("hitsA").asInt());
        assertEquals(2, s.get("hitsB").asInt());
        assertEquals(1, s.get("gained").asInt());
        assertEquals(1, s.get("lost").asInt());
        assertEquals(1, s.get("kept").asInt());
        assertEquals(1, s.get("onlyA").asInt());
        assertEquals(1, s.get("onlyB").asInt());
        final JsonNode gained = r.get("gained").get(0);
        assertEquals(XSS, gained.get("compound").asText());
        assertEquals(3, gained.get("rankA").asInt());
        assertEquals(1, gained.get("rankB").asInt());
        assertEquals(0.2, gained.get("qA").asDouble());
        assertEquals(0.001, gained.get("qB").asDouble());
        assertEquals("cpd-2", r.get("lost").get(0).get("compound").asText());
        assertEquals(7.0, r.get("lost").get(0).get("scoreA").asDouble());
        assertEquals(4.0, r.get("lost").get(0).get("scoreB").asDouble());
        final List<String> changes = new ArrayList<>();
        r.get("compounds").forEach(c -> changes.add(c.get("compound").asText() + "=" + c.get("change").asText()));
        assertEquals(List.of(XSS + "=gained", "cpd-1=kept", "cpd-2=lost", "cpd-4=none", "new=only_b", "gone=only_a"),
            changes);
        final JsonNode p1 = r.get("plates").get(0);
        assertEquals("P1", p1.get("plateId").asText());
        assertEquals(0.6, p1.get("zPrimeA").asDouble());
        assertEquals(0.72, p1.get("zPrimeB").asDouble());
        assertEquals(0.12, p1.get("zPrimeDelta").asDouble(), 1e-12);
        assertEquals(0.0, p1.get("ssmdDelta").asDouble(), 1e-12);
        final JsonNode p2 = r.get("plates").get(1);
        assertTrue(p2.get("statusA").isNull(), "P2 has no QC in A");
        assertEquals("RUNNING", p2.get("statusB").asText());
        assertEquals("scoring.fdr", r.get("specDifferences").get(0).get("setting").asText());
        assertEquals("0.05", r.get("specDifferences").get(0).get("a").asText());
        assertEquals("0.01", r.get("specDifferences").get(0).get("b").asText());
        assertEquals(1, r.get("specDifferences").size());
        // A against itself: nothing changes and the ranks agree perfectly.
        final JsonNode same = json("/api/experiments/EC/compare?a=" + A + "&b=" + A, 200).get("summary");
        assertEquals(1.0, same.get("spearman").asDouble(), 1e-12);
        assertEquals(0, same.get("gained").asInt() + same.get("lost").asInt() + same.get("onlyA").asInt());
    }

    @Test
    void csvHasOneRowPerCompound() throws Exception {
        final HttpResponse<String> r = get("/api/experiments/EC/compare.csv?a=" + A + "&b=" + B);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        assertEquals("attachment; filename=\"EC-compare.csv\"",
            r.headers().firstValue("Content-Disposition").orElse(""));
        final List<String> lines = r.body().lines().toList();
        assertEquals(List.of("compound,rank_a,rank_b,score_a,score_b,q_a,q_b,hit_a,hit_b,change",
            XSS + ",3,1,5.0,9.5,0.2,0.001,false,true,gained",
            "cpd-1,1,2,9.0,8.0,0.01,0.01,true,true,kept",
            "cpd-2,2,3,7.0,4.0,0.03,0.3,true,false,lost",
            "cpd-4,4,4,3.0,1.0,0.5,0.7,false,false,none",
            "new,,5,,0.5,,0.8,,false,only_b",
            "gone,5,,2.0,,0.04,,true,,only_a"), lines);
    }

    @Test
    void pageShowsSummaryTablesAndScatterEscaped() throws Exception {
        final HttpResponse<String> r = get("/experiments/EC/compare?a=" + A + "&b=" + B);
        assertEquals(200, r.statusCode(), r.body());
        final String page = r.body();
        assertFalse(page.contains(XSS), "raw script tag on the page");
        assertFalse(page.toLowerCase().contains("<script"));
        assertTrue(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(page.contains("<td class=\"spearman\">0.4000</td>"), page);
        assertTrue(page.contains("<h2>What differs</h2>") && page.contains("scoring.fdr"), page);
        assertEquals(4, count(page, "<circle class=\"pt "), "one dot per compound scored in both");
        assertEquals(1, count(page, "class=\"pt gained\""));
        assertEquals(1, count(page, "class=\"pt lost\""));
        // the gained hit links to its compound page in B, the lost one in A
        assertTrue(page.contains("href=\"/experiments/EC/compounds/%3Cscript%3Ealert%281%29%3C%2Fscript%3E?analysis="
            + B + "\""), page);
        assertTrue(page.contains("href=\"/experiments/EC/compounds/cpd-2?analysis=" + A + "\""), page);
        assertTrue(page.contains("<h3>Only in A</h3>") && page.contains(">gone</a>") && page.contains(">new</a>"));
        assertTrue(page.contains("<td>0.600</td><td>0.720</td><td>+0.120</td>"), "Z' of P1 in A, B and the change");
        assertTrue(page.contains("compare.csv?a=" + A + "&amp;b=" + B), "CSV export link");
        // The experiment page offers the comparison of its two analyses: A the older, B the latest.
        final String experiment = get("/experiments/EC").body();
        assertTrue(experiment.contains("action=\"/experiments/EC/compare\""), experiment);
        assertTrue(experiment.contains("<select name=\"a\"><option value=\"" + B + "\">" + B + "</option><option value=\""
            + A + "\" selected>"), experiment);
        assertFalse(get("/experiments/E-other").body().contains("/compare"), "one analysis: nothing to compare");
    }

    @Test
    void missingOrMalformedAnalysisIs400() throws Exception {
        assertError("/api/experiments/EC/compare?b=" + B, 400, "parameter 'a'");
        assertError("/api/experiments/EC/compare?a=" + A, 400, "parameter 'b'");
        assertError("/api/experiments/EC/compare.csv?a=&b=" + B, 400, "parameter 'a'");
        assertError("/api/experiments/EC/compare?a=" + A + "&b=x%01y", 400, "parameter 'b'");
        assertError("/api/experiments/EC/compare?a=" + "x".repeat(201) + "&b=" + B, 400, "parameter 'a'");
        assertError("/api/experiments/EC/compare?a=" + A + "&a=" + A + "&b=" + B, 400, "more than once");
        final HttpResponse<String> page = get("/experiments/EC/compare?a=" + A);
        assertEquals(400, page.statusCode());
        assertTrue(page.body().contains("Bad request") && page.body().contains("parameter &#39;b&#39;"), page.body());
    }

    @Test
    void unknownAnalysisOrExperimentIs404() throws Exception {
        assertError("/api/experiments/EC/compare?a=" + A + "&b=a-nope", 404, "analysis 'a-nope'");
        assertError("/api/experiments/EC/compare?a=" + OTHER + "&b=" + B, 404, "analysis '" + OTHER + "'");
        assertError("/api/experiments/nope/compare?a=" + A + "&b=" + B, 404, "unknown experiment");
        assertError("/api/experiments/EC/compare.csv?a=" + enc("x' OR '1'='1") + "&b=" + B, 404, "x' OR '1'='1");
        final HttpResponse<String> page = get("/experiments/EC/compare?a=" + enc(XSS) + "&b=" + B);
        assertEquals(404, page.statusCode());
        assertFalse(page.body().contains(XSS));
        assertTrue(get("/metrics").body().contains("route=\"/api/experiments/{id}/compare\""));
    }

    private static HttpResponse<String> get(final String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(final String path, final int status) throws Exception {
        final HttpResponse<String> r = get(path);
        assertEquals(status, r.statusCode(), path + ": " + r.body());
        return Json.MAPPER.readTree(r.body());
    }

    private static void assertError(final String path, final int status, final String mentions) throws Exception {
        final JsonNode body = json(path, status);
        assertEquals(status, body.get("status").asInt());
        assertTrue(body.get("error").asText().contains(mentions), path + ": " + body);
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
