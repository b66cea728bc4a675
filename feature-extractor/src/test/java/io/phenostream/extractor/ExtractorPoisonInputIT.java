package io.phenostream.extractor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.DeadLetter;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.ImageRef;
import io.phenostream.common.events.ImageSet;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.kafka.KafkaClientConfigs;
import io.phenostream.common.kafka.Topics;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.common.s3.S3ClientFactory;
import io.phenostream.common.synth.SynthFiles;
import io.phenostream.common.synth.SynthOptions;
import io.phenostream.common.synth.SyntheticPlateGenerator;
import io.phenostream.extractor.analysis.HostileImages;
import io.phenostream.infra.LocalInfrastructure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import org.slf4j.LoggerFactory;

/**
 * Every kind of poison the extractor can meet on {@code image-sets}, against the embedded Kafka and S3: an
 * unreadable record, a newer schemaVersion, and sites whose image is zero bytes, truncated, corrupt, one pixel,
 * a small file declaring 10^10 pixels, text, or not in S3 (missing key, missing bucket). Each reaches
 * dead-letters with its reason and source, each readable site also gets a FAILED site-features record (so its
 * plate can complete), the failures are counted, and a good site behind them all is analysed: the worker goes on.
 *
 * <p>The same run checks that credentials never leak: S3 secret, database password and ingest token are set to
 * distinctive values, and neither the captured log output (every logger, io.phenostream at DEBUG, stack traces
 * included) nor any dead-letter or site-features record contains them.
 */
@Tag("integration")
@Timeout(120)
class ExtractorPoisonInputIT {

    private static final String S3_SECRET = "s3Secret-Zq7xK2pWv9";
    private static final String DB_PASSWORD = "dbPass-Hn4vR8tYq1";
    private static final String INGEST_TOKEN = "ingestToken-Jm3cB9sLx5";

    @Test
    void poisonIsDeadLetteredWithItsReasonAndTheWorkerGoesOn(@TempDir final Path tmp) throws Exception {
        final ListAppender<ILoggingEvent> logs = captureLogs();
        final AnalysisSpec analysis = AnalysisSpec.classicalDefaults();
        final Path plate = tmp.resolve("plate");
        new SyntheticPlateGenerator(2).generate(SynthOptions.defaults().withSitesPerWell(1).withImageSize(128)
            .withPlateId("POISON-P1").withExperimentId("E-POISON"), plate);
        final byte[] goodDna = Files.readAllBytes(plate.resolve(SynthFiles.imageFileName("POISON-P1",
            WellId.parse("B02"), 0, 0)));
        final long started = System.nanoTime();
        try (LocalInfrastructure infra = LocalInfrastructure.start(PhenoConfig.defaults()
            .with(ConfigKey.DATA_DIR, tmp.resolve("data").toString())
            .with(ConfigKey.S3_SECRET_KEY, S3_SECRET)
            .with(ConfigKey.DB_URL, "jdbc:postgresql://127.0.0.1:1/not-used")
            .with(ConfigKey.DB_PASSWORD, DB_PASSWORD)
            .with(ConfigKey.INGEST_HTTP_TOKEN, INGEST_TOKEN), true)) {
            final PhenoConfig config = infra.config().with(ConfigKey.EXTRACTOR_THREADS, "2");
            final SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (ObjectStore objects = new ObjectStore(S3ClientFactory.create(config), config.require(ConfigKey.S3_BUCKET));
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClientConfigs.producer(config, "it"));
                 FeatureExtractorService worker = new FeatureExtractorService(config, "it", registry, null).start()) {
                final String topic = config.topic(Topics.IMAGE_SETS);
                // well -> (image bytes or null for "not in S3", what its dead letter must say)
                final Map<String, Object[]> bad = new LinkedHashMap<>();
                bad.put("A01", new Object[] {new byte[0], "image is empty (0 bytes)"});
                bad.put("A02", new Object[] {HostileImages.truncated(goodDna, goodDna.length / 3), "cannot decode"});
                bad.put("A03", new Object[] {HostileImages.corrupt(HostileImages.grey16Png(64, 64)), "cannot decode"});
                bad.put("A04", new Object[] {HostileImages.grey16Png(1, 1), "1x1 pixels; at least 2x2"});
                bad.put("A05", new Object[] {HostileImages.pngDeclaring(100_000, 100_000),
                    "100000x100000 pixels, over the limit of 100000000 (phenostream.image.max-pixels)"});
                bad.put("A06", new Object[] {HostileImages.tiffDeclaring(100_000, 100_000), "refused before decoding"});
                bad.put("A07", new Object[] {HostileImages.notAnImage(), "cannot decode"});
                bad.put("A08", new Object[] {null, "images/sha256/00/gone"});
                bad.put("A09", new Object[] {null, "s3://no-such-bucket/"});
                final Map<String, ImageSet> sets = new LinkedHashMap<>();
                for (final Map.Entry<String, Object[]> e : bad.entrySet()) {
                    final byte[] bytes = (byte[]) e.getValue()[0];
                    final ImageRef ref = bytes != null ? objects.putImage("DNA", e.getKey() + ".tif", bytes)
                        : new ImageRef("DNA", e.getKey().equals("A08") ? objects.bucket() : "no-such-bucket",
                        "images/sha256/00/gone", "00", 10, e.getKey() + ".tif");
                    sets.put(e.getKey(), imageSet(analysis, WellId.parse(e.getKey()), ref));
                }
                producer.send(new ProducerRecord<>(topic, "bad-json", "{\"schemaVersion\":1,"
                    .getBytes(StandardCharsets.UTF_8)));
                final ImageSet future = imageSet(analysis, WellId.parse("A10"), objects.putImage("DNA", "f.tif", goodDna));
                producer.send(new ProducerRecord<>(topic, future.siteKey(), new String(EventSerdes.imageSet()
                    .serialize(topic, future), StandardCharsets.UTF_8).replace("\"schemaVersion\":1", "\"schemaVersion\":99")
                    .getBytes(StandardCharsets.UTF_8)));
                for (final ImageSet set : sets.values()) {
                    producer.send(new ProducerRecord<>(topic, set.siteKey(), EventSerdes.imageSet().serialize(topic, set)));
                }
                final ImageSet good = imageSet(analysis, WellId.parse("B02"), objects.putImage("DNA", "good.tif", goodDna));
                producer.send(new ProducerRecord<>(topic, good.siteKey(), EventSerdes.imageSet().serialize(topic, good)));
                producer.flush();

                final List<ConsumerRecord<String, byte[]>> featureRecords = read(config, Topics.SITE_FEATURES,
                    bad.size() + 1);
                final List<ConsumerRecord<String, byte[]>> letterRecords = read(config, Topics.DEAD_LETTERS, bad.size() + 2);
                final Map<String, SiteFeatures> features = new LinkedHashMap<>();
                featureRecords.forEach(r -> {
                    final SiteFeatures f = EventSerdes.siteFeatures().deserialize(r.topic(), r.value());
                    features.put(f.well().toString(), f);
                });
                final Map<String, DeadLetter> letters = new LinkedHashMap<>();
                letterRecords.forEach(r -> letters.put(r.key(), EventSerdes.deadLetter().deserialize(r.topic(), r.value())));

                assertEquals(SiteFeatures.Status.OK, features.get("B02").status(), "the good site behind the poison");
                assertTrue(features.get("B02").cellCount() > 0);
                assertEquals(bad.size() + 1, features.size(), features.keySet().toString());
                for (final Map.Entry<String, Object[]> e : bad.entrySet()) {
                    final String expected = (String) e.getValue()[1];
                    final SiteFeatures f = features.get(e.getKey());
                    assertEquals(SiteFeatures.Status.FAILED, f.status(), e.getKey());
                    final DeadLetter dl = letters.get(sets.get(e.getKey()).siteKey());
                    assertNotNull(dl, "dead letter for " + e.getKey() + " in " + letters.keySet());
                    assertEquals(FeatureExtractorService.STAGE, dl.stage());
                    assertEquals(Topics.IMAGE_SETS, dl.sourceTopic());
                    assertTrue(dl.reason().contains(sets.get(e.getKey()).siteKey()) && dl.reason().contains(expected),
                        e.getKey() + ": " + dl.reason());
                    assertTrue(f.error().contains(expected), e.getKey() + ": " + f.error());
                }
                final DeadLetter json = letters.get("bad-json");
                assertTrue(json.reason().contains("unreadable image-set"), json.reason());
                assertEquals("{\"schemaVersion\":1,", json.sourceValue());
                final DeadLetter newer = letters.get(future.siteKey());
                assertTrue(newer.reason().contains("unreadable image-set") && newer.reason().contains("schemaVersion 99"),
                    newer.reason());
                assertFalse(features.containsKey("A10"), "a record it cannot read gets no site record");
                assertEquals(bad.size() + 2.0, registry.find("phenostream.extractor.sites").tag("status", "failed")
                    .counter().count(), "every failure counted");
                assertEquals(1.0, registry.find("phenostream.extractor.sites").tag("status", "ok").counter().count());
                assertTrue(worker.isReady(), "still consuming");

                // Credentials: in no record and no log line.
                final List<String> outputs = new ArrayList<>();
                featureRecords.forEach(r -> outputs.add(new String(r.value(), StandardCharsets.UTF_8)));
                letterRecords.forEach(r -> outputs.add(new String(r.value(), StandardCharsets.UTF_8)));
                outputs.add(render(logs));
                assertTrue(logs.list.size() > bad.size(), "the failures were logged: " + logs.list.size());
                for (final String secret : List.of(S3_SECRET, DB_PASSWORD, INGEST_TOKEN)) {
                    for (final String out : outputs) {
                        assertFalse(out.contains(secret), "secret leaked into: " + out);
                    }
                }
            }
        } finally {
            releaseLogs(logs);
        }
        System.out.printf("ExtractorPoisonInputIT: %d poison records handled in %.1f s%n", 11,
            (System.nanoTime() - started) / 1e9);
    }

    private static ImageSet imageSet(final AnalysisSpec analysis, final WellId well, final ImageRef ref) {
        return new ImageSet(ImageSet.SCHEMA_VERSION, analysis.analysisId(), analysis, "E-POISON", "POISON-P1", "r1",
            well, 0, List.of(ref), "DNA", null, Instant.now().toString());
    }

    /** Every event from every logger, io.phenostream at DEBUG, into a list. */
    static ListAppender<ILoggingEvent> captureLogs() {
        final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setContext(root.getLoggerContext());
        appender.start();
        root.addAppender(appender);
        ((Logger) LoggerFactory.getLogger("io.phenostream")).setLevel(Level.DEBUG);
        return appender;
    }

    static void releaseLogs(final ListAppender<ILoggingEvent> appender) {
        final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAppender(appender);
        ((Logger) LoggerFactory.getLogger("io.phenostream")).setLevel(null);
    }

    /** Messages, arguments and stack traces, as an appender writing them would. */
    static String render(final ListAppender<ILoggingEvent> logs) {
        final StringBuilder sb = new StringBuilder();
        synchronized (logs) {
            for (final ILoggingEvent e : new ArrayList<>(logs.list)) {
                sb.append(e.getLoggerName()).append(' ').append(e.getFormattedMessage()).append('\n');
                if (e.getThrowableProxy() != null) {
                    sb.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
                }
            }
        }
        return sb.toString();
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
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < atLeast && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
