package io.phenostream.scorer;

import static io.phenostream.scorer.PhenotypeScorerTopologyTest.AID;
import static io.phenostream.scorer.PhenotypeScorerTopologyTest.TICK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.domain.WellId;
import io.phenostream.common.events.CompoundScore;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.PlateQc;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.events.WellProfile;
import io.phenostream.common.kafka.Topics;
import io.phenostream.scorer.query.PlateProgress;
import io.phenostream.scorer.query.ScorerNotReadyException;
import io.phenostream.scorer.query.ScorerQueries;
import io.phenostream.scorer.query.StoreRestoreTracker;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interactive queries over the result stores, through the IQv2 path a running scorer takes: what they answer
 * must be exactly what the scorer last wrote to its output topics, and counts are checked against the plate.
 */
class ScorerQueriesTopologyTest {

    @TempDir
    Path stateDir;
    TopologyTestDriver driver;
    TestInputTopic<String, PlateRun> runs;
    TestInputTopic<String, SiteFeatures> sites;
    TestOutputTopic<String, WellProfile> wells;
    TestOutputTopic<String, PlateQc> qc;
    TestOutputTopic<String, CompoundScore> compounds;
    ScorerQueries queries;

    @BeforeEach
    void setUp() {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "scorer-queries-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(PhenotypeScorerTopology.createTopology("", TICK), props);
        runs = driver.createInputTopic(Topics.PLATE_RUNS, new StringSerializer(), EventSerdes.plateRun());
        sites = driver.createInputTopic(Topics.SITE_FEATURES, new StringSerializer(), EventSerdes.siteFeatures());
        wells = driver.createOutputTopic(Topics.WELL_PROFILES, new StringDeserializer(), EventSerdes.wellProfile());
        qc = driver.createOutputTopic(Topics.PLATE_QC, new StringDeserializer(), EventSerdes.plateQc());
        compounds = driver.createOutputTopic(Topics.COMPOUND_SCORES, new StringDeserializer(), EventSerdes.compoundScore());
        queries = new ScorerQueries(new DriverQueryRunner(driver));
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void plateProgressCountsSitesAndCompleteWellsUntilThePlateIsFinal() {
        // 48 mapped wells x 2 sites; in: every first site and the second site of 10 wells.
        final PlateRun run = PhenotypeScorerTopologyTest.plate("E1", "P1", 2);
        final List<SiteFeatures> all = PhenotypeScorerTopologyTest.sitesOf(run, 11);
        assertEquals(96, all.size());
        assertEquals(Optional.empty(), queries.plateProgress(AID, run.runKey()), "nothing scored yet");

        runs.pipeInput(run.runKey(), run);
        all.subList(0, 58).forEach(s -> sites.pipeInput(s.runKey(), s));
        driver.advanceWallClockTime(TICK);
        final PlateProgress partial = queries.plateProgress(AID, run.runKey()).orElseThrow();
        assertEquals(new PlateProgress(AID, "E1", "P1", "r1", 58, 96, 10, 48, false, partial.updatedAt()), partial);
        assertEquals(58 / 96.0, partial.fractionDone(), 1e-12);
        assertEquals(qc.readKeyValuesToMap().get(AID + "|E1/P1/r1"), queries.plateQc(AID, run.runKey()).orElseThrow());

        all.subList(58, 96).forEach(s -> sites.pipeInput(s.runKey(), s));
        driver.advanceWallClockTime(TICK);
        final PlateProgress done = queries.plateProgress(AID, run.runKey()).orElseThrow();
        assertEquals(new PlateProgress(AID, "E1", "P1", "r1", 96, 96, 48, 48, true, done.updatedAt()), done);
        assertEquals(1.0, done.fractionDone());
    }

    @Test
    void wellsAndCompoundsAreWhatTheScorerLastEmitted() {
        final PlateRun run = PhenotypeScorerTopologyTest.plate("P1");
        runs.pipeInput(run.runKey(), run);
        PhenotypeScorerTopologyTest.sitesOf(run, 12).forEach(s -> sites.pipeInput(s.runKey(), s));
        driver.advanceWallClockTime(TICK);
        driver.advanceWallClockTime(TICK);

        final Map<String, WellProfile> emittedWells = wells.readKeyValuesToMap();
        assertEquals(48, emittedWells.size());
        assertEquals(emittedWells.values().stream().sorted(Comparator.comparing(WellProfile::well)).toList(),
            queries.wellProfiles(AID, run.runKey()));
        final WellId a03 = WellId.parse("A03");
        assertEquals(emittedWells.get(AID + "|E1/P1/r1/A03"), queries.wellProfile(AID, run.runKey(), a03).orElseThrow());
        assertEquals(Optional.empty(), queries.wellProfile(AID, run.runKey(), WellId.parse("H11")), "not in the map");
        assertEquals(List.of(), queries.wellProfiles(AID, "E1/P1/r2"));

        final Map<String, CompoundScore> emitted = compounds.readKeyValuesToMap();
        final List<CompoundScore> ranked = queries.compoundScores(AID, "E1");
        assertEquals(emitted.size(), ranked.size());
        assertEquals(emitted.values().stream().sorted(Comparator.comparingInt(CompoundScore::rank)).toList(), ranked);
        assertEquals("ACTIVE", ranked.get(0).compound());
        assertTrue(ranked.get(0).finalResult());
        assertEquals(emitted.get(AID + "|E1|INERT"), queries.compoundScore(AID, "E1", "INERT").orElseThrow());
        assertEquals(Optional.empty(), queries.compoundScore(AID, "E1", "NOPE"));
        assertEquals(Optional.empty(), queries.compoundScore("other-analysis", "E1", "ACTIVE"));
    }

    @Test
    void experimentProgressListsItsOwnPlatesOnly() {
        // E10 shares the prefix "E1" as a string: a naive prefix scan would mix its plates in.
        for (final PlateRun run : List.of(PhenotypeScorerTopologyTest.plate("E1", "P1", 1),
            PhenotypeScorerTopologyTest.plate("E1", "P2", 1), PhenotypeScorerTopologyTest.plate("E10", "P3", 1))) {
            runs.pipeInput(run.runKey(), run);
            final List<SiteFeatures> s = PhenotypeScorerTopologyTest.sitesOf(run, run.plateId().hashCode());
            (run.plateId().equals("P2") ? s.subList(0, 20) : s).forEach(f -> sites.pipeInput(f.runKey(), f));
        }
        driver.advanceWallClockTime(TICK);
        final List<PlateProgress> e1 = queries.experimentProgress(AID, "E1");
        assertEquals(List.of("P1", "P2"), e1.stream().map(PlateProgress::plateId).toList());
        assertEquals(List.of(48, 20), e1.stream().map(PlateProgress::sitesSeen).toList());
        assertEquals(List.of(true, false), e1.stream().map(PlateProgress::finalResult).toList());
        assertEquals(List.of("P3"), queries.experimentProgress(AID, "E10").stream().map(PlateProgress::plateId).toList());
        assertEquals(List.of(), queries.compoundScores(AID, "E"));
    }

    @Test
    void aStoreThatCannotAnswerSaysSo() {
        final ScorerQueries rebalancing = new ScorerQueries(new ScorerQueries.QueryRunner() {
            @Override
            public <R> StateQueryResult<R> run(final org.apache.kafka.streams.query.StateQueryRequest<R> request) {
                final StateQueryResult<R> r = new StateQueryResult<>();
                r.addResult(0, QueryResult.forResult(null));
                r.addResult(3, QueryResult.forFailure(FailureReason.NOT_ACTIVE, "standby"));
                return r;
            }
        });
        final ScorerNotReadyException e = assertThrows(ScorerNotReadyException.class,
            () -> rebalancing.compoundScore(AID, "E1", "ACTIVE"));
        assertEquals(PhenotypeScorerTopology.COMPOUND_SCORES_STORE, e.store());
        assertTrue(e.getMessage().contains("partition 3: NOT_ACTIVE"), e.getMessage());

        final ScorerQueries unassigned = new ScorerQueries(new ScorerQueries.QueryRunner() {
            @Override
            public <R> StateQueryResult<R> run(final org.apache.kafka.streams.query.StateQueryRequest<R> request) {
                return new StateQueryResult<>();
            }
        });
        assertThrows(ScorerNotReadyException.class, () -> unassigned.plateProgress(AID, "E1/P1/r1"));

        final ScorerQueries broken = new ScorerQueries(new ScorerQueries.QueryRunner() {
            @Override
            public <R> StateQueryResult<R> run(final org.apache.kafka.streams.query.StateQueryRequest<R> request) {
                final StateQueryResult<R> r = new StateQueryResult<>();
                r.addResult(0, QueryResult.forFailure(FailureReason.STORE_EXCEPTION, "disk gone"));
                return r;
            }
        });
        assertThrows(IllegalStateException.class, () -> broken.wellProfiles(AID, "E1/P1/r1"));
    }

    @Test
    void aScorerThatHasNotStartedIsNotReady() {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "scorer-not-started");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("unstarted").toString());
        try (KafkaStreams streams = new KafkaStreams(PhenotypeScorerTopology.createTopology("", TICK), props)) {
            final ScorerQueries q = ScorerQueries.of(streams, new StoreRestoreTracker());
            final ScorerNotReadyException e = assertThrows(ScorerNotReadyException.class,
                () -> q.plateProgress(AID, "E1/P1/r1"));
            assertTrue(e.getMessage().contains("CREATED"), e.getMessage());
        }
    }

    @Test
    void restoreTrackerKnowsWhichStoresAreRestoring() {
        final StoreRestoreTracker t = new StoreRestoreTracker();
        final TopicPartition p0 = new TopicPartition("app-plate-sites-store-changelog", 0);
        final TopicPartition p1 = new TopicPartition("app-plate-sites-store-changelog", 1);
        t.onRestoreStart(p0, PhenotypeScorerTopology.PLATE_SITES_STORE, 0, 10);
        t.onRestoreStart(p1, PhenotypeScorerTopology.PLATE_SITES_STORE, 0, 5);
        assertEquals(2, t.restoringPartitions(PhenotypeScorerTopology.PLATE_SITES_STORE));
        assertEquals(0, t.restoringPartitions(PhenotypeScorerTopology.PLATE_QC_STORE));
        t.onBatchRestored(p0, PhenotypeScorerTopology.PLATE_SITES_STORE, 10, 10);
        t.onBatchRestored(p1, PhenotypeScorerTopology.PLATE_SITES_STORE, 5, 5);
        t.onRestoreEnd(p0, PhenotypeScorerTopology.PLATE_SITES_STORE, 10);
        assertEquals(1, t.restoringPartitions(PhenotypeScorerTopology.PLATE_SITES_STORE));
        t.onRestoreSuspended(p1, PhenotypeScorerTopology.PLATE_SITES_STORE, 5);
        assertEquals(0, t.restoringPartitions(PhenotypeScorerTopology.PLATE_SITES_STORE));
        assertEquals(Map.of(PhenotypeScorerTopology.PLATE_SITES_STORE, 15L), t.restoredRecords());
        assertFalse(t.restoredRecords().containsKey(PhenotypeScorerTopology.PLATE_QC_STORE));
    }
}
