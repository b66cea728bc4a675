package io.phenostream.ingest.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.ImageRef;
import io.phenostream.common.events.ImageSet;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.events.ScoringParameters;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ReplayPlanTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private static final AnalysisSpec A = AnalysisSpec.classicalDefaults();
    private static final UnaryOperator<AnalysisSpec> LOOSER_FDR = s -> new AnalysisSpec(s.modelName(),
        s.modelSha256(), s.extraction(), new ScoringParameters(0.1, s.scoring().madEpsilon(),
        s.scoring().outOfFocusRatio(), s.scoring().cytotoxicCellFraction()));

    private static PlateRun run(final String plate, final String createdAt, final boolean open) {
        return new PlateRun(1, "E", plate, "r1", PlateLayout.WELLS_96, List.of("DNA", "GFP"), "DNA", null, 1, 2,
            List.of(), "test", createdAt, open);
    }

    private static ImageSet site(final String plate, final String well, final AnalysisSpec spec) {
        return new ImageSet(1, spec.analysisId(), spec, "E", plate, "r1", WellId.parse(well), 0,
            List.of(new ImageRef("DNA", "b", "images/" + plate + well + "d", "s1", 10, "f1.tif"),
                new ImageRef("GFP", "b", "images/" + plate + well + "g", "s2", 10, "f2.tif")),
            "DNA", null, "2024-01-01T00:00:00Z");
    }

    private static ReplayCatalogue.Contents contents(final List<PlateRun> runs, final List<ImageSet> sites) {
        final Map<String, PlateRun> byRun = new TreeMap<>();
        runs.forEach(r -> byRun.put(r.runKey(), r));
        final Map<String, ImageSet> bySite = new TreeMap<>();
        final Map<String, Map<String, Integer>> analyses = new TreeMap<>();
        final Map<String, AnalysisSpec> specs = new TreeMap<>();
        for (final ImageSet s : sites) {
            bySite.put(s.siteKey(), s);
            analyses.computeIfAbsent(s.runKey(), k -> new TreeMap<>()).merge(s.analysisId(), 1, Integer::sum);
            specs.put(s.analysisId(), s.analysis());
        }
        return new ReplayCatalogue.Contents(byRun, bySite, analyses, specs, Map.of());
    }

    @Test
    void republishesEverySiteInSiteKeyOrderUnderTheNewAnalysis() {
        final ReplayCatalogue.Contents c = contents(List.of(run("P2", "2024-02-01T00:00:00Z", false),
            run("P1", "2024-01-01T00:00:00Z", false)),
            List.of(site("P2", "A01", A), site("P1", "B01", A), site("P1", "A01", A)));
        final ReplayPlan plan = ReplayPlan.plan(c, new ReplaySelection("E", Set.of(), null), null, LOOSER_FDR, NOW);
        assertEquals(A.analysisId(), plan.sourceAnalysisId());
        assertNotEquals(A.analysisId(), plan.analysisId());
        assertEquals(0.1, plan.spec().scoring().fdr());
        assertEquals(List.of("E/P1/r1/A01/0", "E/P1/r1/B01/0", "E/P2/r1/A01/0"),
            plan.sites().stream().map(ImageSet::siteKey).toList());
        assertTrue(plan.sites().stream().allMatch(s -> s.analysisId().equals(plan.analysisId())
            && s.analysis().equals(plan.spec()) && s.publishedAt().equals(NOW.toString())));
        assertEquals(c.sites().get("E/P1/r1/B01/0").images(), plan.sites().get(1).images(), "same image objects");
        assertEquals(6, plan.images());
        assertEquals(List.of("E/P1/r1", "E/P2/r1"), plan.runKeys());
        assertEquals(Map.of("E/P1/r1", 2, "E/P2/r1", 1), plan.sitesByRun());
        assertNull(plan.alreadyAnalysed(c));
        // Planning the same replay again gives the same id, so its publisher resumes it.
        assertEquals(plan.replayId(), ReplayPlan.plan(c, new ReplaySelection("E", Set.of(), null), null, LOOSER_FDR,
            NOW.plusSeconds(60)).replayId());
        assertNotEquals(plan.replayId(), ReplayPlan.replayId(plan.analysisId(), List.of("E/P1/r1")));
    }

    @Test
    void theSameModelAndParametersAreRecognisedAsDone() {
        final ReplayCatalogue.Contents c = contents(List.of(run("P1", "2024-01-01T00:00:00Z", false)),
            List.of(site("P1", "A01", A)));
        final ReplayPlan plan = ReplayPlan.plan(c, new ReplaySelection("E", Set.of(), null), null,
            UnaryOperator.identity(), NOW);
        assertEquals(A.analysisId(), plan.analysisId());
        final String why = plan.alreadyAnalysed(c);
        assertTrue(why != null && why.contains(A.analysisId()) && why.contains("nothing to replay"), why);
    }

    @Test
    void startsFromTheAnalysisMostSitesHaveUnlessTold() {
        final AnalysisSpec b = LOOSER_FDR.apply(A);
        final ReplayCatalogue.Contents c = contents(List.of(run("P1", "2024-01-01T00:00:00Z", false)),
            List.of(site("P1", "A01", b), site("P1", "A02", A), site("P1", "A03", A)));
        assertEquals(A.analysisId(), ReplayPlan.plan(c, new ReplaySelection("E", Set.of(), null), null,
            LOOSER_FDR, NOW).sourceAnalysisId());
        assertEquals(b.analysisId(), ReplayPlan.plan(c, new ReplaySelection("E", Set.of(), null), b.analysisId(),
            UnaryOperator.identity(), NOW).sourceAnalysisId());
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReplayPlan.plan(c,
            new ReplaySelection("E", Set.of(), null), "a-nope", LOOSER_FDR, NOW));
        assertTrue(e.getMessage().contains("a-nope") && e.getMessage().contains(A.analysisId()), e.getMessage());
    }

    @Test
    void selectionByPlateAndDateAndClearErrors() {
        final ReplaySelection since = new ReplaySelection("E", Set.of(), ReplaySelection.parseSince("2024-02-01"));
        assertTrue(since.includes(run("P2", "2024-02-01T00:00:00Z", false)));
        assertTrue(!since.includes(run("P1", "2024-01-31T23:59:59Z", false)));
        assertTrue(!new ReplaySelection("E", Set.of(), null).includes(run("P3", "2024-03-01T00:00:00Z", true)),
            "a run still being imaged is not replayed");
        assertTrue(!new ReplaySelection("E", Set.of("P1"), null).includes(run("P2", "2024-02-01T00:00:00Z", false)));
        assertThrows(IllegalArgumentException.class, () -> ReplaySelection.parseSince("yesterday"));

        final IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> ReplayPlan.plan(
            contents(List.of(), List.of()), new ReplaySelection("E", Set.of("P9"), null), null, LOOSER_FDR, NOW));
        assertTrue(none.getMessage().contains("E") && none.getMessage().contains("P9"), none.getMessage());
        final IllegalArgumentException gone = assertThrows(IllegalArgumentException.class, () -> ReplayPlan.plan(
            contents(List.of(run("P1", "2024-01-01T00:00:00Z", false)), List.of()),
            new ReplaySelection("E", Set.of(), null), null, LOOSER_FDR, NOW));
        assertTrue(gone.getMessage().contains("E/P1/r1"), gone.getMessage());
    }
}
