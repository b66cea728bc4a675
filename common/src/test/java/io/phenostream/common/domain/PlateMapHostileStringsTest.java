package io.phenostream.common.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.PlateRun;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A plate map is user text that reaches Kafka, PostgreSQL, HTML pages and CSV files. Hostile compound names and
 * metadata (markup, SQL, paths, CSV metacharacters, values as long as allowed) are data: parsed verbatim, carried through
 * the plate-run record and the CSV round trip unchanged, so every later stage must (and is tested to) treat them
 * as values: parameterized SQL (ResultsStoreIT.userValuesTravelAsParameters), escaped HTML
 * (ResultsServerIT.userStringsAreEscapedInPages). Wells and roles are checked against closed sets.
 */
class PlateMapHostileStringsTest {

    static final List<String> HOSTILE = List.of("<script>alert(1)</script>", "x'); DROP TABLE plate_runs;--",
        "../../etc/passwd", "C:\\Windows\\system32", "a|b/c", "\"quoted, with comma\"", "=HYPERLINK(\"http://x\")",
        "Ω-καφεΐνη 咖啡因", "L".repeat(PlateMapParser.MAX_VALUE_LENGTH));

    @Test
    void hostileNamesAreKeptVerbatimThroughParsingTheRecordAndCsv() {
        final StringBuilder csv = new StringBuilder("well,compound,concentration,unit,role,notes\n"
            + "A01,DMSO,0,uM,negative_control,\n");
        for (int i = 0; i < HOSTILE.size(); i++) {
            csv.append("B").append(String.format("%02d", i + 1)).append(',').append(quote(HOSTILE.get(i)))
                .append(",1,uM,treatment,").append(quote(HOSTILE.get(HOSTILE.size() - 1 - i))).append('\n');
        }
        final PlateMap map = PlateMapParser.parse("hostile.csv", csv.toString(), PlateLayout.WELLS_96);
        for (int i = 0; i < HOSTILE.size(); i++) {
            final PlateMapEntry e = map.entry(WellId.parse(String.format("B%02d", i + 1))).orElseThrow();
            assertEquals(HOSTILE.get(i), e.compound());
            assertEquals(HOSTILE.get(HOSTILE.size() - 1 - i), e.metadata().get("notes"));
        }
        assertEquals(map.entries(), PlateMapParser.parse("again.csv", PlateMapParser.toCsv(map), PlateLayout.WELLS_96)
            .entries(), "CSV round trip");
        final PlateRun run = new PlateRun(1, "E1", "P1", "r1", PlateLayout.WELLS_96, List.of("DNA"), "DNA", null, 1,
            map.entries().size(), map.entries(), "test", "2026-11-27T00:00:00Z", false);
        final PlateRun back = EventSerdes.plateRun().deserialize("plate-runs",
            EventSerdes.plateRun().serialize("plate-runs", run));
        assertEquals(run.plateMap(), back.plateMap(), "JSON round trip");
    }

    @Test
    void aHostileWellOrRoleIsRefusedNamingTheLine() {
        for (final String[] row : List.of(new String[] {"../A01", "treatment"}, new String[] {"<b>A01</b>", "treatment"},
            new String[] {"A01", "treatment'--"})) {
            final PlateMapException e = assertThrows(PlateMapException.class, () -> PlateMapParser.parse("m.csv",
                "well,compound,concentration,unit,role\nA02,DMSO,0,uM,negative_control\n" + row[0] + ",X,1,uM,"
                    + row[1] + "\n", PlateLayout.WELLS_96));
            assertEquals(3, e.line(), e.getMessage());
            assertTrue(e.getMessage().startsWith("m.csv:3: "), e.getMessage());
        }
    }

    @Test
    void aHugeValueIsRefusedAtParseTimeNamingTheLine() {
        final PlateMapException e = assertThrows(PlateMapException.class, () -> PlateMapParser.parse("m.csv",
            "well,compound,concentration,unit,role,notes\nA01,DMSO,0,uM,negative_control,\nA02,"
                + quote("L".repeat(10_000)) + ",1,uM,treatment,\n", PlateLayout.WELLS_96));
        assertEquals("m.csv:3: compound is 10000 characters long, at most 256 allowed", e.getMessage());
    }

    private static String quote(final String v) {
        return "\"" + v.replace("\"", "\"\"") + "\"";
    }
}
