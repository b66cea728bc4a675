package io.phenostream.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.PlateMapEntry;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.domain.WellRole;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.CompoundScore;
import io.phenostream.common.events.DeadLetter;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.PlateQc;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.events.SiteQc;
import io.phenostream.common.events.WellProfile;
import io.phenostream.common.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
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

class PhenotypeScorerTopologyTest {

    static final AnalysisSpec SPEC = AnalysisSpec.classicalDefaults();
    static final String AID = SPEC.analysisId();
    static final Duration TICK = Duration.ofSeconds(1);

    @TempDir
    Path stateDir;
    TopologyTestDriver driver;
    TestInputTopic<String, PlateRun> runs;
    TestInputTopic<String, SiteFeatures> sites;
    TestInputTopic<String, byte[]> rawSites;
    TestOutputTopic<String, WellProfile> wells;
    TestOutputTopic<String, PlateQc> qc;
    TestOutputTopic<String, CompoundScore> compounds;
    TestOutputTopic<String, DeadLetter> deadLetters;

    @BeforeEach
    void setUp() {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "scorer-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(PhenotypeScorerTopology.createTopology("", TICK), props);
        runs = driver.createInputTopic(Topics.PLATE_RUNS, new StringSerializer(), EventSerdes.plateRun());
        sites = driver.createInputTopic(Topics.SITE_FEATURES, new StringSerializer(), EventSerdes.siteFeatures());
        rawSites = driver.createInputTopic(Topics.SITE_FEATURES, new StringSerializer(), Serdes.ByteArray().serializer());
        wells = driver.createOutputTopic(Topics.WELL_PROFILES, new StringDeserializer(), EventSerdes.wellProfile());
        qc = driver.createOutputTopic(Topics.PLATE_QC, new StringDeserializer(), EventSerdes.plateQc());
        compounds = driver.createOutputTopic(Topics.COMPOUND_SCORES, new StringDeserializer(), EventSerdes.compoundScore());
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS, new StringDeserializer(), EventSerdes.deadLetter());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    /** 16 negatives (columns 1, 12), 8 positives (column 2), ACTIVE and INERT in 6 doses x 2 replicates. */
    static PlateRun plate(final String plateId) {
        return plate("E1", plateId, 1);
    }

    /** The same plate map in another experiment, imaged with {@code sitesPerWell} sites per well. */
    static PlateRun plate(final String experimentId, final String plateId, final int sitesPerWell) {
        final List<PlateMapEntry> map = new ArrayList<>();
        final double[] doses = {30, 10, 3.33, 1.11, 0.37, 0.12};
        for (int r = 0; r < 8; r++) {
            map.add(new PlateMapEntry(WellId.of(r, 1), "DMSO", 0.0, "uM", WellRole.NEGATIVE_CONTROL, Map.of()));
            map.add(new PlateMapEntry(WellId.of(r, 12), "DMSO", 0.0, "uM", WellRole.NEGATIVE_CONTROL, Map.of()));
            map.add(new PlateMapEntry(WellId.of(r, 2), "POS", 10.0, "uM", WellRole.POSITIVE_CONTROL, Map.of()));
        }
        for (int i = 0; i < 12; i++) {
            map.add(new PlateMapEntry(WellId.of(i % 8, 3 + i / 8), "ACTIVE", doses[i / 2], "uM", WellRole.TREATMENT, Map.of()));
            map.add(new PlateMapEntry(WellId.of(i % 8, 5 + i / 8), "INERT", doses[i / 2], "uM", WellRole.TREATMENT, Map.of()));
        }
        return new PlateRun(1, experimentId, plateId, "r1", PlateLayout.WELLS_96, List.of("DNA", "GFP"), "DNA", null,
            sitesPerWell, sitesPerWell * map.size(), map, "test", "2026-11-26T00:00:00Z", false);
    }

    /** Site features: noise around a baseline; positives and ACTIVE (dose-dependent, EC50 1 uM) shift the ratio. */
    static List<SiteFeatures> sitesOf(final PlateRun run, final long seed) {
        final Random rnd = new Random(seed);
        final List<SiteFeatures> out = new ArrayList<>();
        for (int site = 0; site < run.sitesPerWell(); site++) {
            out.addAll(sitesOf(run, site, rnd));
        }
        return out;
    }

    /** One site (field {@code site}) of every well of the plate map. */
    private static List<SiteFeatures> sitesOf(final PlateRun run, final int site, final Random rnd) {
        final List<SiteFeatures> out = new ArrayList<>();
        for (final PlateMapEntry e : run.plateMap()) {
            double effect = 0;
            if (e.role() == WellRole.POSITIVE_CONTROL) {
                effect = 1;
            } else if (e.compound().equals("ACTIVE")) {
                effect = e.concentration() / (e.concentration() + 1.0);
            }
            final Map<String, Double> f = new LinkedHashMap<>();
            f.put("cell_count", 40 + rnd.nextGaussian() * 3);
            f.put("nucleus_area", 80 + rnd.nextGaussian() * 4);
            f.put("gfp_nuc_cyto_ratio", 0.5 + 2.0 * effect + rnd.nextGaussian() * 0.05);
            f.put("dna_nucleus_mean", 0.3 + rnd.nextGaussian() * 0.01);
            out.add(new SiteFeatures(1, AID, SPEC, run.experimentId(), run.plateId(), run.runId(), e.well(), site,
                SiteFeatures.Status.OK, null, 40, f, new SiteQc(0.02 + rnd.nextDouble() * 0.001, 0, List.of()), List.of(),
                null, "2026-11-26T00:00:00Z"));
        }
        return out;
    }

    @Test
    void scoresAPlateIncrementallyAndFinalizesWhenAllSitesAreIn() {
        final PlateRun run = plate("P1");
        runs.pipeInput(run.runKey(), run);
        final List<SiteFeatures> all = sitesOf(run, 1);
        all.subList(0, all.size() - 5).forEach(s -> sites.pipeInput(s.runKey(), s));
        driver.advanceWallClockTime(TICK);

        final Map<String, PlateQc> partial = qc.readKeyValuesToMap();
        assertEquals(PlateQc.Status.RUNNING, partial.get(AID + "|E1/P1/r1").status());
        assertEquals(all.size() - 5, partial.get(AID + "|E1/P1/r1").sitesSeen());

        all.subList(all.size() - 5, all.size()).forEach(s -> sites.pipeInput(s.runKey(), s));
        driver.advanceWallClockTime(TICK);
        final PlateQc fin = qc.readKeyValuesToMap().get(AID + "|E1/P1/r1");
        assertEquals(PlateQc.Status.FINAL, fin.status());
        assertEquals(all.size(), fin.sitesSeen());
        assertNotNull(fin.zPrime());
        assertTrue(fin.zPrime() > 0.5, "Z' " + fin.zPrime());

        final Map<String, WellProfile> profiles = wells.readKeyValuesToMap();
        assertEquals(all.size(), profiles.size());
        assertTrue(profiles.values().stream().allMatch(WellProfile::finalResult));
        final WellProfile top = profiles.get(AID + "|E1/P1/r1/A03"); // ACTIVE at 30 uM
        assertEquals("ACTIVE", top.compound());
        final double maxNegative = profiles.values().stream().filter(w -> w.role() == WellRole.NEGATIVE_CONTROL)
            .mapToDouble(WellProfile::score).max().orElseThrow();
        assertTrue(top.score() > maxNegative, top.score() + " vs " + maxNegative);

        driver.advanceWallClockTime(TICK);
        final Map<String, CompoundScore> scores = compounds.readKeyValuesToMap();
        final CompoundScore active = scores.get(AID + "|E1|ACTIVE");
        final CompoundScore inert = scores.get(AID + "|E1|INERT");
        assertEquals(1, active.rank());
        assertTrue(active.hit(), "ACTIVE should be a hit, q=" + active.qValue());
        assertFalse(inert.hit(), "INERT should not be a hit, q=" + inert.qValue());
        assertTrue(active.finalResult());
        assertEquals(12, active.nWells());
    }

    @Test
    void redeliveredSiteReplacesItselfAndNeverDoubleCounts() {
        final PlateRun run = plate("P1");
        runs.pipeInput(run.runKey(), run);
        final List<SiteFeatures> all = sitesOf(run, 2);
        all.forEach(s -> sites.pipeInput(s.runKey(), s));
        driver.advanceWallClockTime(TICK);
        final PlateQc once = qc.readKeyValuesToMap().get(AID + "|E1/P1/r1");
        driver.advanceWallClockTime(TICK);
        final Map<String, CompoundScore> first = compounds.readKeyValuesToMap();

        all.subList(0, 10).forEach(s -> sites.pipeInput(s.runKey(), s));
        driver.advanceWallClockTime(TICK);
        final PlateQc twice = qc.readKeyValuesToMap().get(AID + "|E1/P1/r1");
        assertEquals(once.sitesSeen(), twice.sitesSeen());
        assertEquals(once.nCells(), twice.nCells());
        assertEquals(once.zPrime(), twice.zPrime());
        driver.advanceWallClockTime(TICK);
        final Map<String, CompoundScore> second = compounds.readKeyValuesToMap();
        assertEquals(first.get(AID + "|E1|ACTIVE").score(), second.get(AID + "|E1|ACTIVE").score());
    }

    @Test
    void sitesBeforeTheirPlateMapAreScoredOnceItArrives() {
        final PlateRun run = plate("P1");
        sitesOf(run, 3).forEach(s -> sites.pipeInput(s.runKey(), s));
        driver.advanceWallClockTime(TICK);
        assertTrue(qc.isEmpty());
        runs.pipeInput(run.runKey(), run);
        driver.advanceWallClockTime(TICK);
        assertEquals(PlateQc.Status.FINAL, qc.readKeyValuesToMap().get(AID + "|E1/P1/r1").status());
    }

    @Test
    void compoundScoresSpanThePlatesOfAnExperiment() {
        for (final String plateId : List.of("P1", "P2")) {
            final PlateRun run = plate(plateId);
            runs.pipeInput(run.runKey(), run);
            sitesOf(run, plateId.hashCode()).forEach(s -> sites.pipeInput(s.runKey(), s));
        }
        driver.advanceWallClockTime(TICK);
        driver.advanceWallClockTime(TICK);
        final CompoundScore active = compounds.readKeyValuesToMap().get(AID + "|E1|ACTIVE");
        assertEquals(24, active.nWells());
        assertEquals(List.of("P1", "P2"), active.plates().stream().sorted().toList());
    }

    @Test
    void aPlateThatCannotBeScoredIsDeadLetteredAndTheScorerGoesOn() {
        final PlateRun good = plate("P1");
        final PlateRun noMap = new PlateRun(1, "E1", "P0", "r1", PlateLayout.WELLS_96, List.of("DNA", "GFP"), "DNA",
            null, 1, 48, List.of(), "test", "2026-11-26T00:00:00Z", false);
        runs.pipeInput(noMap.runKey(), noMap);
        sitesOf(good, 5).stream().limit(3).map(s -> new SiteFeatures(s.schemaVersion(), s.analysisId(), s.analysis(),
                "E1", "P0", "r1", s.well(), s.site(), s.status(), s.error(), s.cellCount(), s.features(), s.qc(),
                s.images(), s.cellDataUri(), s.processedAt(), s.illumination(), s.embedding()))
            .forEach(s -> sites.pipeInput(s.runKey(), s));
        runs.pipeInput(good.runKey(), good);
        sitesOf(good, 5).forEach(s -> sites.pipeInput(s.runKey(), s));
        driver.advanceWallClockTime(TICK);

        final List<DeadLetter> dls = deadLetters.readValuesToList();
        assertEquals(1, dls.size());
        assertTrue(dls.get(0).reason().startsWith("cannot score plate run E1/P0/r1 for analysis " + AID
            + " with 3 of 48 sites"), dls.get(0).reason());
        assertEquals(AID + "|E1/P0/r1", dls.get(0).sourceKey());
        assertEquals(PlateQc.Status.FINAL, qc.readKeyValuesToMap().get(AID + "|E1/P1/r1").status());
    }

    @Test
    void unreadableRecordsGoToTheDeadLetterTopicAndProcessingContinues() {
        rawSites.pipeInput("E1/P1/r1", "{not json".getBytes(StandardCharsets.UTF_8));
        rawSites.pipeInput("E1/P1/r1", "{\"schemaVersion\":99}".getBytes(StandardCharsets.UTF_8));
        final PlateRun run = plate("P1");
        runs.pipeInput(run.runKey(), run);
        sitesOf(run, 4).forEach(s -> sites.pipeInput(s.runKey(), s));
        driver.advanceWallClockTime(TICK);

        final List<DeadLetter> dls = deadLetters.readValuesToList();
        assertEquals(2, dls.size());
        assertEquals("phenotype-scorer", dls.get(0).stage());
        assertEquals(Topics.SITE_FEATURES, dls.get(0).sourceTopic());
        assertEquals("{not json", dls.get(0).sourceValue());
        assertTrue(dls.get(0).reason().contains("malformed SiteFeatures"), dls.get(0).reason());
        assertTrue(dls.get(1).reason().contains("schemaVersion 99"), dls.get(1).reason());
        assertEquals(PlateQc.Status.FINAL, qc.readKeyValuesToMap().get(AID + "|E1/P1/r1").status());
    }
}
