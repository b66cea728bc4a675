package io.phenostream.ingest.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.ImageRef;
import io.phenostream.common.events.ImageSet;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.json.Json;
import io.phenostream.common.kafka.KafkaClientConfigs;
import io.phenostream.common.kafka.Topics;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.common.s3.S3ClientFactory;
import io.phenostream.common.synth.TiffWriter;
import io.phenostream.infra.LocalInfrastructure;
import io.phenostream.ingest.PlateIngestor;
import io.phenostream.ingest.RunPublisher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The ingest HTTP API against an embedded Kafka broker and S3 server, spoken to as lab automation would. Every log
 * event of the class (every logger, io.phenostream at DEBUG, stack traces included) is captured: neither the bearer
 * token nor the S3 secret key, both distinctive, may appear in any of them, over good and bad requests.
 */
@Tag("integration")
@Timeout(180)
class IngestHttpServerIT {

    private static final String TOKEN = "it-token-" + UUID.randomUUID();
    private static final String S3_SECRET = "s3Secret-Ingest-" + UUID.randomUUID();
    private static final String OTHER_BUCKET = "instrument-other";
    private static final String PLATE_MAP = """
        well,compound,concentration,unit,role
        A01,DMSO,,,negative_control
        A02,cmpd-1,10,uM,treatment
        """;

    @TempDir
    static Path dataDir;

    private static LocalInfrastructure infra;
    private static PhenoConfig config;
    private static ObjectStore store;
    private static KafkaProducer<String, byte[]> producer;
    private static IngestHttpServer server;
    private static HttpClient http;
    private static ListAppender<ILoggingEvent> logs;

    @BeforeAll
    static void start() {
        logs = LogCapture.start();
        infra = LocalInfrastructure.start(PhenoConfig.defaults().with(ConfigKey.DATA_DIR, dataDir.toString())
            .with(ConfigKey.S3_SECRET_KEY, S3_SECRET).with(ConfigKey.DB_URL, "jdbc:postgresql://unused/x"), true);
        config = infra.config().with(ConfigKey.INGEST_HTTP_TOKEN, TOKEN)
            .with(ConfigKey.INGEST_PUBLISH_TIMEOUT_MS, "20000");
        store = new ObjectStore(S3ClientFactory.create(config), config.require(ConfigKey.S3_BUCKET));
        producer = new KafkaProducer<>(RunPublisher.producerConfig(config));
        final PlateIngestor ingestor = new PlateIngestor(store, producer, config, new SimpleMeterRegistry());
        server = IngestHttpServer.start(ingestor, store, config, 0);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        try {
            if (server != null) {
                server.close();
            }
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
            if (store != null) {
                store.close();
            }
            if (infra != null) {
                infra.close();
            }
            // Over every test of the class, good requests and bad ones, start and stop included.
            assertNoSecretLogged();
        } finally {
            LogCapture.stop(logs);
        }
    }

    private static void assertNoSecretLogged() {
        final String logged = LogCapture.render(logs);
        assertTrue(logs.list.size() > 10, "log events were captured: " + logs.list.size());
        for (final String secret : List.of(TOKEN, S3_SECRET)) {
            assertFalse(logged.contains(secret), "secret in the logs:\n" + logged);
        }
    }

    // ---- 1. auth ------------------------------------------------------------------------------------------------

    @Test
    void withoutTheRightTokenNothingHappens() throws Exception {
        final String register = "/v1/runs?experiment=exp-auth&plate=PA&run=r1&layout=96&channels=DNA,GFP"
            + "&sitesPerWell=1";
        for (final String auth : new String[] {null, "Bearer wrong-" + TOKEN, "Basic " + TOKEN, TOKEN}) {
            final HttpResponse<String> r = send("POST", register, auth, PLATE_MAP.getBytes(StandardCharsets.UTF_8));
            assertEquals(401, r.statusCode(), "auth " + auth);
            assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), r.headers().toString());
            assertTrue(json(r).get("error").asText().contains("bearer token"), r.body());
            assertFalse(r.body().contains(TOKEN), "the token never comes back");
        }
        final HttpResponse<String> put = send("PUT", "/v1/runs/exp-auth/PA/r1/images/A01/0/DNA?fileName=a.tif",
            "Bearer nope", tiff(1));
        assertEquals(401, put.statusCode());
        assertEquals(401, send("GET", "/v1/runs", null, null).statusCode());
        assertEquals(401, send("GET", "/no/such/thing", null, null).statusCode(), "no probing without a token");

        final HttpResponse<String> health = send("GET", "/health", null, null);
        assertEquals(200, health.statusCode());
        assertEquals("ok", json(health).get("status").asText());

        assertTrue(records(Topics.PLATE_RUNS, "exp-auth/").isEmpty());
        assertTrue(records(Topics.IMAGE_SETS, "exp-auth/").isEmpty());
        assertFalse(store.exists(ObjectStore.imageKey(ObjectStore.sha256(tiff(1)))), "the refused PUT stored nothing");
        // with the token the same registration goes through: the 401s above were about the token only
        assertEquals(201, send("POST", register, "Bearer " + TOKEN, PLATE_MAP.getBytes(StandardCharsets.UTF_8))
            .statusCode());
    }

    // ---- 2. a whole run -----------------------------------------------------------------------------------------

    @Test
    void registerPushAndCloseARun() throws Exception {
        final String runKey = "exp-flow/PL001/run-1";
        final String register = "/v1/runs?experiment=exp-flow&plate=PL001&run=run-1&layout=96&channels=DNA,GFP"
            + "&expectedSites=2&sitesPerWell=1";
        final HttpResponse<String> created = post(register, PLATE_MAP);
        assertEquals(201, created.statusCode(), created.body());
        final JsonNode reg = json(created);
        assertEquals(runKey, reg.get("runKey").asText());
        assertEquals("exp-flow", reg.get("experimentId").asText());
        assertEquals("PL001", reg.get("plateId").asText());
        assertEquals("run-1", reg.get("runId").asText());
        assertEquals(AnalysisSpec.classicalDefaults().analysisId(), reg.get("analysisId").asText());
        assertEquals("/v1/runs/" + runKey + "/images/{well}/{site}/{channel}?fileName={fileName}",
            reg.get("uploadUrl").asText());

        // the same registration again is the same run; other parameters for the same key are a conflict
        final HttpResponse<String> again = post(register, PLATE_MAP);
        assertEquals(200, again.statusCode(), again.body());
        assertEquals(runKey, json(again).get("runKey").asText());
        final HttpResponse<String> other = post(register.replace("layout=96", "layout=384"), PLATE_MAP);
        assertEquals(409, other.statusCode(), other.body());
        assertTrue(json(other).get("error").asText().contains("layout 96 registered, 384 now"), other.body());

        final List<PlateRun> openRuns = plateRuns(runKey);
        assertEquals(1, openRuns.size(), "one plate-run record so far");
        assertTrue(openRuns.get(0).open());
        assertEquals(2, openRuns.get(0).expectedSites());
        assertEquals(List.of("DNA", "GFP"), openRuns.get(0).channels());
        assertTrue(openRuns.get(0).source().startsWith("http:"), openRuns.get(0).source());

        final Map<String, byte[]> images = new TreeMap<>();
        images.put("A01/DNA", tiff(10));
        images.put("A01/GFP", tiff(11));
        images.put("A02/DNA", tiff(12));
        images.put("A02/GFP", tiff(13));
        final JsonNode first = json(put(runKey, "A01", 0, "DNA", "A01_w1.tif", images.get("A01/DNA"), 201));
        assertTrue(first.get("uploaded").asBoolean());
        assertFalse(first.get("siteComplete").asBoolean());
        assertEquals(ObjectStore.sha256(images.get("A01/DNA")), first.get("sha256").asText());
        assertEquals("s3://" + store.bucket() + "/" + ObjectStore.imageKey(first.get("sha256").asText()),
            first.get("uri").asText());
        assertTrue(json(put(runKey, "A01", 0, "GFP", "A01_w2.tif", images.get("A01/GFP"), 201))
            .get("siteComplete").asBoolean());
        put(runKey, "A02", 0, "DNA", "A02_w1.tif", images.get("A02/DNA"), 201);
        assertTrue(json(put(runKey, "A02", 0, "GFP", "A02_w2.tif", images.get("A02/GFP"), 201))
            .get("siteComplete").asBoolean());

        final List<ConsumerRecord<String, byte[]>> sets = records(Topics.IMAGE_SETS, runKey + "/");
        assertEquals(List.of(runKey + "/A01/0", runKey + "/A02/0"), sets.stream().map(ConsumerRecord::key).sorted()
            .toList());
        for (final ConsumerRecord<String, byte[]> rec : sets) {
            final ImageSet set = EventSerdes.imageSet().deserialize(config.topic(Topics.IMAGE_SETS), rec.value());
            assertEquals(AnalysisSpec.classicalDefaults().analysisId(), set.analysisId());
            assertEquals("DNA", set.nuclearChannel());
            final Map<String, String> shas = set.images().stream().collect(Collectors.toMap(ImageRef::channel,
                ImageRef::sha256));
            assertEquals(Map.of("DNA", ObjectStore.sha256(images.get(set.well() + "/DNA")),
                "GFP", ObjectStore.sha256(images.get(set.well() + "/GFP"))), shas);
            for (final ImageRef ref : set.images()) {
                assertArrayEquals(images.get(set.well() + "/" + ref.channel()), store.get(ref.bucket(), ref.key()),
                    ref.uri());
                assertEquals(set.well() + "_w" + (ref.channel().equals("DNA") ? 1 : 2) + ".tif", ref.fileName());
            }
        }

        // the same image again: stored already, its site published already
        final JsonNode repeat = json(put(runKey, "A01", 0, "DNA", "A01_w1.tif", images.get("A01/DNA"), 201));
        assertFalse(repeat.get("uploaded").asBoolean());
        assertTrue(repeat.get("siteComplete").asBoolean());
        assertFalse(repeat.get("imageSetPublished").asBoolean());
        assertEquals(2, records(Topics.IMAGE_SETS, runKey + "/").size(), "no third image-set record");

        final JsonNode status = json(get("/v1/runs/" + runKey, 200));
        assertTrue(status.get("open").asBoolean());
        assertEquals(2, status.get("sitesPublished").asInt());

        final HttpResponse<String> closed = post("/v1/runs/" + runKey + "/close?sites=2", "");
        assertEquals(200, closed.statusCode(), closed.body());
        assertFalse(json(closed).get("open").asBoolean());
        final List<PlateRun> runs = plateRuns(runKey);
        assertEquals(2, runs.size());
        assertFalse(runs.get(runs.size() - 1).open(), "the latest plate-run record is closed");
        assertEquals(2, runs.get(runs.size() - 1).expectedSites());

        final HttpResponse<String> late = send("PUT", "/v1/runs/" + runKey + "/images/A01/1/DNA?fileName=late.tif",
            "Bearer " + TOKEN, tiff(14));
        assertEquals(409, late.statusCode(), late.body());
        assertTrue(json(late).get("error").asText().contains("is closed"), late.body());
        final JsonNode list = json(get("/v1/runs", 200));
        assertTrue(list.get("closed").toString().contains(runKey), list.toString());
        assertFalse(list.get("open").toString().contains(runKey), list.toString());
    }

    // ---- 3. bad input -------------------------------------------------------------------------------------------

    @Test
    void corruptImagesAndBadAddressesAreRefused() throws Exception {
        final String runKey = "exp-bad/PL002/r1";
        assertEquals(201, post("/v1/runs?experiment=exp-bad&plate=PL002&run=r1&layout=96&channels=DNA,GFP"
            + "&sitesPerWell=1", PLATE_MAP).statusCode());
        final byte[] whole = tiff(20);
        final byte[] truncated = Arrays.copyOf(whole, whole.length / 2);
        final JsonNode e = json(put(runKey, "A01", 0, "DNA", "broken.tif", truncated, 400));
        assertTrue(e.get("error").asText().startsWith("broken.tif: "), e.toString());
        assertTrue(e.get("error").asText().contains("truncated"), e.toString());
        assertFalse(store.exists(ObjectStore.imageKey(ObjectStore.sha256(truncated))), "nothing stored for it");
        final JsonNode garbage = json(put(runKey, "A01", 0, "DNA", "notes.tif",
            "hello, not an image".getBytes(StandardCharsets.UTF_8), 400));
        assertTrue(garbage.get("error").asText().contains("notes.tif: neither TIFF nor PNG"), garbage.toString());

        assertTrue(json(put(runKey, "Z99", 0, "DNA", "x.tif", whole, 400)).get("error").asText()
            .contains("Well id out of range for any plate: 'Z99'"));
        assertTrue(json(put(runKey, "B1x", 0, "DNA", "x.tif", whole, 400)).get("error").asText()
            .contains("Not a well id: 'B1x'"));
        assertTrue(json(put(runKey, "A01", -1, "DNA", "x.tif", whole, 400)).get("error").asText()
            .contains("site must be at least 0, got -1"));
        assertTrue(json(put(runKey, "H12", 0, "DNA", "x.tif", whole, 400)).get("error").asText()
            .contains("well H12 is not in the plate map"));
        assertTrue(json(put(runKey, "A01", 0, "Actin", "x.tif", whole, 400)).get("error").asText()
            .contains("channel 'Actin' is not one of the run's [DNA, GFP]"));
        assertTrue(json(put("exp-bad/PL002/nope", "A01", 0, "DNA", "x.tif", whole, 404)).get("error").asText()
            .contains("run exp-bad/PL002/nope is not registered"));
        final HttpResponse<String> badMap = post("/v1/runs?experiment=exp-bad&plate=PL003&channels=DNA&sitesPerWell=1",
            PLATE_MAP + "A02,cmpd-2,5,uM,treatment\n");
        assertEquals(400, badMap.statusCode());
        assertTrue(json(badMap).get("error").asText().contains(":4: duplicate well 'A02'"), badMap.body());
        // a few hundred bytes declaring 10^10 pixels: refused by the header's size before anything is stored
        final byte[] huge = io.phenostream.ingest.HostileHeaders.png(100_000, 100_000);
        assertTrue(json(put(runKey, "A01", 0, "DNA", "huge.png", huge, 400)).get("error").asText()
            .contains("huge.png: declares 100000x100000 pixels, over the limit"));
        assertFalse(store.exists(ObjectStore.imageKey(ObjectStore.sha256(huge))), "nothing stored for it");
        // identifiers that would climb out of a key prefix or URL path
        for (final String dots : new String[] {"..", "."}) {
            final HttpResponse<String> r = post("/v1/runs?experiment=" + dots + "&plate=PL005&channels=DNA"
                + "&sitesPerWell=1", PLATE_MAP);
            assertEquals(400, r.statusCode(), r.body());
            assertTrue(json(r).get("error").asText().contains("not a valid identifier"), r.body());
        }
        assertTrue(json(put("exp-bad/%2E%2E/r1", "A01", 0, "DNA", "x.tif", whole, 400)).get("error").asText()
            .contains("plate '..' is not a valid identifier"));
        assertTrue(records(Topics.IMAGE_SETS, runKey + "/").isEmpty());
        assertTrue(records(Topics.PLATE_RUNS, "../").isEmpty());

        // a second server with a small body limit: over it is 413, and nothing is stored
        try (IngestHttpServer small = IngestHttpServer.start(new PlateIngestor(store, producer, config,
            new SimpleMeterRegistry()), store, config, 0, 1024)) {
            final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + small.port() + "/v1/runs?experiment=exp-bad&plate=PL004&channels=DNA&sitesPerWell=1"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(PLATE_MAP)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, r.statusCode(), r.body());
            final short[] px = new short[64 * 64];
            Arrays.fill(px, (short) 2100);
            final byte[] big = TiffWriter.encode16(64, 64, px);
            assertTrue(big.length > 1024);
            final HttpResponse<String> tooBig = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + small.port() + "/v1/runs/exp-bad/PL004/" + json(r).get("runId").asText()
                    + "/images/A01/0/DNA?fileName=big.tif")).header("Authorization", "Bearer " + TOKEN)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(big)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(413, tooBig.statusCode(), tooBig.body());
            assertTrue(tooBig.body().contains("big.tif"), tooBig.body());
            assertFalse(store.exists(ObjectStore.imageKey(ObjectStore.sha256(big))));
        }
    }

    // ---- 4. an image the instrument already wrote to S3 ------------------------------------------------------------

    @Test
    void registeringAnObjectAlreadyInS3CompletesASite() throws Exception {
        final String runKey = "exp-obj/PL005/r1";
        assertEquals(201, post("/v1/runs?experiment=exp-obj&plate=PL005&run=r1&layout=96&channels=DNA,GFP"
            + "&sitesPerWell=1", PLATE_MAP).statusCode());
        final byte[] dna = tiff(30);
        final byte[] gfp = tiff(31);
        put(runKey, "A01", 0, "DNA", "A01_w1.tif", dna, 201);
        final String key = "instrument/PL005/A01_s0_w2.tif";
        store.client().putObject(b -> b.bucket(store.bucket()).key(key), RequestBody.fromBytes(gfp));
        final String uri = "s3://" + store.bucket() + "/" + key;

        final HttpResponse<String> r = post("/v1/runs/" + runKey + "/objects",
            Json.write(Map.of("well", "A01", "site", 0, "channel", "GFP", "uri", uri)));
        assertEquals(201, r.statusCode(), r.body());
        final JsonNode body = json(r);
        assertTrue(body.get("siteComplete").asBoolean());
        assertTrue(body.get("imageSetPublished").asBoolean());
        assertEquals(ObjectStore.sha256(gfp), body.get("sha256").asText());
        assertEquals(uri, body.get("source").asText());
        // a content-addressed copy; the instrument's original stays
        assertArrayEquals(gfp, store.get(store.bucket(), ObjectStore.imageKey(ObjectStore.sha256(gfp))));
        assertArrayEquals(gfp, store.get(store.bucket(), key));

        final List<ConsumerRecord<String, byte[]>> sets = records(Topics.IMAGE_SETS, runKey + "/");
        assertEquals(1, sets.size());
        final ImageSet set = EventSerdes.imageSet().deserialize(config.topic(Topics.IMAGE_SETS), sets.get(0).value());
        final ImageRef gfpRef = set.images().stream().filter(i -> i.channel().equals("GFP")).findFirst().orElseThrow();
        assertEquals(ObjectStore.imageKey(ObjectStore.sha256(gfp)), gfpRef.key());
        assertEquals("A01_s0_w2.tif", gfpRef.fileName());

        final String missing = "s3://" + store.bucket() + "/instrument/PL005/A02_s0_w2.tif";
        final HttpResponse<String> notThere = post("/v1/runs/" + runKey + "/objects",
            Json.write(Map.of("well", "A02", "site", 0, "channel", "GFP", "uri", missing)));
        assertEquals(404, notThere.statusCode(), notThere.body());
        assertTrue(json(notThere).get("error").asText().contains(missing), notThere.body());
        final HttpResponse<String> noSite = post("/v1/runs/" + runKey + "/objects",
            Json.write(Map.of("well", "A02", "channel", "GFP", "uri", missing)));
        assertEquals(400, noSite.statusCode(), noSite.body());
        assertTrue(noSite.body().contains("'site' must be a whole number"), noSite.body());
    }

    @Test
    void objectsOutsideTheAllowedBucketsAreRefusedWith403AndNothingIsStoredOrPublished() throws Exception {
        store.client().createBucket(b -> b.bucket(OTHER_BUCKET));
        final byte[] gfp = tiff(40);
        final String key = "instrument/PL007/A01_s0_w2.tif";
        store.client().putObject(b -> b.bucket(OTHER_BUCKET).key(key), RequestBody.fromBytes(gfp));
        final String elsewhere = "s3://" + OTHER_BUCKET + "/" + key;

        // Default: only the configured bucket. The object exists and the server's credentials can read it.
        final String runKey = "exp-bucket/PL007/r1";
        assertEquals(201, post("/v1/runs?experiment=exp-bucket&plate=PL007&run=r1&layout=96&channels=DNA,GFP"
            + "&sitesPerWell=1", PLATE_MAP).statusCode());
        final HttpResponse<String> refused = post("/v1/runs/" + runKey + "/objects",
            Json.write(Map.of("well", "A01", "site", 0, "channel", "GFP", "uri", elsewhere)));
        assertEquals(403, refused.statusCode(), refused.body());
        assertEquals("objects request: bucket '" + OTHER_BUCKET + "' is not one this server may read "
            + "(phenostream.ingest.objects.allowed-buckets)", json(refused).get("error").asText());
        assertFalse(store.exists(ObjectStore.imageKey(ObjectStore.sha256(gfp))), "no copy stored");
        assertEquals(List.of(), records(Topics.IMAGE_SETS, runKey + "/"), "nothing published");
        final JsonNode status = json(get("/v1/runs/" + runKey, 200));
        assertEquals(0, status.get("sitesPublished").asInt(), status.toString());
        assertTrue(status.get("incompleteSites").isEmpty(), "no image of the site was taken: " + status);

        // Listed: that bucket is read, and the configured one, no longer listed, is refused.
        final PlateIngestor ingestor = new PlateIngestor(store, producer, config, new SimpleMeterRegistry());
        try (IngestHttpServer other = IngestHttpServer.start(ingestor, store,
            config.with(ConfigKey.INGEST_OBJECTS_ALLOWED_BUCKETS, " " + OTHER_BUCKET + " ,, "), 0)) {
            final String otherRun = "exp-bucket/PL008/r1";
            assertEquals(201, send(other.port(), "POST", "/v1/runs?experiment=exp-bucket&plate=PL008&run=r1&layout=96"
                + "&channels=DNA,GFP&sitesPerWell=1", "Bearer " + TOKEN, PLATE_MAP.getBytes(StandardCharsets.UTF_8))
                .statusCode());
            final HttpResponse<String> ok = send(other.port(), "POST", "/v1/runs/" + otherRun + "/objects",
                "Bearer " + TOKEN, Json.write(Map.of("well", "A01", "site", 0, "channel", "GFP", "uri", elsewhere))
                    .getBytes(StandardCharsets.UTF_8));
            assertEquals(201, ok.statusCode(), ok.body());
            assertArrayEquals(gfp, store.get(store.bucket(), ObjectStore.imageKey(ObjectStore.sha256(gfp))));
            final String home = "s3://" + store.bucket() + "/" + key;
            final HttpResponse<String> notListed = send(other.port(), "POST", "/v1/runs/" + otherRun + "/objects",
                "Bearer " + TOKEN, Json.write(Map.of("well", "A01", "site", 0, "channel", "DNA", "uri", home))
                    .getBytes(StandardCharsets.UTF_8));
            assertEquals(403, notListed.statusCode(), notListed.body());
            assertTrue(notListed.body().contains("bucket '" + store.bucket() + "'"), notListed.body());
        }
    }

    // ---- 5. secrets in the logs ---------------------------------------------------------------------------------

    /**
     * Good and bad requests, the bad ones carrying the token where a confused client might put it (a wrong scheme,
     * the token with a suffix, in the query string), then every captured log event is searched for the token and
     * the S3 secret. ({@link #stop} searches again over the whole class.)
     */
    @Test
    void neitherTheTokenNorTheS3SecretIsInAnyLogEvent() throws Exception {
        final String runKey = "exp-logs/PL009/r1";
        final String register = "/v1/runs?experiment=exp-logs&plate=PL009&run=r1&layout=96&channels=DNA&sitesPerWell=1";
        final byte[] map = PLATE_MAP.getBytes(StandardCharsets.UTF_8);
        for (final String auth : new String[] {"Bearer " + TOKEN + "x", "Bearer x" + TOKEN, "Basic " + TOKEN, TOKEN,
            "Bearer  " + TOKEN + " " + TOKEN}) {
            assertEquals(401, send("POST", register, auth, map).statusCode(), auth);
        }
        assertEquals(401, send("GET", "/v1/runs?token=" + TOKEN, null, null).statusCode());
        assertEquals(201, send("POST", register, "Bearer " + TOKEN, map).statusCode());
        put(runKey, "A01", 0, "DNA", "A01.tif", tiff(50), 201);
        put(runKey, "A02", 0, "DNA", "A02.tif", "not a tiff".getBytes(StandardCharsets.UTF_8), 400);
        put(runKey, "Z99", 0, "DNA", "Z99.tif", tiff(51), 400);
        assertEquals(400, post("/v1/runs/" + runKey + "/objects", "{not json").statusCode());
        assertEquals(404, post("/v1/runs/" + runKey + "/objects", Json.write(Map.of("well", "A02", "site", 0,
            "channel", "DNA", "uri", "s3://" + store.bucket() + "/missing.tif"))).statusCode());
        assertEquals(403, post("/v1/runs/" + runKey + "/objects", Json.write(Map.of("well", "A02", "site", 0,
            "channel", "DNA", "uri", "s3://elsewhere/x.tif"))).statusCode());
        assertEquals(404, send("GET", "/v1/runs/no/such/run?token=" + TOKEN, "Bearer " + TOKEN, null).statusCode());
        assertEquals(400, send("POST", "/v1/runs?experiment=exp-logs&plate=PL010&run=r1&layout=96&channels=DNA"
            + "&sitesPerWell=1", "Bearer " + TOKEN, "well,compound\nA01,x\n".getBytes(StandardCharsets.UTF_8))
            .statusCode());
        assertEquals(200, send("POST", "/v1/runs/" + runKey + "/close?sites=1", "Bearer " + TOKEN, new byte[0])
            .statusCode());
        assertNoSecretLogged();
        final String logged = LogCapture.render(logs);
        assertTrue(logged.contains("exp-logs/PL009/r1"), "the requests were logged:\n" + logged);
    }

    // ---- 6. closing too early -----------------------------------------------------------------------------------

    @Test
    void closingWithASiteMissingAChannelIsAConflict() throws Exception {
        final String runKey = "exp-miss/PL006/r1";
        assertEquals(201, post("/v1/runs?experiment=exp-miss&plate=PL006&run=r1&layout=96&channels=DNA,GFP"
            + "&sitesPerWell=1", PLATE_MAP).statusCode());
        put(runKey, "A01", 0, "DNA", "A01_w1.tif", tiff(40), 201);
        put(runKey, "A01", 0, "GFP", "A01_w2.tif", tiff(41), 201);
        put(runKey, "A02", 0, "DNA", "A02_w1.tif", tiff(42), 201);

        final HttpResponse<String> r = post("/v1/runs/" + runKey + "/close", "");
        assertEquals(409, r.statusCode(), r.body());
        final JsonNode body = json(r);
        assertTrue(body.get("error").asText().contains("A02/0 has only [DNA] of [DNA, GFP]"), r.body());
        assertEquals(1, body.get("problems").size());
        assertTrue(json(get("/v1/runs/" + runKey, 200)).get("open").asBoolean());
        assertEquals(List.of("DNA"), List.of(json(get("/v1/runs/" + runKey, 200)).get("incompleteSites")
            .get("A02/0").get(0).asText()));
        final List<PlateRun> runs = plateRuns(runKey);
        assertEquals(1, runs.size());
        assertTrue(runs.get(0).open(), "no closed record was published");
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** A 16x16 16-bit TIFF whose pixels depend on {@code seed}, so each seed gives other bytes. */
    private static byte[] tiff(final int seed) {
        final short[] px = new short[16 * 16];
        for (int i = 0; i < px.length; i++) {
            px[i] = (short) (seed * 1000 + i * 7);
        }
        return TiffWriter.encode16(16, 16, px);
    }

    private static HttpResponse<String> send(final String method, final String path, final String auth,
                                             final byte[] body) throws Exception {
        return send(server.port(), method, path, auth, body);
    }

    private static HttpResponse<String> send(final int port, final String method, final String path,
                                             final String auth, final byte[] body) throws Exception {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(60))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(final String path, final String body) throws Exception {
        return send("POST", path, "Bearer " + TOKEN, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String get(final String path, final int expected) throws Exception {
        final HttpResponse<String> r = send("GET", path, "Bearer " + TOKEN, null);
        assertEquals(expected, r.statusCode(), r.body());
        return r.body();
    }

    private static String put(final String runKey, final String well, final int site, final String channel,
                              final String fileName, final byte[] bytes, final int expected) throws Exception {
        final HttpResponse<String> r = send("PUT", "/v1/runs/" + runKey + "/images/" + well + "/" + site + "/"
            + channel + "?fileName=" + fileName, "Bearer " + TOKEN, bytes);
        assertEquals(expected, r.statusCode(), r.body());
        return r.body();
    }

    private static JsonNode json(final HttpResponse<String> r) throws Exception {
        return json(r.body());
    }

    private static JsonNode json(final String body) throws Exception {
        return Json.MAPPER.readTree(body);
    }

    private static List<PlateRun> plateRuns(final String runKey) {
        final String topic = config.topic(Topics.PLATE_RUNS);
        return records(Topics.PLATE_RUNS, runKey).stream().filter(r -> r.key().equals(runKey))
            .map(r -> EventSerdes.plateRun().deserialize(topic, r.value())).toList();
    }

    /** Every record of a topic whose key starts with {@code keyPrefix}, read up to the end offsets, in offset order. */
    private static List<ConsumerRecord<String, byte[]>> records(final String name, final String keyPrefix) {
        final String topic = config.topic(name);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(KafkaClientConfigs.consumer(config,
            "it-" + UUID.randomUUID(), "it-reader"))) {
            final List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            final Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            final List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " up to " + end);
                }
                for (final ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && r.key().startsWith(keyPrefix)) {
                        out.add(r);
                    }
                }
            }
            return out;
        }
    }
}
