package io.phenostream.ingest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.events.PlateRun;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunRegistrationTest {

    private static final String MAP = """
        well,compound,concentration,unit,role
        A01,DMSO,,,negative_control
        A02,cmpd-1,10,uM,treatment
        A03,,,,empty
        """;

    private static Map<String, String> query(final String... kv) {
        final Map<String, String> q = new HashMap<>(Map.of("experiment", "exp1", "plate", "PL001", "run", "r1",
            "layout", "384", "channels", "DNA,GFP,CellMask", "cell", "CellMask", "sitesPerWell", "3"));
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) {
                q.remove(kv[i]);
            } else {
                q.put(kv[i], kv[i + 1]);
            }
        }
        return q;
    }

    @Test
    void buildsAnOpenRunWithDefaults() {
        final PlateRun run = RunRegistration.parse(query(), MAP, "http:10.0.0.7");
        assertEquals("exp1/PL001/r1", run.runKey());
        assertEquals(PlateLayout.WELLS_384, run.layout());
        assertEquals(List.of("DNA", "GFP", "CellMask"), run.channels());
        assertEquals("DNA", run.nuclearChannel(), "nuclear defaults to the first channel");
        assertEquals("CellMask", run.cellChannel());
        assertEquals(3, run.sitesPerWell());
        assertEquals(6, run.expectedSites(), "2 non-empty wells x 3 sites");
        assertEquals(3, run.plateMap().size());
        assertEquals(WellId.parse("A02"), run.plateMap().get(1).well());
        assertEquals("http:10.0.0.7", run.source());
        assertTrue(run.open());
    }

    @Test
    void generatesARunIdAndInfersTheLayout() {
        final PlateRun run = RunRegistration.parse(query("run", null, "layout", null, "cell", null,
            "nuclear", "GFP", "expectedSites", "5"), MAP, "http:x");
        assertTrue(run.runId().matches("run-[0-9a-f]{12}"), run.runId());
        assertEquals(PlateLayout.WELLS_96, run.layout());
        assertEquals("GFP", run.nuclearChannel());
        assertNull(run.cellChannel());
        assertEquals(5, run.expectedSites());
    }

    @Test
    void badInputNamesTheProblem() {
        assertBad(query("experiment", null), "'experiment' is required");
        assertBad(query("plate", "PL/1"), "plate 'PL/1' is not a valid identifier");
        assertBad(query("layout", "100"), "Unknown plate layout '100'");
        assertBad(query("channels", "DNA,GFP,DNA"), "'DNA' is listed twice");
        assertBad(query("nuclear", "Hoechst"), "Nuclear channel 'Hoechst'");
        assertBad(query("sitesPerWell", "0"), "sitesPerWell must be at least 1");
        assertBad(query("expectedSites", "many"), "expectedSites 'many' is not a whole number");
        final HttpFailure e = assertThrows(HttpFailure.class, () -> RunRegistration.parse(query(),
            MAP + "A02,cmpd-2,5,uM,treatment\n", "http:x"));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains(":5: duplicate well 'A02'"), e.getMessage());
    }

    private static void assertBad(final Map<String, String> q, final String expected) {
        final HttpFailure e = assertThrows(HttpFailure.class, () -> RunRegistration.parse(q, MAP, "http:x"));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void differencesIgnoreSourceAndTimeButNotParameters() {
        final PlateRun a = RunRegistration.parse(query(), MAP, "http:10.0.0.7");
        final PlateRun b = RunRegistration.parse(query(), MAP, "http:10.0.0.8");
        assertEquals(List.of(), RunRegistration.differences(a, b));
        final PlateRun c = RunRegistration.parse(query("layout", "96", "sitesPerWell", "4"), MAP, "http:x");
        assertEquals(List.of("layout 384 registered, 96 now", "sitesPerWell 3 registered, 4 now",
            "expectedSites 6 registered, 8 now"), RunRegistration.differences(a, c));
    }
}
