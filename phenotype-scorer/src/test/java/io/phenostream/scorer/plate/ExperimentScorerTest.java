package io.phenostream.scorer.plate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.domain.WellId;
import io.phenostream.common.domain.WellRole;
import io.phenostream.common.events.CompoundScore;
import io.phenostream.common.events.ScoringParameters;
import io.phenostream.scorer.stats.FourParameterLogistic;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ExperimentScorerTest {

    private static final ScoringParameters PARAMS = ScoringParameters.defaults();
    private static final Instant NOW = Instant.parse("2024-01-02T03:04:05Z");

    private static WellScore well(final String well, final String compound, final Double conc, final WellRole role,
                                  final double score, final Double p) {
        return new WellScore(WellId.parse(well), compound, conc, "M", role, score, p, null, 100, false);
    }

    @Test
    void combinesDosesAndCompoundsByHand() {
        final PlateWellScores plate = new PlateWellScores(1, "a", "e", "P1", "r1", true, List.of(
            // A: dose 1 uM p {0.05, 0.05} -> max-p 0.05^2 = 0.0025; dose 10 uM p {0.5} -> 0.5; p = 2 * 0.0025
            well("A03", "A", 1e-6, WellRole.TREATMENT, 2.0, 0.05),
            well("A04", "A", 1e-6, WellRole.TREATMENT, 4.0, 0.05),
            well("A05", "A", 1e-5, WellRole.TREATMENT, 1.0, 0.5),
            well("B03", "B", 1e-6, WellRole.TREATMENT, 5.0, 0.2),
            well("C03", "C", 1e-6, WellRole.TREATMENT, 3.0, 0.03),
            well("A01", "DMSO", null, WellRole.NEGATIVE_CONTROL, 1.0, 0.5),
            well("B01", "DMSO", null, WellRole.NEGATIVE_CONTROL, 1.2, 0.4),
            well("A02", "POS", 1e-6, WellRole.POSITIVE_CONTROL, 9.0, 1e-9)));
        final PlateWellScores otherAnalysis = new PlateWellScores(1, "b", "e", "P1", "r1", true,
            List.of(well("A03", "Z", 1e-6, WellRole.TREATMENT, 99.0, 1e-20)));
        final List<CompoundScore> out = ExperimentScorer.score("a", "e", PARAMS, List.of(plate, otherAnalysis), NOW);
        assertEquals(List.of("B", "C", "A"), out.stream().map(CompoundScore::compound).toList(),
            "by score (5, 3, 2: A's 1 uM replicates 2 and 4 count as the lower, 2); controls are not ranked");
        final Map<String, CompoundScore> by = out.stream().collect(Collectors.toMap(CompoundScore::compound, c -> c));
        final double pA = 2 * 0.0025;
        assertEquals(pA, by.get("A").pValue(), 1e-12);
        assertEquals(0.2, by.get("B").pValue(), 1e-12);
        assertEquals(0.03, by.get("C").pValue(), 1e-12);
        // BH over {A 0.005, C 0.03, B 0.2}: A 3 * 0.005 / 1 = 0.015; C 3 * 0.03 / 2 = 0.045; B 0.2
        assertEquals(0.015, by.get("A").qValue(), 1e-12);
        assertEquals(0.045, by.get("C").qValue(), 1e-12);
        assertEquals(0.2, by.get("B").qValue(), 1e-12);
        assertTrue(by.get("A").hit());
        assertTrue(by.get("C").hit());
        assertFalse(by.get("B").hit());
        assertEquals(1, by.get("B").rank());
        assertEquals(2.0, by.get("A").score(), 0.0, "max over doses of the lower median of the replicates");
        assertEquals(3, by.get("A").nWells());
        // Without compound-axis scores the fit's readout is the activity score, one value per well of a dose.
        assertEquals(List.of(new CompoundScore.DosePoint(1e-6, 3.0, Double.NaN, 2, List.of(2.0, 4.0)),
            new CompoundScore.DosePoint(1e-5, 1.0, Double.NaN, 1, List.of(1.0))), by.get("A").doses());
        assertEquals(FourParameterLogistic.TOO_FEW_DOSES, by.get("A").fit().status());
        assertNull(by.get("A").fit().ec50());
        assertEquals(2.0 - 1.1, by.get("A").maxEffect(), 1e-12, "best dose activity minus the negatives' mean score");
        assertEquals(List.of("P1"), by.get("A").plates());
        assertTrue(by.get("A").finalResult());
        assertEquals(NOW.toString(), by.get("A").updatedAt());
    }

    @Test
    void oneAberrantReplicateDoesNotMakeAHit() {
        final List<WellScore> wells = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            final double dose = Math.pow(3, -i) * 3e-5;
            // OUTLIER: one replicate of its lowest dose is wildly off (a blurred or contaminated well).
            wells.add(well(WellId.of(i, 3).toString(), "OUTLIER", dose, WellRole.TREATMENT, i == 5 ? 80.0 : 1.0,
                i == 5 ? 1e-100 : 0.4));
            wells.add(well(WellId.of(i, 4).toString(), "OUTLIER", dose, WellRole.TREATMENT, 1.1, 0.35));
            wells.add(well(WellId.of(i, 5).toString(), "REAL", dose, WellRole.TREATMENT, i < 3 ? 6.0 : 1.0,
                i < 3 ? 1e-8 : 0.5));
            wells.add(well(WellId.of(i, 6).toString(), "REAL", dose, WellRole.TREATMENT, i < 3 ? 5.0 : 1.2,
                i < 3 ? 1e-7 : 0.45));
        }
        final List<CompoundScore> out = ExperimentScorer.score("a", "e", PARAMS,
            List.of(new PlateWellScores(1, "a", "e", "P1", "r1", true, wells)), NOW);
        final Map<String, CompoundScore> by = out.stream().collect(Collectors.toMap(CompoundScore::compound, c -> c));
        assertEquals(1, by.get("REAL").rank());
        assertTrue(by.get("REAL").hit());
        assertFalse(by.get("OUTLIER").hit(), "q " + by.get("OUTLIER").qValue());
        assertEquals(1.1, by.get("OUTLIER").score(), 1e-12);
    }

    @Test
    void rejectsPlatesOfAnotherExperiment() {
        final PlateWellScores plate = new PlateWellScores(1, "a", "other", "P9", "r1", true, List.of());
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ExperimentScorer.score("a", "e", PARAMS, List.of(plate), NOW));
        assertTrue(e.getMessage().contains("P9") && e.getMessage().contains("other"), e.getMessage());
    }

    @Test
    void strongActiveIsTheTopHitAcrossTwoPlatesAndInactivesAreNot() {
        final SyntheticPlate p1 = new SyntheticPlate("P1", 21);
        final SyntheticPlate p2 = new SyntheticPlate("P2", 22);
        final PlateWellScores s1 = PlateScorer.score(p1.run, SyntheticPlate.ANALYSIS, PARAMS, p1.sites, NOW).plateScores();
        // the second plate is still running: the sites of well H11 (IND) are missing
        final PlateWellScores s2 = PlateScorer.score(p2.run, SyntheticPlate.ANALYSIS, PARAMS,
            p2.sites.stream().filter(x -> !x.well().equals(WellId.parse("H11"))).toList(), NOW).plateScores();
        final List<CompoundScore> out = ExperimentScorer.score(SyntheticPlate.ANALYSIS, SyntheticPlate.EXPERIMENT,
            PARAMS, List.of(s1, s2), NOW);
        assertEquals(5, out.size());
        final CompoundScore act = out.get(0);
        assertEquals("ACT", act.compound());
        assertEquals(1, act.rank());
        assertTrue(act.qValue() < 0.05, "q " + act.qValue());
        assertTrue(act.hit());
        assertEquals(32, act.nWells());
        assertEquals(8, act.doses().size());
        assertEquals(List.of("P1", "P2"), act.plates());
        assertTrue(act.doses().get(7).meanScore() > act.doses().get(0).meanScore() + 1.5);
        assertTrue(act.doses().get(7).meanControlAxisScore() > 0.5, "ACT moves along the control axis");
        assertEquals(FourParameterLogistic.OK, act.fit().status());
        assertTrue(act.fit().ec50() > 1e-8 && act.fit().ec50() < 1e-6, "EC50 " + act.fit().ec50());
        // Fitted on the compound's own axis; every well's readout is kept with its dose, for the plot.
        assertEquals(CompoundScore.DoseResponseFit.COMPOUND_AXIS, act.fit().readout());
        assertEquals(32, act.doses().stream().mapToInt(d -> d.fitReadouts().size()).sum());
        assertTrue(act.doses().get(7).fitReadouts().stream().mapToDouble(Double::doubleValue).average()
            .orElseThrow() > 0.5, "the top dose is near its own phenotype (1) on the compound axis");
        assertTrue(act.maxEffect() > 1.5);
        for (final CompoundScore c : out.subList(1, out.size())) {
            assertTrue(c.compound().startsWith("IN"), c.compound());
            assertFalse(c.hit(), c.compound() + " q " + c.qValue());
            assertTrue(c.qValue() >= 0.05);
        }
        // IND sits in column 11 on both plates; H11 of P2 has no sites yet
        final CompoundScore ind = out.stream().filter(c -> "IND".equals(c.compound())).findFirst().orElseThrow();
        assertEquals(15, ind.nWells());
        assertFalse(ind.finalResult(), "P2 is not final");
        assertFalse(act.finalResult(), "P2 is not final");
    }
}
