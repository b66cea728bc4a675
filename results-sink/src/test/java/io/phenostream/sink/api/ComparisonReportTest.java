package io.phenostream.sink.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.phenostream.common.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonReportTest {

    private static final List<ScoredCompound> A = List.of(
        new ScoredCompound("c1", 1, 9.0, 0.01, true),
        new ScoredCompound("c2", 2, 7.0, 0.02, true),
        new ScoredCompound("c3", 3, 5.0, 0.2, false),
        new ScoredCompound("c4", 4, 3.0, 0.5, false),
        new ScoredCompound("onlyA", 5, 2.0, 0.04, true),
        new ScoredCompound("c5", 6, 1.0, 0.9, false));
    private static final List<ScoredCompound> B = List.of(
        new ScoredCompound("c3", 1, 9.5, 0.001, true),
        new ScoredCompound("c1", 2, 8.0, 0.01, true),
        new ScoredCompound("c2", 3, 4.0, 0.3, false),
        new ScoredCompound("c4", 4, 1.0, 0.7, false),
        new ScoredCompound("onlyB", 5, 0.5, 0.8, false),
        new ScoredCompound("c5", 6, null, null, false));

    private static ComparisonReport report() {
        return ComparisonReport.build("E", "a-1", "a-2", "{\"modelName\":\"none\",\"scoring\":{\"fdr\":0.05}}",
            "{\"modelName\":\"cnn\",\"scoring\":{\"fdr\":0.1},\"extra\":[1,2]}", A, B,
            List.of(plate("P1", 0.6, 4.0, "FINAL"), plate("P2", 0.3, 2.0, "RUNNING")),
            List.of(plate("P1", 0.7, 5.5, "FINAL"), plate("P3", null, null, "RUNNING")));
    }

    @Test
    void classifiesEveryCompound() {
        assertEquals(CompoundChange.KEPT, CompoundChange.of(true, true));
        assertEquals(CompoundChange.GAINED, CompoundChange.of(false, true));
        assertEquals(CompoundChange.LOST, CompoundChange.of(true, false));
        assertEquals(CompoundChange.NONE, CompoundChange.of(false, false));
        assertEquals(CompoundChange.ONLY_A, CompoundChange.of(true, null));
        assertEquals(CompoundChange.ONLY_B, CompoundChange.of(null, false));
        assertThrows(IllegalArgumentException.class, () -> CompoundChange.of(null, null));

        final ComparisonReport r = report();
        // by rank in B, then the compounds B did not score, by rank in A
        assertEquals(List.of("c3", "c1", "c2", "c4", "onlyB", "c5", "onlyA"),
            r.compounds().stream().map(CompoundComparison::compound).toList());
        assertEquals(List.of(CompoundChange.GAINED, CompoundChange.KEPT, CompoundChange.LOST, CompoundChange.NONE,
            CompoundChange.ONLY_B, CompoundChange.NONE, CompoundChange.ONLY_A),
            r.compounds().stream().map(CompoundComparison::change).toList());
        assertEquals(List.of("c3"), r.gained().stream().map(CompoundComparison::compound).toList());
        assertEquals(List.of("c2"), r.lost().stream().map(CompoundComparison::compound).toList());
        final CompoundComparison lost = r.lost().get(0);
        assertEquals(new CompoundComparison("c2", 2, 3, 7.0, 4.0, 0.02, 0.3, true, false, CompoundChange.LOST), lost);
        final CompoundComparison onlyA = r.withChange(CompoundChange.ONLY_A).get(0);
        assertEquals(new CompoundComparison("onlyA", 5, null, 2.0, null, 0.04, null, true, null,
            CompoundChange.ONLY_A), onlyA);
    }

    @Test
    void summaryCountsAndCorrelationsOverCompoundsScoredInBoth() {
        final ComparisonSummary s = report().summary();
        assertEquals(6, s.compoundsA());
        assertEquals(6, s.compoundsB());
        assertEquals(5, s.compoundsInBoth());
        assertEquals(4, s.n(), "c5 has no score in B: not a pair");
        // pairs (9,8) (7,4) (5,9.5) (3,1): rank differences 1, 1, -2, 0 -> 1 - 6*6/(4*15)
        assertEquals(0.4, s.spearman(), 1e-12);
        assertEquals(2.0 / 6.0, s.kendallTauB(), 1e-12);
        assertEquals(3, s.hitsA());
        assertEquals(2, s.hitsB());
        assertEquals(1, s.kept());
        assertEquals(1, s.gained());
        assertEquals(1, s.lost());
        assertEquals(1, s.onlyA());
        assertEquals(1, s.onlyB());
    }

    @Test
    void undefinedCorrelationIsNullNotNaN() {
        final ComparisonReport r = ComparisonReport.build("E", "a", "b", null, null, List.of(A.get(0)),
            List.of(B.get(1)), List.of(), List.of());
        assertEquals(1, r.summary().n());
        assertNull(r.summary().spearman());
        assertNull(r.summary().kendallTauB());
        assertTrue(Json.write(r).contains("\"spearman\":null"));
        assertTrue(r.specDifferences().isEmpty(), "no spec, no differences");
        assertThrows(IllegalArgumentException.class, () -> ComparisonReport.build("E", "a", "b", null, null,
            List.of(A.get(0), A.get(0)), List.of(), List.of(), List.of()));
    }

    @Test
    void platesAreJoinedByPlateAndRunWithDifferences() {
        final List<PlateComparison> p = report().plates();
        assertEquals(List.of("P1", "P2", "P3"), p.stream().map(PlateComparison::plateId).toList());
        assertEquals(0.6, p.get(0).zPrimeA());
        assertEquals(0.7, p.get(0).zPrimeB());
        assertEquals(0.1, p.get(0).zPrimeDelta(), 1e-12);
        assertEquals(1.5, p.get(0).ssmdDelta(), 1e-12);
        assertEquals("FINAL", p.get(0).statusB());
        assertEquals("RUNNING", p.get(1).statusA());
        assertNull(p.get(1).statusB(), "P2 has no QC in B");
        assertNull(p.get(1).zPrimeDelta());
        assertNull(p.get(2).zPrimeA());
        assertNull(p.get(2).zPrimeDelta(), "no Z' in B either");
    }

    @Test
    void specDifferencesAreTheLeafSettingsThatDiffer() {
        assertEquals(List.of(new SpecDifference("extra", null, "[1,2]"), new SpecDifference("modelName", "none", "cnn"),
            new SpecDifference("scoring.fdr", "0.05", "0.1")), report().specDifferences());
    }

    @Test
    void csvHasOneRowPerCompound() {
        final String[] lines = ComparisonCsv.compounds(report()).split("\n");
        assertEquals("compound,rank_a,rank_b,score_a,score_b,q_a,q_b,hit_a,hit_b,change", lines[0]);
        assertEquals("c3,3,1,5.0,9.5,0.2,0.001,false,true,gained", lines[1]);
        assertEquals("c2,2,3,7.0,4.0,0.02,0.3,true,false,lost", lines[3]);
        assertEquals("c5,6,6,1.0,,0.9,,false,false,none", lines[6]);
        assertEquals("onlyA,5,,2.0,,0.04,,true,,only_a", lines[7]);
        assertEquals(8, lines.length);
    }

    @Test
    void jsonCarriesEverything() throws Exception {
        final JsonNode j = Json.MAPPER.readTree(Json.write(report()));
        assertEquals("a-1", j.get("analysisA").asText());
        assertEquals("cnn", j.get("specB").get("modelName").asText());
        assertEquals(0.4, j.get("summary").get("spearman").asDouble(), 1e-12);
        assertEquals(7, j.get("compounds").size());
        assertEquals("gained", j.get("gained").get(0).get("change").asText());
        assertEquals(0.001, j.get("gained").get(0).get("qB").asDouble());
        assertEquals(2, j.get("lost").get(0).get("rankA").asInt());
        assertEquals(0.1, j.get("plates").get(0).get("zPrimeDelta").asDouble(), 1e-12);
        assertEquals("scoring.fdr", j.get("specDifferences").get(2).get("setting").asText());
    }

    private static PlateSummary plate(final String plate, final Double z, final Double ssmd, final String status) {
        return new PlateSummary(plate, "r1", "96", z, ssmd, 96, 96, 1000L, 10, 10, 0, 0, status, List.of(), null);
    }
}
