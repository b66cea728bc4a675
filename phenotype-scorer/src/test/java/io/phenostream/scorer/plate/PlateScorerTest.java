package io.phenostream.scorer.plate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.PlateMapEntry;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.domain.WellRole;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.PlateQc;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.events.ScoringParameters;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.events.SiteQc;
import io.phenostream.common.events.WellProfile;
import io.phenostream.common.json.Json;
import io.phenostream.scorer.stats.AssayQuality;
import io.phenostream.scorer.stats.NullDistribution;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PlateScorerTest {

    private static final ScoringParameters PARAMS = ScoringParameters.defaults();
    private static final Instant NOW = Instant.parse("2024-01-02T03:04:05Z");
    private static final double EPS = PARAMS.madEpsilon();

    // ---- a hand-computed plate: 3 negatives (x = 1, 2, 4), one treatment (x = 10), one empty well ----

    private static PlateRun tinyRun() {
        final List<PlateMapEntry> map = List.of(
            new PlateMapEntry(WellId.parse("A01"), "DMSO", null, "", WellRole.NEGATIVE_CONTROL, null),
            new PlateMapEntry(WellId.parse("A02"), "DMSO", null, "", WellRole.NEGATIVE_CONTROL, null),
            new PlateMapEntry(WellId.parse("A03"), "DMSO", null, "", WellRole.NEGATIVE_CONTROL, null),
            new PlateMapEntry(WellId.parse("B01"), "CPD", 1e-6, "M", WellRole.TREATMENT, null),
            new PlateMapEntry(WellId.parse("B02"), "", null, "", WellRole.EMPTY, null));
        return new PlateRun(1, "e", "p", "r", PlateLayout.WELLS_96, List.of("dna"), "dna", null, 1, 5, map, "t", "t", false);
    }

    private static SiteFeatures tinySite(final String well, final Map<String, Double> features) {
        return new SiteFeatures(1, "a", AnalysisSpec.classicalDefaults(), "e", "p", "r", WellId.parse(well), 1,
            SiteFeatures.Status.OK, null, 50, features, new SiteQc(1.0, 0, List.of()), List.of(), null, "t");
    }

    private static List<SiteFeatures> tinySites(final boolean withZeroMadFeature) {
        final List<SiteFeatures> sites = new ArrayList<>();
        final String[] wells = {"A01", "A02", "A03", "B01", "B02"};
        final double[] x = {1, 2, 4, 10, 99};
        for (int i = 0; i < wells.length; i++) {
            final Map<String, Double> f = new java.util.HashMap<>(Map.of("x", x[i], "const", 5.0));
            if (withZeroMadFeature) {
                f.put("zero_mad", i == 3 ? 1.0 : 0.0);
            }
            sites.add(tinySite(wells[i], f));
        }
        return sites;
    }

    private static Map<String, WellProfile> byWell(final PlateScoring s) {
        return s.wells().stream().collect(Collectors.toMap(w -> w.well().toString(), w -> w));
    }

    @Test
    void normalizesAndScoresByHand() {
        final PlateScoring s = PlateScorer.score(tinyRun(), "a", PARAMS, tinySites(false), NOW);
        final Map<String, WellProfile> w = byWell(s);
        assertEquals(4, w.size(), "the empty well is not scored");
        // plate-wide: median_neg 2, MAD_neg median(|{1,2,4} - 2|) = median{1,0,2} = 1
        final double scale = 1.4826 + EPS;
        assertEquals(8.0 / scale, w.get("B01").normalized().get("x"), 1e-9);
        assertEquals(-1.0 / scale, w.get("A01").normalized().get("x"), 1e-9);
        assertFalse(w.get("B01").normalized().containsKey("const"), "constant everywhere: dropped");
        assertEquals(10.0, w.get("B01").features().get("x"), 0.0);
        // leave-one-out normalized negatives: A01 vs {2,4}: med 3, MAD 1; A02 vs {1,4}: med 2.5, MAD 1.5;
        // A03 vs {1,2}: med 1.5, MAD 0.5
        final double n01 = -2.0 / scale;
        final double n02 = -0.5 / (1.4826 * 1.5 + EPS);
        final double n03 = 2.5 / (1.4826 * 0.5 + EPS);
        // One feature: the shrinkage covariance is the negatives' (population) variance, so the activity is the
        // distance from their mean in their standard deviations, sqrt(D^2 / d) with d = 1.
        final double mean = (n01 + n02 + n03) / 3;
        final double sd = Math.sqrt(((n01 - mean) * (n01 - mean) + (n02 - mean) * (n02 - mean)
            + (n03 - mean) * (n03 - mean)) / 3);
        final double b01 = Math.abs(8.0 / scale - mean) / sd;
        assertEquals(b01, w.get("B01").score(), 1e-9);
        // a negative against the other two: |x - their mean| / (half their spread)
        final double a01 = Math.abs(n01 - (n02 + n03) / 2) / (Math.abs(n02 - n03) / 2);
        final double a02 = Math.abs(n02 - (n01 + n03) / 2) / (Math.abs(n01 - n03) / 2);
        final double a03 = Math.abs(n03 - (n01 + n02) / 2) / (Math.abs(n01 - n02) / 2);
        assertEquals(a01, w.get("A01").score(), 1e-9);
        assertEquals(a02, w.get("A02").score(), 1e-9);
        assertEquals(a03, w.get("A03").score(), 1e-9);
        // the treatment against the LOO null {a01, a02, a03}; a negative's own null has 2 scores: no p
        final double expectedP = NullDistribution.of(new double[] {a01, a02, a03}).parametricPValue(b01);
        assertEquals(expectedP, w.get("B01").pValue(), 1e-12);
        assertNull(w.get("A01").pValue());
        assertNull(w.get("B01").controlAxisScore(), "no positive controls");
        final PlateQc qc = s.qc();
        assertEquals(PlateQc.Status.FINAL, qc.status(), "5 of 5 expected sites, the empty well's included");
        assertEquals(5, qc.sitesSeen());
        assertEquals(4, qc.nWells());
        assertEquals(4, qc.nWellsExpected());
        assertEquals(200, qc.nCells(), "sites in EMPTY wells are not used");
        assertTrue(qc.flags().contains(PlateScorer.FEW_NEGATIVE_CONTROLS));
        assertTrue(qc.flags().contains(PlateScorer.NO_POSITIVE_CONTROLS));
        assertNull(qc.zPrime());
    }

    @Test
    void featureConstantInNegativesButVaryingElsewhereIsKeptWithEpsilon() {
        final Map<String, WellProfile> w = byWell(PlateScorer.score(tinyRun(), "a", PARAMS, tinySites(true), NOW));
        assertEquals(1.0 / EPS, w.get("B01").normalized().get("zero_mad"), 1e-3);
        assertEquals(0.0, w.get("A01").normalized().get("zero_mad"), 0.0);
    }

    // ---- the synthetic 96-well plate ----

    @Test
    void activesScoreHigherThanNegatives() {
        final SyntheticPlate plate = new SyntheticPlate("P1", 1);
        final PlateScoring s = PlateScorer.score(plate.run, SyntheticPlate.ANALYSIS, PARAMS, plate.sites, NOW);
        assertEquals(96, s.wells().size());
        final double maxNegative = s.wells().stream().filter(w -> w.role() == WellRole.NEGATIVE_CONTROL)
            .mapToDouble(WellProfile::score).max().orElseThrow();
        final List<WellProfile> actTop = s.wells().stream()
            .filter(w -> "ACT".equals(w.compound()) && w.concentration() > 2e-7).toList();
        assertEquals(6, actTop.size());
        for (final WellProfile w : actTop) {
            assertTrue(w.score() > maxNegative, w.well() + " " + w.score() + " <= " + maxNegative);
            assertTrue(w.pValue() < 1e-3, w.well() + " p " + w.pValue());
        }
        // dose-dependent: the mean score rises from the lowest to the highest dose
        final double low = mean(s.wells(), "ACT", 1e-9);
        final double high = mean(s.wells(), "ACT", 1e-9 * Math.pow(10, 3.5));
        assertTrue(high > low + 1.5, low + " vs " + high);
        final double minPositive = s.wells().stream().filter(w -> w.role() == WellRole.POSITIVE_CONTROL)
            .mapToDouble(WellProfile::score).min().orElseThrow();
        assertTrue(minPositive > maxNegative);
    }

    private static double mean(final List<WellProfile> wells, final String compound, final double dose) {
        return wells.stream().filter(w -> compound.equals(w.compound()) && Math.abs(w.concentration() - dose) < dose * 1e-9)
            .mapToDouble(WellProfile::score).average().orElseThrow();
    }

    @Test
    void controlAxisAndZPrime() {
        final SyntheticPlate plate = new SyntheticPlate("P1", 2);
        final PlateScoring s = PlateScorer.score(plate.run, SyntheticPlate.ANALYSIS, PARAMS, plate.sites, NOW);
        final double[] pos = s.wells().stream().filter(w -> w.role() == WellRole.POSITIVE_CONTROL)
            .mapToDouble(WellProfile::controlAxisScore).toArray();
        final double[] neg = s.wells().stream().filter(w -> w.role() == WellRole.NEGATIVE_CONTROL)
            .mapToDouble(WellProfile::controlAxisScore).toArray();
        assertEquals(1.0, java.util.Arrays.stream(pos).average().orElseThrow(), 0.15);
        assertEquals(0.0, java.util.Arrays.stream(neg).average().orElseThrow(), 0.1);
        // Z' and SSMD are those of the cross-fitted control-axis scores the wells report
        assertEquals(AssayQuality.zPrime(pos, neg), s.qc().zPrime(), 1e-12);
        assertEquals(AssayQuality.ssmd(pos, neg), s.qc().ssmd(), 1e-12);
        // separation 3 per feature on 20 features against well noise ~0.7: a good assay
        assertTrue(s.qc().zPrime() > 0.5 && s.qc().zPrime() < 1.0, "Z' " + s.qc().zPrime());
        assertTrue(s.qc().ssmd() > 5, "SSMD " + s.qc().ssmd());
        assertFalse(s.qc().flags().contains(PlateScorer.LOW_Z_PRIME));
        assertFalse(s.qc().flags().contains(PlateScorer.FEW_NEGATIVE_CONTROLS));
    }

    @Test
    void weakPositivesGiveALowZPrime() {
        final SyntheticPlate plate = new SyntheticPlate("P1", 2, 0.3);
        final PlateQc qc = PlateScorer.score(plate.run, SyntheticPlate.ANALYSIS, PARAMS, plate.sites, NOW).qc();
        assertTrue(qc.zPrime() < 0.5, "Z' " + qc.zPrime());
        assertTrue(qc.flags().contains(PlateScorer.LOW_Z_PRIME));
    }

    @Test
    void negativePValuesAreRoughlyUniform() {
        final List<Double> p = new ArrayList<>();
        for (long seed = 10; seed < 20; seed++) {
            final SyntheticPlate plate = new SyntheticPlate("P" + seed, seed);
            PlateScorer.score(plate.run, SyntheticPlate.ANALYSIS, PARAMS, plate.sites, NOW).wells().stream()
                .filter(w -> w.role() == WellRole.NEGATIVE_CONTROL).forEach(w -> p.add(w.pValue()));
        }
        assertEquals(160, p.size());
        final double mean = p.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        final double belowTenth = p.stream().filter(v -> v < 0.1).count() / (double) p.size();
        final double belowHalf = p.stream().filter(v -> v < 0.5).count() / (double) p.size();
        assertEquals(0.5, mean, 0.08, "mean p of negatives");
        assertEquals(0.1, belowTenth, 0.07, "fraction of negatives below 0.1");
        assertEquals(0.5, belowHalf, 0.12, "fraction of negatives below 0.5");
    }

    @Test
    void runningWithMissingSitesThenFinal() {
        final SyntheticPlate plate = new SyntheticPlate("P1", 3);
        final List<SiteFeatures> half = plate.sites.subList(0, plate.sites.size() / 2);
        final PlateScoring partial = PlateScorer.score(plate.run, SyntheticPlate.ANALYSIS, PARAMS, half, NOW);
        assertEquals(PlateQc.Status.RUNNING, partial.qc().status());
        assertEquals(96, partial.qc().sitesSeen());
        assertEquals(192, partial.qc().sitesExpected());
        assertFalse(partial.plateScores().finalResult());
        assertTrue(partial.wells().stream().noneMatch(WellProfile::finalResult));
        assertEquals(48, partial.qc().nWells());

        final PlateScoring full = PlateScorer.score(plate.run, SyntheticPlate.ANALYSIS, PARAMS, plate.sites, NOW);
        assertEquals(PlateQc.Status.FINAL, full.qc().status());
        assertEquals(192, full.qc().sitesSeen());
        assertEquals(96, full.qc().nWells());
        assertEquals(96, full.qc().nWellsExpected());
        assertTrue(full.plateScores().finalResult());
        assertTrue(full.wells().stream().allMatch(WellProfile::finalResult));
        assertEquals(plate.sites.stream().mapToLong(SiteFeatures::cellCount).sum(), full.qc().nCells());
        assertEquals(NOW.toString(), full.qc().updatedAt());
    }

    @Test
    void duplicateSiteKeysAreCountedOnceAndTheLatestWins() {
        final SyntheticPlate plate = new SyntheticPlate("P1", 4);
        final WellId a05 = WellId.parse("A05");
        final SiteFeatures redelivered = plate.site(a05, 1, SiteFeatures.Status.OK, 100,
            Map.of("f00", 7.0), 1.0, "2024-01-01T00:00:09Z");
        final SiteFeatures stale = plate.site(a05, 1, SiteFeatures.Status.OK, 100,
            Map.of("f00", -7.0), 1.0, "2024-01-01T00:00:00Z");
        final List<SiteFeatures> sites = new ArrayList<>(plate.sites);
        sites.add(redelivered);
        sites.add(stale);
        final PlateScoring s = PlateScorer.score(plate.run, SyntheticPlate.ANALYSIS, PARAMS, sites, NOW);
        assertEquals(192, s.qc().sitesSeen());
        final WellProfile w = byWell(s).get("A05");
        assertEquals(2, w.sitesSeen());
        final double site2 = plate.sites.stream().filter(x -> x.well().equals(a05) && x.site() == 2).findFirst()
            .orElseThrow().features().get("f00");
        assertEquals((7.0 + site2) / 2, w.features().get("f00"), 1e-12, "median of the latest site 1 and site 2");
        assertEquals(1, w.features().get("f01") == null ? 0 : 1, "site 2 still provides f01");
    }

    @Test
    void failedAndOutOfFocusSitesAreSeenButNotUsed() {
        final SyntheticPlate plate = new SyntheticPlate("P1", 5);
        final List<SiteFeatures> sites = new ArrayList<>();
        final WellId b05 = WellId.parse("B05");
        final WellId c05 = WellId.parse("C05");
        for (final SiteFeatures s : plate.sites) {
            if (s.well().equals(b05) && s.site() == 1) {
                sites.add(plate.site(b05, 1, SiteFeatures.Status.FAILED, 0, Map.of(), 1.0, "t"));
            } else if (s.well().equals(c05) && s.site() == 1) {
                // focus 0.2 < 0.25 * median (~1.0): blurred
                sites.add(plate.site(c05, 1, SiteFeatures.Status.OK, 40, Map.of("f00", 100.0), 0.2, "t"));
            } else {
                sites.add(s);
            }
        }
        final PlateScoring s = PlateScorer.score(plate.run, SyntheticPlate.ANALYSIS, PARAMS, sites, NOW);
        assertEquals(PlateQc.Status.FINAL, s.qc().status(), "failed sites count as seen");
        assertEquals(1, s.qc().sitesFailed());
        assertEquals(1, s.qc().sitesExcluded());
        assertTrue(s.qc().flags().contains(PlateScorer.FAILED_SITES));
        assertTrue(s.qc().flags().contains(PlateScorer.OUT_OF_FOCUS_SITES));
        final WellProfile c = byWell(s).get("C05");
        assertEquals(2, c.sitesSeen());
        assertEquals(1, c.sitesUsed());
        assertTrue(c.features().get("f00") < 10, "the blurred site's value is not in the profile");
        final SiteFeatures kept = plate.sites.stream().filter(x -> x.well().equals(c05) && x.site() == 2)
            .findFirst().orElseThrow();
        assertEquals(kept.cellCount(), c.cellCount(), 0.0);
        assertEquals(1, byWell(s).get("B05").sitesUsed());
    }

    @Test
    void cytotoxicWellsHaveFewCellsComparedWithNegatives() {
        final SyntheticPlate plate = new SyntheticPlate("P1", 6);
        final WellId d07 = WellId.parse("D07");
        final List<SiteFeatures> sites = new ArrayList<>();
        for (final SiteFeatures s : plate.sites) {
            sites.add(s.well().equals(d07)
                ? plate.site(d07, s.site(), SiteFeatures.Status.OK, s.site() == 1 ? 30 : 40, s.features(), 1.0, "t")
                : s);
        }
        final PlateScoring s = PlateScorer.score(plate.run, SyntheticPlate.ANALYSIS, PARAMS, sites, NOW);
        final WellProfile d = byWell(s).get("D07");
        assertEquals(35.0, d.cellCount(), 0.0, "mean cells per used site");
        assertTrue(d.cytotoxic());
        assertTrue(s.qc().flags().contains(PlateScorer.CYTOTOXIC_WELLS));
        assertEquals(1, s.wells().stream().filter(WellProfile::cytotoxic).count());
        assertTrue(s.plateScores().wells().stream().filter(WellScore::cytotoxic).allMatch(w -> w.well().equals(d07)));
    }

    @Test
    void otherAnalysesAreIgnoredAndOtherRunsRejected() {
        final SyntheticPlate plate = new SyntheticPlate("P1", 7);
        final SyntheticPlate other = new SyntheticPlate("P2", 7);
        assertEquals(0, PlateScorer.score(plate.run, "a-other", PARAMS, plate.sites, NOW).qc().sitesSeen());
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> PlateScorer.score(plate.run, SyntheticPlate.ANALYSIS, PARAMS, other.sites, NOW));
        assertTrue(e.getMessage().contains("exp1/P2/r1/A01/1"), e.getMessage());
    }

    @Test
    void plateWellScoresRoundTripThroughJson() {
        final SyntheticPlate plate = new SyntheticPlate("P1", 8);
        final PlateWellScores scores = PlateScorer.score(plate.run, SyntheticPlate.ANALYSIS, PARAMS, plate.sites, NOW)
            .plateScores();
        assertNotNull(scores.scoring());
        final PlateWellScores back = Json.read(Json.canonicalBytes(scores), PlateWellScores.class);
        assertEquals(scores, back);
    }

    @Test
    void embeddingDimensionsJoinTheProfileAsFeatures() {
        final SiteFeatures site = new SiteFeatures(1, "a", AnalysisSpec.classicalDefaults(), "e", "p", "r",
            WellId.parse("A01"), 1, SiteFeatures.Status.OK, null, 10, java.util.Map.of("nucleus_area", 50.0), null,
            java.util.List.of(), null, null, java.util.Map.of(), java.util.List.of(0.25, -1.5));
        assertEquals(java.util.Map.of("nucleus_area", 50.0, "embedding_000", 0.25, "embedding_001", -1.5),
            PlateScorer.profileValues(site));
    }
}
