package io.phenostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.domain.PlateMapParser;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.DeadLetter;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.ImageRef;
import io.phenostream.common.events.ImageSet;
import io.phenostream.common.kafka.KafkaClientConfigs;
import io.phenostream.common.kafka.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import io.phenostream.common.synth.CompoundTruth;
import io.phenostream.common.synth.SynthOptions;
import io.phenostream.common.synth.SynthPlateDesign;
import io.phenostream.common.synth.SyntheticPlate;
import io.phenostream.ingest.IngestRequest;
import io.phenostream.ingest.IngestResult;
import io.phenostream.sink.ResultFiles;
import io.phenostream.sink.ResultsStore;
import io.phenostream.sink.HitRow;
import io.phenostream.sink.PlateQcRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import io.phenostream.sink.api.ResultsServer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on the embedded infrastructure: a synthetic 96-well plate goes through ingest, extractor,
 * scorer and sink over real Kafka topics, S3 objects and PostgreSQL tables; the hit list agrees with the
 * plate's ground truth, and a headless Chromium renders the web UI over those results.
 */
@Tag("integration")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoPipelineIT {

    /** Screenshots of the web UI, kept as test artifacts. */
    static final Path SCREENSHOTS = Path.of("target", "browser");

    @TempDir
    static Path tmp;

    private SynthOptions options;
    private Path plateDir;
    private SyntheticPlate plate;
    private LocalPipeline pipeline;
    private IngestRequest request;
    private IngestResult ingested;

    @BeforeAll
    void runPlate() throws Exception {
        options = SynthCommand.options(96, 1, 192, 7, "IT-P1");
        plateDir = tmp.resolve("plate");
        plate = SynthCommand.generate(options, plateDir);
        final PhenoConfig config = PhenoConfig.defaults().with(ConfigKey.DATA_DIR, tmp.resolve("data").toString())
            .with(ConfigKey.SCORER_PUNCTUATE_MS, "500").with(ConfigKey.RESULTS_HTTP_PORT, "0");
        pipeline = LocalPipeline.start(config, true);
        request = new IngestRequest(plateDir,
            PlateMapParser.parse(plateDir.resolve("plate-map.csv"), options.layout()), options.experimentId(),
            options.plateId(), null, null, null, AnalysisSpec.classicalDefaults());
        ingested = pipeline.ingest(request, (a, b, c, d) -> { });
        assertEquals(96, ingested.sites());
        assertEquals("cellprofiler", ingested.scheme());
        pipeline.awaitFinal(options.experimentId(), ingested.analysisId(), Duration.ofMinutes(4), () -> { });
    }

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    @Order(1)
    void syntheticPlateHitListMatchesGroundTruth() throws Exception {
        final ResultsStore store = pipeline.store();
        final List<PlateQcRow> qc = store.plateQc(options.experimentId(), ingested.analysisId());
        assertEquals(1, qc.size());
        assertEquals("FINAL", qc.get(0).status().toString());
        assertEquals(96, qc.get(0).sitesSeen());
        assertTrue(qc.get(0).zPrime() != null && qc.get(0).zPrime() > 0, "Z' " + qc.get(0).zPrime());

        final List<HitRow> hits = store.hitList(options.experimentId(), ingested.analysisId(), null, 1000, 0);
        final Map<String, Integer> rank = hits.stream()
            .collect(Collectors.toMap(HitRow::compound, HitRow::rank));
        final int worstStrongActive = plate.compounds().stream().filter(DemoPipelineIT::strong)
            .mapToInt(c -> rank.get(c.compound())).max().orElseThrow();
        final int bestInactive = plate.compounds().stream().filter(c -> c.mechanism().label().equals("inactive"))
            .mapToInt(c -> rank.get(c.compound())).min().orElseThrow();
        assertTrue(worstStrongActive < bestInactive, "strong actives must outrank inactives: " + hits);
        // Replicate agreement travels scorer -> topic -> sink -> hit list for every compound.
        for (final HitRow h : hits) {
            assertTrue(h.replicateMap() != null && h.replicateMap() > 0 && h.replicateMap() <= 1, h.toString());
            assertTrue(h.replicateMapQValue() != null && h.replicateMapQValue() >= h.replicateMapPValue(),
                h.toString());
        }
        for (final CompoundTruth c : plate.compounds()) {
            if (c.mechanism().label().equals("inactive")) {
                assertFalse(hits.stream().filter(h -> h.compound().equals(c.compound())).findFirst().orElseThrow().hit(),
                    c.compound() + " is inactive but called a hit");
            }
        }

        final Path out = tmp.resolve("results");
        new ResultFiles(store).write(out, options.experimentId(), ingested.analysisId());
        final List<String> hitsCsv = Files.readAllLines(out.resolve("hits.csv"));
        assertEquals("compound,rank,score,p_value,q_value,hit,ec50,hill,max_effect,n_wells,replicate_map,"
            + "replicate_map_q_value", hitsCsv.get(0));
        assertEquals(hits.size() + 1, hitsCsv.size());
        assertEquals(97, Files.readAllLines(out.resolve("well-scores.csv")).size());
    }

    /**
     * A real browser loads the web UI over the plate's results: the start page's hit list shows the top hit
     * first, following its link (as the browser parsed it) opens the compound page with its dose-response plot,
     * and the plate and well pages render their heatmaps and thumbnails (fetched from S3). Screenshots land in
     * {@code target/browser/}.
     */
    @Test
    @Order(2)
    void webUiInHeadlessChromium() throws Exception {
        final HeadlessChromium browser = HeadlessChromium.findOrSkip(Files.createDirectories(tmp.resolve("chromium")));
        final HitRow top = pipeline.store().hitList(options.experimentId(), ingested.analysisId(), null, 1, 0).get(0);
        try (ResultsServer server = ServeCommand.start(pipeline.config(), pipeline.objects(), 0, "127.0.0.1")) {
            final String base = "http://127.0.0.1:" + server.port();

            final String start = browser.dumpDom(base + "/");
            final String firstRow = firstHitRow(start);
            assertTrue(firstRow.contains(">" + top.compound() + "</a>"), "top hit " + top.compound()
                + " is not the first row of the start page's hit list: " + firstRow);
            browser.screenshot(base + "/", SCREENSHOTS.resolve("start-page.png"), 1280, 900);

            final String hitList = base + "/experiments/" + options.experimentId() + "?analysis="
                + ingested.analysisId();
            assertTrue(firstHitRow(browser.dumpDom(hitList)).contains(">" + top.compound() + "</a>"));
            browser.screenshot(hitList, SCREENSHOTS.resolve("hit-list.png"), 1280, 1000);

            final String compoundUrl = base + href(firstRow);
            final String compound = browser.dumpDom(compoundUrl);
            assertTrue(compound.contains("<h1>") && compound.contains(top.compound()), compound);
            assertTrue(compound.contains("<svg"), "the compound page draws its dose-response curve");
            browser.screenshot(compoundUrl, SCREENSHOTS.resolve("compound.png"), 1280, 1000);

            final String plateUrl = base + "/experiments/" + options.experimentId() + "/plates/"
                + options.plateId() + "?analysis=" + ingested.analysisId();
            assertTrue(browser.dumpDom(plateUrl).contains("<svg"), "the plate page draws its heatmaps");
            browser.screenshot(plateUrl, SCREENSHOTS.resolve("plate.png"), 1280, 1400);

            final String wellUrl = base + "/experiments/" + options.experimentId() + "/plates/" + options.plateId()
                + "/wells/A01?analysis=" + ingested.analysisId();
            final String well = browser.dumpDom(wellUrl);
            assertTrue(well.contains("<img") && well.contains("outlines=true"),
                "the well page shows its thumbnails with the extractor's segmentation outlines: " + well);
            browser.screenshot(wellUrl, SCREENSHOTS.resolve("well.png"), 1280, 1000);
        }
    }

    @Test
    @Order(3)
    void repushedPlateAndBadInputChangeNothing() throws Exception {
        // Re-pushing the same plate is the same run: nothing is double counted.
        final IngestResult again = pipeline.ingest(request, (a, b, c, d) -> { });
        assertEquals(ingested.run().runId(), again.run().runId());
        Thread.sleep(3000);
        pipeline.awaitFinal(options.experimentId(), ingested.analysisId(), Duration.ofMinutes(2), () -> { });
        assertEquals(96, pipeline.store().plateQc(options.experimentId(), ingested.analysisId()).get(0).sitesSeen());

        assertBadInputIsDeadLettered(pipeline);
    }

    /** The first data row of the page's {@code table.hits}. */
    private static String firstHitRow(final String dom) {
        final Matcher m = Pattern.compile("<table class=\"hits\">.*?</tr>\\s*(<tr.*?</tr>)", Pattern.DOTALL)
            .matcher(dom);
        assertTrue(m.find(), "no hit table with a row in the page: " + dom);
        return m.group(1);
    }

    /** The target of the first link in a fragment of the DOM, entities decoded as the browser would. */
    private static String href(final String fragment) {
        final Matcher m = Pattern.compile("<a href=\"([^\"]+)\"").matcher(fragment);
        assertTrue(m.find(), "no link in " + fragment);
        return m.group(1).replace("&amp;", "&");
    }

    /** A malformed image-set and one naming a missing S3 object reach dead-letters with their reasons. */
    private static void assertBadInputIsDeadLettered(final LocalPipeline pipeline) throws Exception {
        final PhenoConfig config = pipeline.config();
        final ImageSet missing = new ImageSet(ImageSet.SCHEMA_VERSION, AnalysisSpec.classicalDefaults().analysisId(),
            AnalysisSpec.classicalDefaults(), "IT-BAD", "P9", "r1", WellId.parse("A01"), 0,
            List.of(new ImageRef("DNA", config.require(ConfigKey.S3_BUCKET), "images/sha256/00/nope", "00", 1, "gone.tif")),
            "DNA", null, "2026-11-26T00:00:00Z");
        try (Producer<String, byte[]> producer = new KafkaProducer<>(KafkaClientConfigs.producer(config, "it-bad"))) {
            producer.send(new ProducerRecord<>(config.topic(Topics.IMAGE_SETS), "bad-json",
                "{\"schemaVersion\":1,".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(config.topic(Topics.IMAGE_SETS), missing.siteKey(),
                EventSerdes.imageSet().serialize(Topics.IMAGE_SETS, missing))).get();
        }
        final Map<String, DeadLetter> byKey = new java.util.HashMap<>();
        try (Consumer<String, byte[]> consumer = new KafkaConsumer<>(
            KafkaClientConfigs.consumer(config, "it-dead-letters", "it-dead-letters"))) {
            consumer.subscribe(List.of(config.topic(Topics.DEAD_LETTERS)));
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (byKey.size() < 2 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r ->
                    byKey.put(r.key(), EventSerdes.deadLetter().deserialize(r.topic(), r.value())));
            }
        }
        final DeadLetter json = byKey.get("bad-json");
        assertEquals("feature-extractor", json.stage());
        assertEquals("{\"schemaVersion\":1,", json.sourceValue());
        assertTrue(json.reason().contains("unreadable image-set"), json.reason());
        final DeadLetter gone = byKey.get(missing.siteKey());
        assertTrue(gone.reason().contains("images/sha256/00/nope"), gone.reason());
        assertEquals(Topics.IMAGE_SETS, gone.sourceTopic());
    }

    static boolean strong(final CompoundTruth c) {
        // The positive control is a control: reported in plate QC, not ranked.
        return !c.compound().equals(SynthPlateDesign.POSITIVE_COMPOUND) && !c.mechanism().label().equals("inactive") && c.maxEffect() >= 0.5 && c.ec50() <= 10;
    }
}
