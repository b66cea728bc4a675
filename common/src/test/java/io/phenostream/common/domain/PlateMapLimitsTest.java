package io.phenostream.common.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Free text of a plate map is bounded at parse time (file:line), so a plate map that parses also fits the
 * plate-run record in one Kafka record (1 MiB) instead of failing only when the ingest publishes it.
 */
class PlateMapLimitsTest {

    private static final int LIMIT = PlateMapParser.MAX_VALUE_LENGTH;
    private static final int KAFKA_RECORD_LIMIT = 1024 * 1024; // producer max.request.size default
    private static final String CONTROL = "A01,DMSO,0,uM,negative_control,x\n";

    @Test
    void theLimitIs256CharactersPerValue() {
        assertEquals(256, LIMIT);
    }

    @Test
    void valuesAtTheLimitParse() {
        final String at = "c".repeat(LIMIT);
        final PlateMap map = PlateMapParser.parse("m.csv", "well,compound,concentration,unit,role," + "h".repeat(LIMIT)
            + "\n" + CONTROL + "A02," + at + ",1," + "u".repeat(LIMIT) + ",treatment," + "v".repeat(LIMIT) + "\n",
            PlateLayout.WELLS_96);
        final PlateMapEntry e = map.entry(WellId.parse("A02")).orElseThrow();
        assertEquals(at, e.compound());
        assertEquals("u".repeat(LIMIT), e.unit());
        assertEquals("v".repeat(LIMIT), e.metadata().get("h".repeat(LIMIT)));
    }

    @Test
    void aValueOverTheLimitIsRefusedNamingFileLineAndField() {
        final String over = "L".repeat(LIMIT + 1);
        final String header = "well,compound,concentration,unit,role,notes\n";
        assertRefused(header + CONTROL + "A02," + over + ",1,uM,treatment,x\n", 3,
            "compound is 257 characters long, at most 256 allowed");
        assertRefused(header + CONTROL + "A02,cpd,1," + over + ",treatment,x\n", 3,
            "unit is 257 characters long, at most 256 allowed");
        assertRefused(header + CONTROL + "A02,cpd,1,uM,treatment,x\nA03,cpd,1,uM,treatment,\"" + over + "\"\n", 4,
            "value of column 'notes' is 257 characters long, at most 256 allowed");
        assertRefused("# a comment\nwell,compound,concentration,unit,role," + over + "\n" + CONTROL, 2,
            "column name is 257 characters long, at most 256 allowed");
        // Surrounding blanks of the compound are trimmed before the check, as before.
        PlateMapParser.parse("m.csv", header + CONTROL + "A02,  " + "c".repeat(LIMIT) + "  ,1,uM,treatment,x\n",
            PlateLayout.WELLS_96);
    }

    /**
     * The question of issue 11: does a legal 1536-well map at the per-value limit fit one Kafka record? With ASCII
     * compound names and units of 256 characters and no extra column: yes. With one extra column of 256 characters,
     * or with 256 three-byte characters (CJK, Greek with accents...) per value: no; it is refused at parse time,
     * at the line where its JSON crosses the bound, instead of failing at publish time.
     */
    @Test
    void a1536WellMapAtTheLimitFitsOneKafkaRecordOrIsRefusedAtTheLineWhereItStopsFitting() {
        final PlateMap ascii = PlateMapParser.parse("ascii.csv", map1536("c".repeat(LIMIT), "u".repeat(LIMIT), null),
            PlateLayout.WELLS_1536);
        assertEquals(1536, ascii.entries().size());
        final int asciiBytes = recordBytes(ascii.entries());
        System.out.printf("1536 wells, ASCII compound + unit at %d chars: plate-run record %d bytes (limit %d)%n",
            LIMIT, asciiBytes, KAFKA_RECORD_LIMIT);
        assertTrue(asciiBytes < KAFKA_RECORD_LIMIT, "fits: " + asciiBytes);

        for (final String[] at : List.of(new String[] {"c".repeat(LIMIT), "u".repeat(LIMIT), "n".repeat(LIMIT)},
            new String[] {"咖".repeat(LIMIT), "μ".repeat(LIMIT), null})) {
            final String csv = map1536(at[0], at[1], at[2]);
            final PlateMapException e = assertThrows(PlateMapException.class,
                () -> PlateMapParser.parse("big.csv", csv, PlateLayout.WELLS_1536));
            assertTrue(e.getMessage().contains("plate map too large"), e.getMessage());
            // Independent check of the line: the wells before it fit the record, with it the list is too big.
            final List<String> lines = csv.lines().toList();
            final int well = e.line() - 1; // line 1 is the header
            final PlateMap before = PlateMapParser.parse("before.csv",
                String.join("\n", lines.subList(0, well)) + "\n", PlateLayout.WELLS_1536);
            assertEquals(well - 1, before.entries().size());
            assertTrue(recordBytes(before.entries()) < KAFKA_RECORD_LIMIT);
            final int withLine = Json.canonicalBytes(before.entries()).length
                + Json.canonicalBytes(lineEntry(lines, well)).length + 1;
            assertTrue(withLine > PlateMapParser.MAX_ENTRIES_JSON_BYTES, "crossed at line " + e.line());
            System.out.printf("1536 wells, %s: refused at %s (whole map would be about %d bytes)%n",
                at[2] == null ? "non-ASCII values (256 x U+548C, 256 x U+03BC)" : "one extra 256-char column", e.getMessage().substring(0,
                    e.getMessage().indexOf(':', 9)), withLine * 1536L / well);
        }
    }

    private static PlateMapEntry lineEntry(final List<String> lines, final int index) {
        return PlateMapParser.parse("one.csv", lines.get(0) + "\n" + lines.get(1) + "\n" + lines.get(index) + "\n",
            PlateLayout.WELLS_1536).entries().get(1);
    }

    /** The plate-run record of a 1536-well run holding these entries, as the ingest publishes it (key + value). */
    private static int recordBytes(final List<PlateMapEntry> entries) {
        final PlateRun run = new PlateRun(1, "experiment-0001", "PLATE-000001", "run-0001", PlateLayout.WELLS_1536,
            List.of("DNA", "ER", "RNA", "AGP", "Mito"), "DNA", "AGP", 9, 1536 * 9, entries,
            "http:/plates/" + "p".repeat(200), "2026-11-27T00:00:00Z", false);
        return EventSerdes.plateRun().serialize("plate-runs", run).length
            + run.runKey().getBytes(StandardCharsets.UTF_8).length;
    }

    /** A1 the negative control, every other well a treatment with these values (extra column when not null). */
    private static String map1536(final String compound, final String unit, final String extra) {
        final StringBuilder csv = new StringBuilder("well,compound,concentration,unit,role"
            + (extra == null ? "" : ",notes") + "\n");
        for (final WellId w : PlateLayout.WELLS_1536.wells()) {
            final boolean control = w.equals(WellId.parse("A01"));
            csv.append(w).append(',').append(control ? "DMSO" : compound).append(",0.001,").append(unit).append(',')
                .append(control ? "negative_control" : "treatment");
            if (extra != null) {
                csv.append(',').append(extra);
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    private static void assertRefused(final String csv, final int line, final String message) {
        final PlateMapException e = assertThrows(PlateMapException.class,
            () -> PlateMapParser.parse("m.csv", csv, PlateLayout.WELLS_96));
        assertEquals(line, e.line(), e.getMessage());
        assertEquals("m.csv:" + line + ": " + message, e.getMessage());
    }
}
