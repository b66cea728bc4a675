package io.phenostream.scorer;

import static io.phenostream.scorer.PhenotypeScorerTopologyTest.AID;
import static io.phenostream.scorer.PhenotypeScorerTopologyTest.TICK;
import static io.phenostream.scorer.PhenotypeScorerTopologyTest.plate;
import static io.phenostream.scorer.PhenotypeScorerTopologyTest.sitesOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.events.DeadLetter;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.PlateQc;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison on both of the scorer's input topics, before and among good records: malformed JSON, a newer
 * schemaVersion, JSON of the wrong shape, an empty value. Each is dead-lettered with its source, and the plate
 * around it is scored and finalized as if it had not been there. ({@link PhenotypeScorerTopologyTest} covers
 * malformed and newer site-features; this adds plate-runs and the other shapes.)
 */
class ScorerPoisonInputTest {

    private static final List<String> POISON = List.of("{not json", "{\"schemaVersion\":99}", "[1,2,3]", "");

    @TempDir
    Path stateDir;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> rawRuns;
    private TestInputTopic<String, byte[]> rawSites;
    private TestInputTopic<String, PlateRun> runs;
    private TestInputTopic<String, SiteFeatures> sites;
    private TestOutputTopic<String, PlateQc> qc;
    private TestOutputTopic<String, DeadLetter> deadLetters;

    @BeforeEach
    void setUp() {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "scorer-poison-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(PhenotypeScorerTopology.createTopology("", TICK), props);
        rawRuns = driver.createInputTopic(Topics.PLATE_RUNS, new StringSerializer(), Serdes.ByteArray().serializer());
        rawSites = driver.createInputTopic(Topics.SITE_FEATURES, new StringSerializer(), Serdes.ByteArray().serializer());
        runs = driver.createInputTopic(Topics.PLATE_RUNS, new StringSerializer(), EventSerdes.plateRun());
        sites = driver.createInputTopic(Topics.SITE_FEATURES, new StringSerializer(), EventSerdes.siteFeatures());
        qc = driver.createOutputTopic(Topics.PLATE_QC, new StringDeserializer(), EventSerdes.plateQc());
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS, new StringDeserializer(), EventSerdes.deadLetter());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void poisonOnPlateRunsAndSiteFeaturesIsDeadLetteredAndThePlateFinishes() {
        final PlateRun run = plate("P7");
        final List<SiteFeatures> good = sitesOf(run, 3);
        POISON.forEach(p -> rawRuns.pipeInput(run.runKey(), p.getBytes(StandardCharsets.UTF_8)));
        runs.pipeInput(run.runKey(), run);
        for (int i = 0; i < good.size(); i++) {
            sites.pipeInput(run.runKey(), good.get(i));
            if (i == good.size() / 2) {
                POISON.forEach(p -> rawSites.pipeInput(run.runKey(), p.getBytes(StandardCharsets.UTF_8)));
            }
        }
        driver.advanceWallClockTime(TICK);

        final List<DeadLetter> dls = deadLetters.readValuesToList();
        assertEquals(2 * POISON.size(), dls.size(), dls.toString());
        for (int i = 0; i < dls.size(); i++) {
            final DeadLetter dl = dls.get(i);
            assertEquals("phenotype-scorer", dl.stage());
            assertEquals(i < POISON.size() ? Topics.PLATE_RUNS : Topics.SITE_FEATURES, dl.sourceTopic());
            assertEquals(run.runKey(), dl.sourceKey());
            assertEquals(POISON.get(i % POISON.size()), dl.sourceValue() == null ? "" : dl.sourceValue());
            assertTrue(dl.reason() != null && !dl.reason().isBlank(), dl.toString());
        }
        assertTrue(dls.get(0).reason().contains("malformed PlateRun"), dls.get(0).reason());
        assertTrue(dls.get(1).reason().contains("schemaVersion 99"), dls.get(1).reason());
        final PlateQc done = qc.readKeyValuesToMap().get(AID + "|" + run.runKey());
        assertEquals(PlateQc.Status.FINAL, done.status());
        assertEquals(good.size(), done.sitesSeen(), "every good site counted once, no poison among them");
    }
}
