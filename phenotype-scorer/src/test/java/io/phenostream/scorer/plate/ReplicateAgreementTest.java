package io.phenostream.scorer.plate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.domain.WellRole;
import io.phenostream.common.events.CompoundScore;
import io.phenostream.common.events.ScoringParameters;
import io.phenostream.scorer.stats.MeanAveragePrecision;
import io.phenostream.scorer.stats.MeanAveragePrecision.Query;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ReplicateAgreementTest {

    private static final double MC = 4 * Math.sqrt(0.25 / MeanAveragePrecision.NULL_SIZE);

    /**
     * The tiny example of {@code MeanAveragePrecisionTest} laid out as a plate: wells 0-2 compound A
     * (APs 0.75, 0.75, 0.5 of 2 positives among 5), 3-5 negatives, 6 compound B alone (no positive), 7 a third A
     * well without data (ignored), 8 a positive control (neither query nor reference).
     */
    @Test
    void perWellOnOnePlate() {
        final double[][] profiles = {
            {3, 4}, {4, 3}, {1, -1}, {1, 0}, {0, 1}, {-1, -1}, {5, 5}, {Double.NaN, Double.NaN}, {-3, -4}};
        final String[] compound = {"A", "A", "A", "DMSO", "DMSO", "DMSO", "B", "A", "POS"};
        final boolean[] treatment = {true, true, true, false, false, false, true, true, false};
        final boolean[] hasData = {true, true, true, true, true, true, true, false, true};
        final Query[] ap = ReplicateAgreement.wells(profiles, compound, treatment, new int[] {3, 4, 5}, hasData);
        assertEquals(new Query(0.75, 2, 5), ap[0]);
        assertEquals(new Query(0.75, 2, 5), ap[1]);
        assertEquals(0.5, ap[2].averagePrecision(), 1e-15);
        for (final int i : new int[] {3, 4, 5, 6, 7, 8}) {
            assertNull(ap[i], "well " + i);
        }
        // without negatives with data nothing has an AP
        final Query[] none = ReplicateAgreement.wells(profiles, compound, treatment, new int[] {3, 4, 5},
            new boolean[] {true, true, true, false, false, false, true, true, true});
        assertNull(none[0]);
    }

    @Test
    void perCompoundMapPValueAndBenjaminiHochberg() {
        final TreeMap<String, List<Query>> queries = new TreeMap<>();
        // A: mAP 2/3, p = 0.4 (see MeanAveragePrecisionTest)
        queries.put("A", List.of(new Query(0.75, 2, 5), new Query(0.75, 2, 5), new Query(0.5, 2, 5)));
        // C: one positive among 2 ranked first by both queries: p = P(AP = 1) = 1/2 (shared null sample)
        queries.put("C", List.of(new Query(1.0, 1, 2), new Query(1.0, 1, 2)));
        final Map<String, ReplicateAgreement.Agreement> out = ReplicateAgreement.compounds(queries);
        assertEquals(List.of("A", "C"), List.copyOf(out.keySet()));
        final ReplicateAgreement.Agreement a = out.get("A");
        final ReplicateAgreement.Agreement c = out.get("C");
        assertEquals(2.0 / 3, a.map(), 1e-15);
        assertEquals(3, a.queries());
        assertEquals(0.4, a.pValue(), MC);
        assertEquals(1.0, c.map(), 0.0);
        assertEquals(0.5, c.pValue(), MC);
        // BH over {0.4, 0.5}: q_A = min(0.4 * 2 / 1, q_C) = q_C = 0.5 * 2 / 2
        assertEquals(c.pValue(), a.qValue(), 0.0);
        assertEquals(c.pValue(), c.qValue(), 0.0);
    }

    /**
     * On the synthetic 96-well plate (ACT active over its upper doses, INA..IND pure noise) the scorer carries
     * each treatment well's replicate AP into the experiment stage: ACT's mAP is far above chance and significant
     * after BH, the inactive compounds' are not.
     */
    @Test
    void syntheticPlateEndToEnd() {
        final SyntheticPlate plate = new SyntheticPlate("P1", 1);
        final PlateScoring s = PlateScorer.score(plate.run, SyntheticPlate.ANALYSIS, ScoringParameters.defaults(),
            plate.sites, Instant.EPOCH);
        for (final WellScore w : s.plateScores().wells()) {
            if (w.role() == WellRole.TREATMENT) {
                assertNotNull(w.replicateAp(), w.well().toString());
                // ACT and INA..INC: 15 other wells; IND: 7; all against the 16 negatives
                final int others = "IND".equals(w.compound()) ? 7 : 15;
                assertEquals(others, w.replicateAp().positives(), w.well().toString());
                assertEquals(others + 16, w.replicateAp().total(), w.well().toString());
            } else {
                assertNull(w.replicateAp(), w.well().toString());
            }
        }
        final List<CompoundScore> scores = ExperimentScorer.score(SyntheticPlate.ANALYSIS, SyntheticPlate.EXPERIMENT,
            ScoringParameters.defaults(), List.of(s.plateScores()), Instant.EPOCH);
        final Map<String, CompoundScore> by = scores.stream()
            .collect(Collectors.toMap(CompoundScore::compound, c -> c));
        final CompoundScore act = by.get("ACT");
        // chance level (mean null AP) for 15 positives among 31 is 0.54; ACT's upper doses retrieve each other first
        assertTrue(act.replicateMap() > 0.7, "ACT mAP " + act.replicateMap());
        assertTrue(act.replicateMapQValue() < 0.05, "ACT q " + act.replicateMapQValue());
        for (final String inactive : List.of("INA", "INB", "INC", "IND")) {
            final CompoundScore c = by.get(inactive);
            assertTrue(c.replicateMap() < act.replicateMap(), inactive + " mAP " + c.replicateMap());
            assertTrue(c.replicateMapQValue() > 0.05, inactive + " q " + c.replicateMapQValue());
        }
    }

    @Test
    void wellScoresCarryTheApThroughTheRepartitionTopicAndOldRecordsStillRead() {
        final WellScore withAp = new WellScore(io.phenostream.common.domain.WellId.parse("A03"), "X", 1e-6, "M",
            WellRole.TREATMENT, 2.0, 0.01, null, 100, false, 0.5, new Query(0.8125, 11, 27));
        final PlateWellScores plate = new PlateWellScores(1, "a", "e", "P1", "r1", true, List.of(withAp));
        final var serde = io.phenostream.scorer.PhenotypeScorerTopology.plateWellScoresSerde();
        final byte[] bytes = serde.serializer().serialize("t", plate);
        assertEquals(plate, serde.deserializer().deserialize("t", bytes));
        final String json = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(json.contains("\"replicateAp\":{\"averagePrecision\":0.8125,\"positives\":11,\"total\":27}"),
            json);
        // A record written before the field existed.
        final String old = json.replace(",\"replicateAp\":{\"averagePrecision\":0.8125,\"positives\":11,\"total\":27}",
            "");
        assertTrue(!old.contains("replicateAp"), old);
        final PlateWellScores back = serde.deserializer().deserialize("t",
            old.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertNull(back.wells().get(0).replicateAp());
        assertEquals(0.5, back.wells().get(0).compoundAxisScore());
    }

    @Test
    void wellsWithoutAnApLeaveTheCompoundFieldsNull() {
        final PlateWellScores plate = new PlateWellScores(1, "a", "e", "P1", "r1", true, List.of(
            new WellScore(io.phenostream.common.domain.WellId.parse("A03"), "X", 1e-6, "M", WellRole.TREATMENT, 2.0,
                0.01, null, 100, false)));
        final CompoundScore x = ExperimentScorer.score("a", "e", ScoringParameters.defaults(), List.of(plate),
            Instant.EPOCH).get(0);
        assertNull(x.replicateMap());
        assertNull(x.replicateMapPValue());
        assertNull(x.replicateMapQValue());
    }
}
