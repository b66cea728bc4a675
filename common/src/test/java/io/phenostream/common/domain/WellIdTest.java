package io.phenostream.common.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WellIdTest {

    @ParameterizedTest
    @CsvSource({"A01,A01", "a1,A01", "A1,A01", "A001,A01", " b12 ,B12", "P24,P24", "AF48,AF48", "aa1,AA01", "Z09,Z09"})
    void normalizesSpellings(final String input, final String expected) {
        assertEquals(expected, WellId.parse(input).toString());
    }

    @Test
    void rowsPastZContinueWithDoubleLetters() {
        assertEquals(26, WellId.parse("AA01").row());
        assertEquals(31, WellId.parse("AF01").row());
        assertEquals("AF", WellId.of(31, 1).rowLabel());
    }

    @ParameterizedTest
    @CsvSource({"''", "A", "1A", "A0", "A49", "AG01", "A-1", "ABC1"})
    void rejectsNonWells(final String input) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WellId.parse(input));
        assertTrue(e.getMessage().contains(input), e.getMessage());
    }

    @Test
    void layoutsHaveStandardShapes() {
        assertEquals(96, PlateLayout.WELLS_96.wellCount());
        assertEquals(384, PlateLayout.WELLS_384.wellCount());
        assertEquals(1536, PlateLayout.WELLS_1536.wellCount());
        assertEquals(384, PlateLayout.WELLS_384.wells().size());
        assertEquals("P24", PlateLayout.WELLS_384.wells().get(383).toString());
        assertEquals("AF48", PlateLayout.WELLS_1536.wells().get(1535).toString());
        assertTrue(PlateLayout.WELLS_96.contains(WellId.parse("H12")));
        assertFalse(PlateLayout.WELLS_96.contains(WellId.parse("I01")));
        assertFalse(PlateLayout.WELLS_96.contains(WellId.parse("A13")));
        assertEquals(PlateLayout.WELLS_384, PlateLayout.parse("384"));
        assertEquals(PlateLayout.WELLS_1536, PlateLayout.smallestFor(java.util.List.of(WellId.parse("A25"))));
        assertThrows(IllegalArgumentException.class, () -> PlateLayout.parse("95"));
    }

    @Test
    void edgeWells() {
        assertTrue(WellId.parse("A05").isEdge(PlateLayout.WELLS_96));
        assertTrue(WellId.parse("H05").isEdge(PlateLayout.WELLS_96));
        assertTrue(WellId.parse("D12").isEdge(PlateLayout.WELLS_96));
        assertFalse(WellId.parse("D11").isEdge(PlateLayout.WELLS_96));
        assertFalse(WellId.parse("H05").isEdge(PlateLayout.WELLS_384));
    }

    @Test
    void ordersRowMajor() {
        assertTrue(WellId.parse("A12").compareTo(WellId.parse("B01")) < 0);
        assertTrue(WellId.parse("B02").compareTo(WellId.parse("B10")) < 0);
    }
}
