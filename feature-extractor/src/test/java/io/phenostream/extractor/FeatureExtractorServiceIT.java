package io.phenostream.extractor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.DeadLetter;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.ExtractionParameters;
import io.phenostream.common.events.ImageRef;
import io.phenostream.common.events.ImageSet;
import io.phenostream.common.events.ScoringParameters;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.image.LabelImagePng;
import io.phenostream.common.image.StackedLabelImages;
import io.phenostream.common.kafka.KafkaClientConfigs;
import io.phenostream.common.kafka.Topics;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.common.s3.S3ClientFactory;
import io.phenostream.common.synth.SynthFiles;
import io.phenostream.common.synth.SynthOptions;
import io.phenostream.common.synth.SyntheticPlateGenerator;
import io.phenostream.extractor.embedding.EmbeddingModel;
import io.phenostream.infra.LocalInfrastructure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker against the embedded Kafka and S3 with an embedding model: every site's cells are embedded (in
 * batches across sites), their features and embeddings land in one Parquet file per site that DuckDB reads,
 * the site record carries the table's URI, its label images' URIs, the illumination ids and the median embedding; a site whose image is
 * missing is dead-lettered with the reason and reported FAILED, and the worker keeps going.
 */
@Tag("integration")
@Timeout(240)
class FeatureExtractorServiceIT {

    private static final int SITES = 6;

    @Test
    void sitesAreEmbeddedStoredAsParquetAndBadSitesDeadLettered(@TempDir final Path tmp) throws Exception {
        final Path models = modelsWithRoleFixture(tmp.resolve("models"));
        final String sha = EmbeddingModel.sha256(models.resolve("fixture-tiny/1/model.pt"));
        // Illumination correction on (it is off by default): the record must name the function each site used.
        final ExtractionParameters defaults = ExtractionParameters.defaults();
        final ExtractionParameters extraction = new ExtractionParameters(defaults.smoothingSigma(),
            defaults.minNucleusArea(), defaults.maxNucleusArea(), defaults.cellGrowthPixels(),
            defaults.saturationLevel(), true);
        final AnalysisSpec analysis = new AnalysisSpec("fixture-tiny/1", sha, extraction,
            ScoringParameters.defaults());
        final Path plate = tmp.resolve("plate");
        new SyntheticPlateGenerator(2).generate(SynthOptions.defaults().withSitesPerWell(1).withImageSize(128)
            .withPlateId("EMB-P1").withExperimentId("E-EMB"), plate);

        try (LocalInfrastructure infra = LocalInfrastructure.start(PhenoConfig.defaults()
            .with(ConfigKey.DATA_DIR, tmp.resolve("data").toString())
            .with(ConfigKey.DB_URL, "jdbc:postgresql://127.0.0.1:1/not-used"), true)) {
            final PhenoConfig config = infra.config().with(ConfigKey.MODELS_DIR, models.toString())
                .with(ConfigKey.EMBEDDING_DEVICE, "cpu").with(ConfigKey.EXTRACTOR_THREADS, "2");
            final SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (ObjectStore objects = new ObjectStore(S3ClientFactory.create(config), config.require(ConfigKey.S3_BUCKET));
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                     KafkaClientConfigs.producer(config, "it"));
                 FeatureExtractorService worker = new FeatureExtractorService(config, "it", registry, null).start()) {
                final String topic = config.topic(Topics.IMAGE_SETS);
                for (int i = 0; i < SITES; i++) {
                    final WellId well = WellId.parse("B0" + (i + 2));
                    final List<ImageRef> refs = new ArrayList<>();
                    for (int c = 0; c < SynthFiles.CHANNELS.size(); c++) {
                        final Path file = plate.resolve(SynthFiles.imageFileName("EMB-P1", well, 0, c));
                        refs.add(objects.putImage(SynthFiles.CHANNELS.get(c), file.getFileName().toString(),
                            Files.readAllBytes(file)));
                    }
                    final ImageSet set = imageSet(analysis, well, refs);
                    producer.send(new ProducerRecord<>(topic, set.siteKey(), EventSerdes.imageSet().serialize(topic, set)));
                }
                final List<ImageRef> missing = List.of(new ImageRef("DNA", objects.bucket(), "images/sha256/00/none",
                    "00", 10, "lost.tif"), new ImageRef("GFP", objects.bucket(), "images/sha256/00/none", "00", 10,
                    "lost.tif"), new ImageRef("CellMask", objects.bucket(), "images/sha256/00/none", "00", 10, "lost.tif"));
                final ImageSet lost = imageSet(analysis, WellId.parse("H12"), missing);
                producer.send(new ProducerRecord<>(topic, lost.siteKey(), EventSerdes.imageSet().serialize(topic, lost)));
                producer.flush();

                final List<SiteFeatures> out = read(config, Topics.SITE_FEATURES, SITES + 1).stream()
                    .map(r -> EventSerdes.siteFeatures().deserialize(r.topic(), r.value())).toList();
                final List<SiteFeatures> ok = out.stream().filter(f -> f.status() == SiteFeatures.Status.OK).toList();
                assertEquals(SITES, ok.size(), out.toString());
                try (ParquetQuery duck = new ParquetQuery()) {
                    for (final SiteFeatures f : ok) {
                        assertTrue(f.cellCount() > 0, f.siteKey());
                        assertEquals(8, f.embedding().size(), "median embedding of the fixture's 8 dimensions");
                        assertEquals(Map.of("DNA", "illum-identity", "GFP", "illum-identity", "CellMask",
                            "illum-identity"), f.illumination(), "fewer sites than an estimate needs");
                        assertNotNull(f.cellDataUri());
                        final Path local = tmp.resolve(f.well() + ".parquet");
                        final String key = f.cellDataUri().substring(("s3://" + objects.bucket() + "/").length());
                        Files.write(local, objects.get(objects.bucket(), key));
                        final Map<String, Object> row = duck.single("SELECT count(*) AS n, count(emb_7) AS e, "
                            + "min(cell) AS first, max(well) AS well FROM read_parquet(?)", local);
                        assertEquals((long) f.cellCount(), ((Number) row.get("n")).longValue());
                        assertEquals((long) f.cellCount(), ((Number) row.get("e")).longValue(), "every cell embedded");
                        assertEquals(1, ((Number) row.get("first")).intValue());
                        assertEquals(f.well().toString(), row.get("well"));
                        assertMasks(objects, f);
                    }
                }
                final SiteFeatures failed = out.stream().filter(f -> f.status() == SiteFeatures.Status.FAILED)
                    .findFirst().orElseThrow();
                assertEquals("H12", failed.well().toString());
                assertTrue(failed.error().contains("images/sha256/00/none") && failed.error().contains("lost.tif"),
                    failed.error());
                final DeadLetter dl = EventSerdes.deadLetter().deserialize(Topics.DEAD_LETTERS,
                    read(config, Topics.DEAD_LETTERS, 1).get(0).value());
                assertEquals(FeatureExtractorService.STAGE, dl.stage());
                assertTrue(dl.reason().contains(lost.siteKey()), dl.reason());
                assertEquals((double) SITES, registry.find("phenostream.extractor.sites").tag("status", "ok")
                    .counter().count());
                assertTrue(registry.find("phenostream.embedding.batch.size").summary().max() > 1,
                    "crops of several cells go through one forward pass");
            }
        }
    }

    /**
     * The site's label images sit beside its table, named by the record, and decode (with ImageIO, not the OpenCV
     * that wrote them) to labels 1..cellCount at the image's size, every nucleus inside its cell.
     */
    private static void assertMasks(final ObjectStore objects, final SiteFeatures f) {
        final String stem = f.cellDataUri().substring(0, f.cellDataUri().length() - ".parquet".length());
        assertEquals(Map.of(SiteFeatures.NUCLEI_OVER_CELLS_MASK, stem + ".nuclei-over-cells.png"), f.masks());
        final String prefix = "s3://" + objects.bucket() + "/";
        final StackedLabelImages both = StackedLabelImages.decode(objects.get(objects.bucket(),
            f.masks().get(SiteFeatures.NUCLEI_OVER_CELLS_MASK).substring(prefix.length())), "masks");
        final LabelImagePng nuclei = both.nuclei();
        final LabelImagePng cells = both.cells();
        assertEquals(128, nuclei.width(), "the synthetic plate's image size");
        assertEquals(128, nuclei.height());
        assertEquals(f.cellCount(), nuclei.objectCount(), f.siteKey());
        assertEquals(f.cellCount(), nuclei.maxLabel(), f.siteKey());
        assertEquals(f.cellCount(), cells.objectCount(), f.siteKey());
        for (int i = 0; i < nuclei.labels().length; i++) {
            if (nuclei.labels()[i] != 0) {
                assertEquals(nuclei.labels()[i], cells.labels()[i], f.siteKey() + " pixel " + i);
            }
        }
    }

    private static ImageSet imageSet(final AnalysisSpec analysis, final WellId well, final List<ImageRef> refs) {
        return new ImageSet(ImageSet.SCHEMA_VERSION, analysis.analysisId(), analysis, "E-EMB", "EMB-P1", "r1", well, 0,
            refs, "DNA", "CellMask", Instant.now().toString());
    }

    /** The test fixture model, declared with input roles so it fits the synthetic plate's channels. */
    private static Path modelsWithRoleFixture(final Path root) throws Exception {
        final Path dir = Files.createDirectories(root.resolve("fixture-tiny/1"));
        final Path fixture = Path.of("src/test/resources/fixture-model");
        Files.copy(fixture.resolve("model.pt"), dir.resolve("model.pt"));
        final String json = Files.readString(fixture.resolve("model.json"))
            .replaceFirst("\"inputChannels\"\\s*:\\s*\\[[^\\]]*\\]", "\"inputChannels\": [\"nuclear\", \"other\", \"cell\"]");
        Files.writeString(dir.resolve("model.json"), json);
        return root;
    }

    private static List<ConsumerRecord<String, byte[]>> read(final PhenoConfig config, final String topic,
                                                             final int atLeast) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.require(ConfigKey.KAFKA_BOOTSTRAP));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + topic);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        final List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of(config.topic(topic)));
            final long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (out.size() < atLeast && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
