package io.phenostream.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.PlateMapEntry;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.domain.WellRole;
import io.phenostream.common.events.CompoundScore;
import io.phenostream.common.events.PlateQc;
import io.phenostream.common.events.ScoringParameters;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.synth.CompoundTruth;
import io.phenostream.common.synth.Mechanism;
import io.phenostream.common.synth.SynthPlateDesign;
import io.phenostream.scorer.plate.ExperimentScorer;
import io.phenostream.scorer.plate.PlateScorer;
import io.phenostream.scorer.plate.PlateScoring;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The scorer benchmarks' input is what their javadoc says: the synthetic screen's plate map, one record per site,
 * the extractor's feature names, effects only where the truth has them, and a plate the real scorer finalizes with
 * hits only among active compounds.
 */
class SyntheticScreenRecordsTest {

    private static final SyntheticScreenRecords PLATE =
        SyntheticScreenRecords.plate(PlateLayout.WELLS_96, 2, 4, "E1", "P1", 42);

    @Test
    void everyWellOfThePlateMapHasItsSitesWithTheExtractorsFeatures() {
        assertEquals(96 * 2, PLATE.sites.size()); // the 96-well design has no empty wells
        assertEquals(PLATE.sites.size(), PLATE.run.expectedSites());
        final Map<String, Double> template = SyntheticScreenRecords.featureTemplate();
        assertTrue(template.size() >= 40, "feature names from a real analysis: " + template.keySet());
        for (final SiteFeatures s : PLATE.sites) {
            assertEquals(template.keySet(), s.features().keySet());
            assertEquals(4, s.embedding().size());
            assertEquals(3, s.images().size());
            assertEquals(PLATE.run.runKey(), s.runKey());
        }
    }

    @Test
    void effectsFollowTheTruthAndControlsDoNotMove() {
        final String feature = SyntheticScreenRecords.featureTemplate().keySet().iterator().next(); // index 0: direction +1
        final double centre = SyntheticScreenRecords.featureTemplate().get(feature);
        final double negative = meanOf(feature, e -> e.role() == WellRole.NEGATIVE_CONTROL);
        final double positive = meanOf(feature, e -> e.role() == WellRole.POSITIVE_CONTROL);
        // negatives at the template +- noise (5 % per site, 32 sites); positives moved by 15 % of the template
        assertEquals(centre, negative, 0.03 * Math.abs(centre));
        assertEquals(1.15 * centre, positive, 0.03 * Math.abs(centre));

        final CompoundTruth inactive = SynthPlateDesign.compoundTruth(PlateLayout.WELLS_96, 42).stream()
            .filter(t -> t.mechanism() == Mechanism.INACTIVE).findFirst().orElseThrow();
        assertEquals(centre, meanOf(feature, e -> inactive.compound().equals(e.compound())), 0.03 * Math.abs(centre));
    }

    @Test
    void theRealScorerFinalizesThePlateAndCallsOnlyActiveCompoundsHits() {
        final Instant now = Instant.parse("2026-11-27T00:00:00Z");
        final PlateScoring scoring = PlateScorer.score(PLATE.run, SyntheticScreenRecords.ANALYSIS_ID,
            ScoringParameters.defaults(), PLATE.sites, now);
        assertEquals(PlateQc.Status.FINAL, scoring.qc().status());
        assertNotNull(scoring.qc().zPrime());
        final Map<String, Mechanism> mechanisms = SynthPlateDesign.compoundTruth(PlateLayout.WELLS_96, 42).stream()
            .filter(t -> !SynthPlateDesign.POSITIVE_COMPOUND.equals(t.compound())) // a control: reported, not ranked
            .collect(Collectors.toMap(CompoundTruth::compound, CompoundTruth::mechanism));
        final List<CompoundScore> scores = ExperimentScorer.score(SyntheticScreenRecords.ANALYSIS_ID, "E1",
            ScoringParameters.defaults(), List.of(scoring.plateScores()), now);
        assertEquals(mechanisms.keySet(), scores.stream().map(CompoundScore::compound).collect(Collectors.toSet()));
        for (final CompoundScore s : scores) {
            if (mechanisms.get(s.compound()) == Mechanism.INACTIVE) {
                assertTrue(!s.hit(), s.compound() + " is inactive but a hit, q=" + s.qValue());
            }
        }
        assertTrue(scores.stream().anyMatch(CompoundScore::hit), "no hit on a plate with active compounds");
    }

    private static double meanOf(final String feature, final Predicate<PlateMapEntry> wells) {
        final Map<WellId, PlateMapEntry> map = PLATE.run.plateMap().stream()
            .collect(Collectors.toMap(PlateMapEntry::well, e -> e));
        return PLATE.sites.stream().filter(s -> wells.test(map.get(s.well())))
            .mapToDouble(s -> s.features().get(feature)).average().orElseThrow();
    }
}
