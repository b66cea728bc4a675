package io.phenostream.common.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PlateMapParserTest {

    private static final String HEADER = "well,compound,concentration,unit,role\n";

    private static PlateMapException failure(final String csv) {
        return assertThrows(PlateMapException.class, () -> PlateMapParser.parse("map.csv", csv, PlateLayout.WELLS_96));
    }

    @Test
    void parsesRolesDosesAndExtraColumns() {
        final PlateMap map = PlateMapParser.parse("map.csv",
            "Well,Compound,Concentration,Unit,Role,Batch,Notes\n"
                + "a1,DMSO,,uM,negative_control,B1,\"vehicle, 0.1%\"\n"
                + "A2,STS,1,uM,positive_control,B1,\n"
                + "A003,CPD-1,0.37,uM,treatment,B2,\"said \"\"ok\"\"\"\n"
                + "A4,,,,empty,,\n",
            PlateLayout.WELLS_96);
        assertEquals(4, map.entries().size());
        final PlateMapEntry first = map.entry(WellId.parse("A01")).orElseThrow();
        assertEquals(WellRole.NEGATIVE_CONTROL, first.role());
        assertNull(first.concentration());
        assertEquals("vehicle, 0.1%", first.metadata().get("Notes"));
        assertEquals("B1", first.metadata().get("Batch"));
        assertEquals(0.37, map.entry(WellId.parse("A03")).orElseThrow().concentration());
        assertEquals("said \"ok\"", map.entry(WellId.parse("A03")).orElseThrow().metadata().get("Notes"));
        assertEquals(1, map.count(WellRole.EMPTY));
    }

    @Test
    void roundTripsThroughCsv() {
        final PlateMap map = PlateMapParser.parse("map.csv", HEADER
            + "A01,DMSO,0,uM,negative_control\nB02,\"CPD,1\",3.3333,uM,treatment\n", PlateLayout.WELLS_96);
        final PlateMap again = PlateMapParser.parse("again.csv", PlateMapParser.toCsv(map), PlateLayout.WELLS_96);
        assertEquals(map.entries(), again.entries());
    }

    @Test
    void unknownWellNamesLineAndValue() {
        final PlateMapException e = failure(HEADER + "A01,DMSO,0,uM,negative_control\nQ01,X,1,uM,treatment\n");
        assertEquals(3, e.line());
        assertTrue(e.getMessage().startsWith("map.csv:3: unknown well 'Q01'"), e.getMessage());
        assertTrue(failure(HEADER + "A01,DMSO,0,uM,negative_control\nZZ9,X,1,uM,treatment\n").getMessage()
            .contains("unknown well 'ZZ9'"));
    }

    @Test
    void duplicateWell() {
        final PlateMapException e = failure(HEADER + "A01,DMSO,0,uM,negative_control\na1,X,1,uM,treatment\n");
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("duplicate well 'a1' (first at line 2)"), e.getMessage());
    }

    @Test
    void nonNumericConcentration() {
        final PlateMapException e = failure(HEADER + "A01,DMSO,0,uM,negative_control\nA02,X,ten,uM,treatment\n");
        assertEquals("map.csv:3: non-numeric concentration 'ten'", e.getMessage());
        assertTrue(failure(HEADER + "A01,DMSO,0,uM,negative_control\nA02,X,-1,uM,treatment\n").getMessage()
            .contains("'-1'"));
    }

    @Test
    void unknownRole() {
        final PlateMapException e = failure(HEADER + "A01,DMSO,0,uM,negative_control\nA02,X,1,uM,sample\n");
        assertTrue(e.getMessage().startsWith("map.csv:3: unknown role 'sample'"), e.getMessage());
    }

    @Test
    void missingNegativeControls() {
        final PlateMapException e = failure(HEADER + "A01,X,1,uM,treatment\n");
        assertTrue(e.getMessage().contains("no negative_control wells"), e.getMessage());
    }

    @Test
    void missingColumnAndWrongWidth() {
        assertTrue(failure("well,compound,unit,role\nA01,DMSO,uM,negative_control\n").getMessage()
            .contains("missing column 'concentration'"));
        final PlateMapException e = failure(HEADER + "A01,DMSO,0,uM\n");
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("expected 5 columns, found 4"));
    }

    @Test
    void treatmentNeedsCompoundAndDose() {
        assertTrue(failure(HEADER + "A01,DMSO,0,uM,negative_control\nA02,,1,uM,treatment\n").getMessage()
            .contains("has no compound"));
        assertTrue(failure(HEADER + "A01,DMSO,0,uM,negative_control\nA02,X,,uM,treatment\n").getMessage()
            .contains("has no concentration"));
    }

    @Test
    void wellOutsideGivenLayoutButInferredOtherwise() {
        final String csv = HEADER + "A01,DMSO,0,uM,negative_control\nP24,X,1,uM,treatment\n";
        assertTrue(failure(csv).getMessage().contains("outside a 96-well plate"));
        assertEquals(PlateLayout.WELLS_384, PlateMapParser.parse("map.csv", csv, null).layout());
    }
}
