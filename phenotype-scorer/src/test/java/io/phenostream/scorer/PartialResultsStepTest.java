package io.phenostream.scorer;

import static io.phenostream.scorer.PhenotypeScorerTopologyTest.AID;
import static io.phenostream.scorer.PhenotypeScorerTopologyTest.TICK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.events.CompoundScore;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.PlateQc;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.events.ScoringParameters;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.events.WellProfile;
import io.phenostream.common.kafka.Topics;
import io.phenostream.scorer.plate.PlateScorer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Partial well profiles are emitted per block of sites, not per punctuation; the final results do not change. */
class PartialResultsStepTest {

    @TempDir
    Path stateDir;

    private static PlateQc qc(final int seen, final int expected, final PlateQc.Status status) {
        return new PlateQc(1, AID, "E1", "P1", "r1", null, null, 0, 0, 0, seen, expected, 0, 0, status, List.of(),
            "2026-11-27T00:00:00Z");
    }

    @Test
    void dueOncePerBlockOfExpectedSitesAndAlwaysWhenFinal() {
        final PlateQc.Status running = PlateQc.Status.RUNNING;
        // 96 expected, step 0.1: blocks of ceil(9.6) = 10 sites.
        assertTrue(PlateScoringProcessor.partialResultsDue(null, qc(1, 96, running), 0.1), "first result");
        assertFalse(PlateScoringProcessor.partialResultsDue(qc(1, 96, running), qc(9, 96, running), 0.1));
        assertTrue(PlateScoringProcessor.partialResultsDue(qc(9, 96, running), qc(10, 96, running), 0.1));
        assertFalse(PlateScoringProcessor.partialResultsDue(qc(10, 96, running), qc(19, 96, running), 0.1));
        assertTrue(PlateScoringProcessor.partialResultsDue(qc(19, 96, running), qc(35, 96, running), 0.1),
            "several blocks at once: one update");
        assertTrue(PlateScoringProcessor.partialResultsDue(qc(96, 96, running), qc(96, 96, PlateQc.Status.FINAL), 0.1),
            "final, same sites");
        assertTrue(PlateScoringProcessor.partialResultsDue(qc(96, 96, PlateQc.Status.FINAL),
            qc(96, 96, PlateQc.Status.FINAL), 0.1), "rescored after final (a re-extracted site)");
        assertTrue(PlateScoringProcessor.partialResultsDue(qc(1, 96, running), qc(2, 96, running), 0),
            "step 0: every rescoring");
        // Fewer expected sites than 1 / step: every site is its own block.
        assertTrue(PlateScoringProcessor.partialResultsDue(qc(1, 4, running), qc(2, 4, running), 0.1));
    }

    @Test
    void progressCountsAsAScoringDoesAndKeepsTheScoredFigures() {
        final PlateRun run = PhenotypeScorerTopologyTest.plate("P1");
        final List<SiteFeatures> all = PhenotypeScorerTopologyTest.sitesOf(run, 3);
        final ScoringParameters params = all.get(0).analysis().scoring();
        final Instant t = Instant.parse("2026-11-27T00:00:00Z");
        final PlateQc scoredEarlier = PlateScorer.score(run, AID, params, all.subList(0, 20), t).qc();
        final List<SiteFeatures> now = all.subList(0, 31);
        final PlateQc scored = PlateScorer.score(run, AID, params, now, t).qc();
        final PlateQc progress = PlateScorer.progress(run, AID, params, now, scoredEarlier, t);
        assertEquals(scored.sitesSeen(), progress.sitesSeen());
        assertEquals(scored.sitesFailed(), progress.sitesFailed());
        assertEquals(scored.sitesExcluded(), progress.sitesExcluded());
        assertEquals(scored.nCells(), progress.nCells());
        assertEquals(scored.nWells(), progress.nWells());
        assertEquals(scored.nWellsExpected(), progress.nWellsExpected());
        assertEquals(scored.status(), progress.status());
        assertEquals(scoredEarlier.zPrime(), progress.zPrime());
        assertEquals(scoredEarlier.ssmd(), progress.ssmd());
        assertEquals(31, progress.sitesSeen());
    }

    /** Sites one at a time, a punctuation after each: what a plate imaged slowly looks like to the scorer. */
    private Outputs runSiteBySite(final double step, final String dir) {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "scorer-step-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(dir).toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(
            PhenotypeScorerTopology.createTopology("", TICK, step), props)) {
            final var runs = driver.createInputTopic(Topics.PLATE_RUNS, new StringSerializer(), EventSerdes.plateRun());
            final var sites = driver.createInputTopic(Topics.SITE_FEATURES, new StringSerializer(),
                EventSerdes.siteFeatures());
            final var wells = driver.createOutputTopic(Topics.WELL_PROFILES, new StringDeserializer(),
                EventSerdes.wellProfile());
            final var qcs = driver.createOutputTopic(Topics.PLATE_QC, new StringDeserializer(), EventSerdes.plateQc());
            final var compounds = driver.createOutputTopic(Topics.COMPOUND_SCORES, new StringDeserializer(),
                EventSerdes.compoundScore());
            final PlateRun run = PhenotypeScorerTopologyTest.plate("P1");
            runs.pipeInput(run.runKey(), run);
            for (final SiteFeatures s : PhenotypeScorerTopologyTest.sitesOf(run, 7)) {
                sites.pipeInput(s.runKey(), s);
                driver.advanceWallClockTime(TICK);
            }
            driver.advanceWallClockTime(TICK);
            final List<KeyValue<String, WellProfile>> wellRecords = wells.readKeyValuesToList();
            final Map<String, WellProfile> lastWells = new LinkedHashMap<>();
            wellRecords.forEach(kv -> lastWells.put(kv.key, kv.value));
            final List<PlateQc> qcRecords = new ArrayList<>(qcs.readValuesToList());
            return new Outputs(wellRecords.size(), lastWells, qcRecords, compounds.readKeyValuesToMap(),
                run.expectedSites());
        }
    }

    private record Outputs(int wellRecords, Map<String, WellProfile> lastWells, List<PlateQc> qcRecords,
                           Map<String, CompoundScore> compounds, int sites) {
    }

    @Test
    void aSlowPlateWritesFewWellRowsAndTheSameFinalResults() {
        final Outputs everyTick = runSiteBySite(0, "every");
        final Outputs stepped = runSiteBySite(0.1, "stepped");
        final int wellsPerPlate = everyTick.lastWells().size();
        assertEquals(48, wellsPerPlate);
        assertEquals(48, everyTick.sites());
        // A rescoring emits the wells seen so far. Step 0: after each site k, k wells (1 + 2 + ... + 48 = 1176).
        // Step 0.1 (blocks of ceil(4.8) = 5 sites): after sites 1, 5, 10, ... 45 and the final 48: 274.
        assertEquals(48 * 49 / 2, everyTick.wellRecords());
        assertEquals(1 + 5 + 10 + 15 + 20 + 25 + 30 + 35 + 40 + 45 + 48, stepped.wellRecords());
        // Plate QC still follows every site, counted without scoring between the blocks.
        assertEquals(everyTick.qcRecords().size(), stepped.qcRecords().size());
        assertEquals(everyTick.qcRecords().stream().map(PlateQc::sitesSeen).toList(),
            stepped.qcRecords().stream().map(PlateQc::sitesSeen).toList());
        assertEquals(everyTick.qcRecords().stream().map(PlateQc::nCells).toList(),
            stepped.qcRecords().stream().map(PlateQc::nCells).toList());
        assertEquals(everyTick.qcRecords().stream().map(PlateQc::nWells).toList(),
            stepped.qcRecords().stream().map(PlateQc::nWells).toList());
        // Z' moves only with a scoring: at most 11 values (scorings) where every site gave a new one.
        final long steppedValues = stepped.qcRecords().stream().map(PlateQc::zPrime).distinct().count();
        final long everyValues = everyTick.qcRecords().stream().map(PlateQc::zPrime).distinct().count();
        assertTrue(steppedValues <= 11, stepped.qcRecords().stream().map(PlateQc::zPrime).toList().toString());
        assertTrue(everyValues > steppedValues, everyValues + " vs " + steppedValues);
        final PlateQc lastStepped = stepped.qcRecords().get(stepped.qcRecords().size() - 1);
        final PlateQc lastEvery = everyTick.qcRecords().get(everyTick.qcRecords().size() - 1);
        assertEquals(PlateQc.Status.FINAL, lastStepped.status());
        assertEquals(lastEvery.zPrime(), lastStepped.zPrime());
        assertEquals(lastEvery.flags(), lastStepped.flags());
        // The final well profiles and compound scores are the same, field for field (timestamps aside).
        assertEquals(withoutTimes(everyTick.lastWells(), EventSerdes.wellProfile()),
            withoutTimes(stepped.lastWells(), EventSerdes.wellProfile()));
        assertEquals(2, everyTick.compounds().size(), everyTick.compounds().keySet().toString()); // ACTIVE, INERT
        assertEquals(withoutTimes(everyTick.compounds(), EventSerdes.compoundScore()),
            withoutTimes(stepped.compounds(), EventSerdes.compoundScore()));
    }

    /** Each record's JSON without its {@code updatedAt} (the drivers' wall clocks differ). */
    private static <T> Map<String, String> withoutTimes(final Map<String, T> records, final Serde<T> serde) {
        final Map<String, String> out = new LinkedHashMap<>();
        records.forEach((k, v) -> out.put(k, new String(serde.serializer().serialize("t", v), StandardCharsets.UTF_8)
            .replaceAll("\"updatedAt\":\"[^\"]*\"", "")));
        return out;
    }
}
