package io.phenostream.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.PlateMap;
import io.phenostream.common.domain.PlateMapException;
import io.phenostream.common.domain.PlateMapParser;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.ImageSet;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.kafka.Topics;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.common.s3.S3ClientFactory;
import io.phenostream.common.synth.SynthOptions;
import io.phenostream.common.synth.SyntheticPlateGenerator;
import io.phenostream.common.synth.TiffWriter;
import io.phenostream.infra.LocalInfrastructure;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The folder ingest against the embedded S3 and Kafka: a synthetic plate, the real Transfluor row, every kind
 * of bad input (refused with the file named, nothing published), re-pushes and resumes that publish nothing
 * twice, multipart uploads, and S3 or Kafka out of reach.
 */
@Tag("integration")
@Timeout(300)
class PlateIngestorIT {

    private static final Path TRANSFLUOR = Path.of("..", "..", "shared", "data", "cellprofiler-examples", "Transfluor");

    @TempDir
    static Path tmp;

    private static LocalInfrastructure infra;
    private static PhenoConfig config;
    private static ObjectStore objects;
    private static Producer<String, byte[]> producer;

    @BeforeAll
    static void start() {
        infra = LocalInfrastructure.start(PhenoConfig.defaults().with(ConfigKey.DATA_DIR, tmp.resolve("data").toString())
            .with(ConfigKey.DB_URL, "jdbc:postgresql://127.0.0.1:1/not-used"), true);
        config = infra.config().with(ConfigKey.INGEST_RETRY_BACKOFF_MS, "10");
        objects = new ObjectStore(S3ClientFactory.create(config), config.require(ConfigKey.S3_BUCKET));
        producer = new KafkaProducer<>(RunPublisher.producerConfig(config));
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (objects != null) {
            objects.close();
        }
        if (infra != null) {
            infra.close();
        }
    }

    private static PlateIngestor ingestor(final SimpleMeterRegistry registry) {
        return new PlateIngestor(objects, producer, config, registry);
    }

    private static Path synthPlate(final String plateId, final long seed) {
        return synthPlate(tmp.resolve(plateId), plateId, seed);
    }

    private static Path synthPlate(final Path dir, final String plateId, final long seed) {
        new SyntheticPlateGenerator(2).generate(SynthOptions.defaults().withSitesPerWell(1).withImageSize(64)
            .withSeed(seed).withPlateId(plateId).withExperimentId("E-SYN"), dir);
        return dir;
    }

    private static IngestRequest request(final Path dir, final String experiment, final String plate, final String run) {
        final PlateMap map = PlateMapParser.parse(dir.resolve("plate-map.csv"), PlateLayout.WELLS_96);
        return new IngestRequest(dir, map, experiment, plate, run, null, ChannelLayout.parse("0=DNA,1=GFP,2=CellMask",
            "DNA", "CellMask"), AnalysisSpec.classicalDefaults());
    }

    /** Every record of a topic whose key starts with the prefix. */
    private static List<ConsumerRecord<String, byte[]>> records(final String topic, final String keyPrefix) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.require(ConfigKey.KAFKA_BOOTSTRAP));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        final List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            final List<TopicPartition> parts = c.partitionsFor(config.topic(topic)).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            final var end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (final ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.key().startsWith(keyPrefix)) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    /** The keys of a run's receipt objects, whatever their epoch. */
    private static List<String> receiptKeys(final String runKey) {
        return objects.client().listObjectsV2Paginator(b -> b.bucket(objects.bucket()).prefix("ingest-receipts/"))
            .contents().stream().map(o -> o.key()).filter(k -> k.contains("/" + runKey + "/")).toList();
    }

    /** Every receipt name of a run, batches read as the ingest reads them. */
    private static Set<String> receipts(final String runKey) {
        return new IngestReceipts(objects, RunPublisher.epoch(config), new S3Retry(objects.client(), config,
            new IngestMetrics(new SimpleMeterRegistry()))).list(runKey);
    }

    @Test
    void syntheticPlateIsStoredAndPublishedOnceEvenWhenPushedTwice() throws Exception {
        final Path dir = synthPlate("SYN-1", 1);
        Files.writeString(dir.resolve("SYN-1_overview.png"), "a plate overview the instrument wrote");
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final IngestResult first = ingestor(registry).ingest(request(dir, "E-SYN", "SYN-1", null), (a, b, c, d) -> { });

        assertEquals(96, first.sites());
        assertEquals(288, first.images());
        assertEquals(288, first.imagesUploaded());
        assertEquals(96, first.sitesPublished());
        assertEquals("cellprofiler", first.scheme());
        assertFalse(first.run().open());
        assertEquals(96, first.run().expectedSites());
        // An image that is not a site's channel: listed, not ingested.
        assertTrue(first.warnings().contains("SYN-1_overview.png: matches no cellprofiler file name; not ingested"),
            first.warnings().toString());

        final String runKey = first.run().runKey();
        final List<ConsumerRecord<String, byte[]>> sets = records(Topics.IMAGE_SETS, runKey + "/");
        assertEquals(96, sets.size());
        final ImageSet a01 = sets.stream().map(r -> EventSerdes.imageSet().deserialize(r.topic(), r.value()))
            .filter(s -> s.well().toString().equals("A01")).findFirst().orElseThrow();
        assertEquals(List.of("DNA", "GFP", "CellMask"), a01.images().stream().map(i -> i.channel()).toList());
        final byte[] original = Files.readAllBytes(dir.resolve("SYN-1_A01f00d1.tif"));
        assertArrayEquals(original, objects.getVerified(a01.images().get(1)));
        assertEquals(ObjectStore.sha256(original), a01.images().get(1).sha256());
        final List<ConsumerRecord<String, byte[]>> runs = records(Topics.PLATE_RUNS, runKey);
        assertEquals(1, runs.size());
        final PlateRun published = EventSerdes.plateRun().deserialize(runs.get(0).topic(), runs.get(0).value());
        assertEquals(96, published.plateMap().size());
        assertEquals(288.0, registry.find("phenostream.ingest.files").tag("outcome", "uploaded").counter().count());
        assertEquals(first.bytes(), registry.find("phenostream.ingest.bytes").tag("outcome", "uploaded").counter()
            .count(), 0.5);
        assertEquals(288, registry.find("phenostream.ingest.stage").tag("stage", "upload").timer().count());
        assertEquals(null, registry.find("phenostream.ingest.stage").tag("stage", "verify").timer(),
            "no HEAD after a single PUT that carried Content-MD5");
        assertEquals(97, registry.find("phenostream.ingest.stage").tag("stage", "publish").timer().count(),
            "the plate run and 96 acknowledged image sets");
        // one receipt per chunk of acknowledged sites, not one per site, and they name every site
        final List<String> receiptObjects = receiptKeys(first.run().runKey());
        assertTrue(receiptObjects.size() < 1 + 96 / 2, receiptObjects.size() + " receipt objects: " + receiptObjects);
        assertEquals(97, receipts(first.run().runKey()).size(), "the plate run's receipt and 96 sites'");

        final SimpleMeterRegistry again = new SimpleMeterRegistry();
        final IngestResult second = ingestor(again).ingest(request(dir, "E-SYN", "SYN-1", null), (a, b, c, d) -> { });
        assertEquals(runKey, second.run().runKey(), "same content, same run");
        assertEquals(0, second.imagesUploaded());
        assertEquals(0, second.sitesPublished());
        assertEquals(96, second.sitesAlreadyPublished());
        assertEquals(288.0, again.find("phenostream.ingest.files").tag("outcome", "skipped").counter().count());
        assertEquals(96, records(Topics.IMAGE_SETS, runKey + "/").size(), "a re-push publishes no image set");
        assertEquals(1, records(Topics.PLATE_RUNS, runKey).size(), "a re-push publishes no plate run");
    }

    @Test
    void interruptedRunResumesWithoutDuplicates() throws Exception {
        final Path full = synthPlate("SYN-2", 2);
        final Path part = tmp.resolve("SYN-2-part");
        Files.createDirectories(part);
        Files.copy(full.resolve("plate-map.csv"), part.resolve("plate-map.csv"));
        try (var files = Files.list(full)) {
            for (final Path f : files.filter(f -> f.getFileName().toString().matches("SYN-2_A0[1-6]f00d\\d\\.tif")).toList()) {
                Files.copy(f, part.resolve(f.getFileName()));
            }
        }
        final IngestResult partial = ingestor(new SimpleMeterRegistry()).ingest(request(part, "E-RES", "SYN-2", "r1"),
            (a, b, c, d) -> { });
        assertEquals(6, partial.sitesPublished());
        final IngestResult resumed = ingestor(new SimpleMeterRegistry()).ingest(request(full, "E-RES", "SYN-2", "r1"),
            (a, b, c, d) -> { });
        assertEquals(18, resumed.images() - resumed.imagesUploaded(), "the first 6 sites' images are not uploaded again");
        assertEquals(90, resumed.sitesPublished());
        assertEquals(6, resumed.sitesAlreadyPublished());
        final List<String> keys = records(Topics.IMAGE_SETS, "E-RES/SYN-2/r1/").stream().map(ConsumerRecord::key).toList();
        assertEquals(96, keys.size());
        assertEquals(96, new HashSet<>(keys).size(), "no site published twice");
        final List<ConsumerRecord<String, byte[]>> runs = records(Topics.PLATE_RUNS, "E-RES/SYN-2/r1");
        assertEquals(2, runs.size(), "the run's site count changed, so the plate run is published again");
        assertEquals(96, EventSerdes.plateRun().deserialize(runs.get(1).topic(), runs.get(1).value()).expectedSites());
    }

    @Test
    void aSiteKafkaRefusesStopsThePushAndAPushAgainPublishesExactlyTheRest() throws Exception {
        final Path dir = synthPlate("K-SITE", 10);
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final IllegalStateException e = assertThrows(IllegalStateException.class, () ->
            new PlateIngestor(objects, refusing(producer, "/C03/"), config, registry)
                .ingest(request(dir, "E-KS", "K-SITE", "r1"), (a, b, c, d) -> { }));
        assertTrue(e.getMessage().contains("Cannot publish E-KS/K-SITE/r1/C03/0 to ")
            && e.getMessage().contains("broker refused C03"), e.getMessage());
        assertTrue(e.getMessage().contains("pushing the folder again publishes the rest"), e.getMessage());
        assertEquals(1.0, registry.find("phenostream.ingest.failures").tag("stage", "publish").counter().count());
        // the push stops at the refusal; what Kafka acknowledged until then is published and recorded, nothing else
        final List<String> keys = records(Topics.IMAGE_SETS, "E-KS/K-SITE/r1/").stream().map(ConsumerRecord::key)
            .toList();
        final int acknowledged = keys.size();
        assertTrue(acknowledged < 96, acknowledged + " sites");
        assertFalse(keys.contains("E-KS/K-SITE/r1/C03/0"));
        assertEquals(acknowledged, registry.find("phenostream.ingest.sites.published").counter().count(),
            "only acknowledged sites count as published");
        final Set<String> receipts = receipts("E-KS/K-SITE/r1");
        assertEquals(acknowledged, receipts.stream().filter(r -> r.startsWith("site-")).count(),
            "every acknowledged site has its receipt");
        assertTrue(receipts.stream().noneMatch(r -> r.contains("-C03-0-")), "the refused site has none");

        final IngestResult again = ingestor(new SimpleMeterRegistry()).ingest(request(dir, "E-KS", "K-SITE", "r1"),
            (a, b, c, d) -> { });
        assertEquals(96 - acknowledged, again.sitesPublished(), "exactly the sites not acknowledged before");
        assertEquals(acknowledged, again.sitesAlreadyPublished());
        final List<String> after = records(Topics.IMAGE_SETS, "E-KS/K-SITE/r1/").stream().map(ConsumerRecord::key)
            .toList();
        assertEquals(96, after.size());
        assertEquals(96, new HashSet<>(after).size(), "no site published twice");
    }

    /** A producer whose sends of keys containing {@code refused} fail as a broker error would, the rest go through. */
    @SuppressWarnings("unchecked")
    private static Producer<String, byte[]> refusing(final Producer<String, byte[]> real, final String refused) {
        return (Producer<String, byte[]>) Proxy.newProxyInstance(Producer.class.getClassLoader(),
            new Class<?>[] {Producer.class}, (proxy, method, args) -> {
                if (method.getName().equals("send") && args.length == 2
                    && ((ProducerRecord<String, byte[]>) args[0]).key().contains(refused)) {
                    final String well = refused.replace("/", "");
                    final Exception error = new org.apache.kafka.common.errors.NotEnoughReplicasException(
                        "broker refused " + well);
                    ((Callback) args[1]).onCompletion(null, error);
                    return CompletableFuture.failedFuture(error);
                }
                try {
                    return method.invoke(real, args);
                } catch (final InvocationTargetException ex) {
                    throw ex.getCause();
                }
            });
    }

    @Test
    void s3RefusesASinglePutWhoseBodyDoesNotMatchItsContentMd5() {
        // why the ingest needs no HEAD after a single PUT: the server checks the body against Content-MD5
        final byte[] body = "an image, corrupted on the way".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        final String md5OfAnotherBody = ContentDigest.of("an image".getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .md5Base64();
        final S3Exception e = assertThrows(S3Exception.class, () -> objects.client().putObject(b -> b
            .bucket(objects.bucket()).key("md5-check/corrupted").contentMD5(md5OfAnotherBody),
            RequestBody.fromBytes(body)));
        assertEquals(400, e.statusCode(), e.getMessage());
        assertTrue(objects.client().listObjectsV2(b -> b.bucket(objects.bucket()).prefix("md5-check/")).contents()
            .isEmpty(), "nothing stored");
    }

    @Test
    void realTransfluorRowIsIngested() {
        assumeTrue(Files.isDirectory(TRANSFLUOR), "../shared/data is absent");
        final StringBuilder csv = new StringBuilder("well,compound,concentration,unit,role\n");
        IntStream.rangeClosed(1, 24).forEach(c -> csv.append(String.format("O%02d", c))
            .append(c <= 2 || c >= 23 ? ",DMSO,,,negative_control\n" : ",isoproterenol," + c + ",uM,treatment\n"));
        final PlateMap map = PlateMapParser.parse("transfluor-map", csv.toString(), PlateLayout.WELLS_384);
        final IngestResult result = ingestor(new SimpleMeterRegistry()).ingest(new IngestRequest(TRANSFLUOR, map,
            "E-TF", "AS_09047", null, null, null, AnalysisSpec.classicalDefaults()), (a, b, c, d) -> { });
        assertEquals("cellprofiler", result.scheme());
        assertEquals(72, result.sites());
        assertEquals(72, result.images());
        assertEquals(3, result.run().sitesPerWell());
        assertEquals(List.of("ch2"), result.run().channels());
        assertEquals(PlateLayout.WELLS_384, result.run().layout());
        final Set<String> wells = records(Topics.IMAGE_SETS, result.run().runKey() + "/").stream()
            .map(r -> EventSerdes.imageSet().deserialize(r.topic(), r.value()).well().toString())
            .collect(Collectors.toSet());
        assertEquals(24, wells.size());
        assertTrue(wells.contains("O24"));
    }

    @Test
    void badFoldersAreRefusedWithEveryFileNamedAndNothingPublished() throws Exception {
        final Path dir = synthPlate("BAD-1", 3);
        // corrupt, truncated, a site missing a channel, a duplicate, a symlink, a well not in the plate map,
        // and channels of one site that disagree on size
        Files.writeString(dir.resolve("BAD-1_A01f00d0.tif"), "not an image at all");
        final byte[] b01 = Files.readAllBytes(dir.resolve("BAD-1_B01f00d0.tif"));
        Files.write(dir.resolve("BAD-1_B01f00d0.tif"), Arrays.copyOf(b01, b01.length / 2));
        Files.delete(dir.resolve("BAD-1_C01f00d2.tif"));
        Files.copy(dir.resolve("BAD-1_D01f00d0.tif"), dir.resolve("BAD-1_D01f00d0.TIF"));
        Files.delete(dir.resolve("BAD-1_E01f00d0.tif"));
        Files.createSymbolicLink(dir.resolve("BAD-1_E01f00d0.tif"), dir.resolve("BAD-1_E02f00d0.tif"));
        TiffWriter.write16(dir.resolve("BAD-1_F01f00d1.tif"), 32, 32, new short[32 * 32]);
        final Path extra = dir.resolve("BAD-1_H13f00d0.tif"); // column 13 does not exist on a 96-well plate
        Files.copy(dir.resolve("BAD-1_H12f00d0.tif"), extra);

        final PlateRejectedException e = assertThrows(PlateRejectedException.class, () ->
            ingestor(new SimpleMeterRegistry()).ingest(request(dir, "E-BAD", "BAD-1", null), (a, b, c, d) -> { }));
        final String all = String.join("\n", e.problems());
        assertTrue(all.contains("BAD-1_A01f00d0.tif: neither TIFF nor PNG"), all);
        assertTrue(all.contains("BAD-1_B01f00d0.tif: ") && all.contains("(truncated)"), all);
        assertTrue(all.contains("well C01 site 0 lacks channel(s) [2]"), all);
        assertTrue(all.contains("BAD-1_D01f00d0.tif: second image for well D01 site 0 channel 0"), all);
        assertTrue(all.contains("BAD-1_E01f00d0.tif: symbolic link refused"), all);
        assertTrue(all.contains("BAD-1_F01f00d1.tif is 32x32 16-bit but BAD-1_F01f00d0.tif of the same site is 64x64"),
            all);
        assertTrue(all.contains("well H13") || all.contains("BAD-1_H13f00d0.tif"), all);
        assertTrue(e.getMessage().startsWith("Plate folder " + dir + " refused, " + e.problems().size()
            + " problem(s), nothing published"), e.getMessage());
        assertEquals(0, records(Topics.PLATE_RUNS, "E-BAD/").size());
        assertEquals(0, records(Topics.IMAGE_SETS, "E-BAD/").size());
    }

    @Test
    void wellsMissingFromThePlateMapAreRefusedAndUnimagedWellsReported() throws Exception {
        final Path dir = synthPlate("MAP-1", 4);
        final String csv = Files.readString(dir.resolve("plate-map.csv"));
        final String withoutB02 = csv.lines().filter(l -> !l.startsWith("B02,")).collect(Collectors.joining("\n"));
        final PlateMap smaller = PlateMapParser.parse("map", withoutB02, PlateLayout.WELLS_96);
        final IngestRequest req = new IngestRequest(dir, smaller, "E-MAP", "MAP-1", null, null, null,
            AnalysisSpec.classicalDefaults());
        final PlateRejectedException e = assertThrows(PlateRejectedException.class, () ->
            ingestor(new SimpleMeterRegistry()).ingest(req, (a, b, c, d) -> { }));
        assertEquals(List.of("MAP-1_B02f00d0.tif: well B02 is not in the plate map (96-well plate)"), e.problems());

        try (var files = Files.list(dir)) {
            for (final Path f : files.filter(f -> f.getFileName().toString().startsWith("MAP-1_H12")).toList()) {
                Files.delete(f);
            }
        }
        final IngestResult result = ingestor(new SimpleMeterRegistry()).ingest(request(dir, "E-MAP", "MAP-1", null),
            (a, b, c, d) -> { });
        assertEquals(95, result.sites());
        assertTrue(result.warnings().contains("1 plate-map well(s) have no images: [H12]"), result.warnings().toString());
    }

    @Test
    void emptyFolderAndUnknownNamesAreClearErrors() throws Exception {
        final Path empty = Files.createDirectories(tmp.resolve("empty"));
        final PlateMap map = PlateMapParser.parse("m", "well,compound,concentration,unit,role\nA01,DMSO,,,negative_control\n",
            PlateLayout.WELLS_96);
        final IngestRequest req = new IngestRequest(empty, map, "E-EMPTY", "P", null, null, null,
            AnalysisSpec.classicalDefaults());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ingestor(new SimpleMeterRegistry()).ingest(req,
            (a, b, c, d) -> { })).getMessage().contains("No .tif/.tiff/.png images in " + empty));
        final PlateMapException bad = assertThrows(PlateMapException.class, () ->
            PlateMapParser.parse("plate-map.csv", "well,compound,concentration,unit,role\nA01,DMSO,abc,uM,treatment\n",
                PlateLayout.WELLS_96));
        assertTrue(bad.getMessage().contains("plate-map.csv:2"), bad.getMessage());
    }

    @Test
    void largeImagesGoUpInVerifiedParts() throws Exception {
        final PhenoConfig multipart = config.with(ConfigKey.INGEST_MULTIPART_THRESHOLD, Integer.toString(5 << 20))
            .with(ConfigKey.INGEST_PART_SIZE, Integer.toString(5 << 20));
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final ImageUploader uploader = new ImageUploader(objects, multipart, new IngestMetrics(registry));
        final Path big = tmp.resolve("big.tif");
        final short[] pixels = new short[2000 * 1500];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (short) (i * 31 + (i >> 7));
        }
        TiffWriter.write16(big, 2000, 1500, pixels); // 6 MB: two parts
        final ImageUploader.Stored stored = uploader.store("DNA", big);
        assertTrue(stored.uploaded());
        assertArrayEquals(Files.readAllBytes(big), objects.getVerified(stored.ref()));
        final String etag = objects.client().headObject(b -> b.bucket(objects.bucket()).key(stored.ref().key())).eTag();
        assertTrue(etag.endsWith("-2\""), "multipart ETag " + etag);
        assertFalse(uploader.store("DNA", big).uploaded(), "present with the same size: skipped");
        assertEquals(1, registry.find("phenostream.ingest.stage").tag("stage", "verify").timer().count(),
            "a multipart upload is still verified by a HEAD");
    }

    @Test
    void unreachableS3FailsAfterRetriesNamingTheFile() {
        final Path dir = synthPlate("S3-DOWN", 5);
        final PhenoConfig down = config.with(ConfigKey.S3_ENDPOINT, "http://127.0.0.1:1")
            .with(ConfigKey.INGEST_RETRIES, "2");
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ObjectStore unreachable = new ObjectStore(S3ClientFactory.create(down), "phenostream")) {
            final IllegalStateException e = assertThrows(IllegalStateException.class, () ->
                new PlateIngestor(unreachable, producer, down, registry).ingest(request(dir, "E-S3", "S3-DOWN", null),
                    (a, b, c, d) -> { }));
            assertTrue(e.getMessage().contains("failed after 2 attempt(s) at http://127.0.0.1:1"), e.getMessage());
        }
        assertEquals(1.0, registry.find("phenostream.ingest.retries").counter().count());
        assertEquals(0, records(Topics.PLATE_RUNS, "E-S3/").size(), "nothing published while S3 is down");
        // the same push once S3 is back publishes everything
        final IngestResult ok = ingestor(new SimpleMeterRegistry()).ingest(request(dir, "E-S3", "S3-DOWN", null),
            (a, b, c, d) -> { });
        assertEquals(96, ok.sitesPublished());
    }

    @Test
    void unreachableKafkaFailsClearlyBeforeAnyUpload() {
        final Path dir = synthPlate("K-DOWN", 6);
        final PhenoConfig down = config.with(ConfigKey.KAFKA_BOOTSTRAP, "127.0.0.1:1")
            .with(ConfigKey.INGEST_PUBLISH_TIMEOUT_MS, "1500");
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (KafkaProducer<String, byte[]> noBroker = new KafkaProducer<>(RunPublisher.producerConfig(down))) {
            final IllegalStateException e = assertThrows(IllegalStateException.class, () ->
                new PlateIngestor(objects, noBroker, down, registry).ingest(request(dir, "E-K", "K-DOWN", null),
                    (a, b, c, d) -> { }));
            assertTrue(e.getMessage().contains("Kafka at 127.0.0.1:1") && e.getMessage().contains("within 1500 ms"),
                e.getMessage());
        }
        assertEquals(0.0, registry.find("phenostream.ingest.files").counters().stream().mapToDouble(c -> c.count())
            .sum(), "no image stored before Kafka answered");
    }

    @Test
    void watchedFolderIngestsMarkedAndStablePlatesAndReportsFailures() throws Exception {
        final Path root = Files.createDirectories(tmp.resolve("watched"));
        final Path marked = synthPlate(root.resolve("W-MARKED"), "W-MARKED", 7);
        final Path quiet = synthPlate(root.resolve("W-QUIET"), "W-QUIET", 8);
        final Path broken = synthPlate(root.resolve("W-BROKEN"), "W-BROKEN", 9);
        Files.writeString(broken.resolve("W-BROKEN_A01f00d0.tif"), "truncated by a network hiccup");
        Files.writeString(marked.resolve("COMPLETE"), "");
        Files.writeString(broken.resolve("COMPLETE"), "");
        final PlateFolderWatcher watcher = new PlateFolderWatcher(root, "COMPLETE", 60,
            folder -> request(folder, "E-WATCH", folder.getFileName().toString(), null),
            ingestor(new SimpleMeterRegistry()));

        final long t0 = 1_000_000L;
        final List<PlateFolderWatcher.Outcome> first = watcher.poll(t0);
        assertEquals(List.of(broken, marked), first.stream().map(PlateFolderWatcher.Outcome::folder).toList());
        assertFalse(first.get(0).ok());
        assertTrue(Files.readString(broken.resolve(PlateFolderWatcher.FAILED))
            .contains("W-BROKEN_A01f00d0.tif: neither TIFF nor PNG"));
        assertEquals(96, first.get(1).result().sitesPublished());
        assertTrue(Files.readString(marked.resolve(PlateFolderWatcher.INGESTED)).startsWith("run E-WATCH/W-MARKED/run-"));

        assertEquals(List.of(), watcher.poll(t0 + 59_000), "unmarked and not yet stable; failed and unchanged");
        final List<PlateFolderWatcher.Outcome> stable = watcher.poll(t0 + 60_000);
        assertEquals(List.of(quiet), stable.stream().map(PlateFolderWatcher.Outcome::folder).toList());
        assertEquals(96, stable.get(0).result().sitesPublished());

        // the operator replaces the bad file: the folder changed, so it is tried again
        Files.copy(quiet.resolve("W-QUIET_A01f00d0.tif"), broken.resolve("W-BROKEN_A01f00d0.tif"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        final List<PlateFolderWatcher.Outcome> fixed = watcher.poll(t0 + 61_000);
        assertEquals(1, fixed.size());
        assertTrue(fixed.get(0).ok(), fixed.get(0).error());
        assertFalse(Files.exists(broken.resolve(PlateFolderWatcher.FAILED)));
        assertEquals(List.of(), watcher.poll(t0 + 200_000), "ingested folders are not ingested again");
        assertEquals(1, records(Topics.IMAGE_SETS, "E-WATCH/W-BROKEN/").stream()
            .filter(r -> r.key().contains("/A01/")).count(), "the fixed site is published once");
    }
}
