package io.phenostream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.domain.WellId;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class NamingSchemeTest {

    @ParameterizedTest
    @CsvSource({
        "imagexpress,  PLATE1_B03_s2_w1.tif,                                        B03, 2, 1",
        "imagexpress,  PLATE1_B03_s2_w2A1B2C3D4-0000-1111-2222-333344445555.tif,    B03, 2, 2",
        "operetta,     r02c03f04p01-ch2sk1fk1fl1.tiff,                              B03, 4, 2",
        "cellprofiler, AS_09125_050116030001_D03f00d0.tif,                          D03, 0, 0",
        "cellprofiler, SYNTH-P001_P24f01d2.tif,                                     P24, 1, 2",
        "plain,        Channel1-01-A-01.tif,                                        A01, 1, 1",
    })
    void presetsLocateWellSiteAndChannel(final String preset, final String file, final String well, final int site,
                                         final String channel) {
        final NamingScheme.Location loc = NamingScheme.preset(preset).locate(file).orElseThrow();
        assertEquals(WellId.parse(well), loc.well());
        assertEquals(site, loc.site());
        assertEquals(channel, loc.channel());
        assertEquals(preset, NamingScheme.detect(List.of(file)).orElseThrow().name());
    }

    @Test
    void realCellProfilerExampleNamesAreDetected() {
        final List<String> names = List.of("AS_09047_050428030001_O01f00d2.TIF", "AS_09047_050428030001_O01f01d2.TIF");
        assertEquals("cellprofiler", NamingScheme.detect(names).orElseThrow().name());
        assertEquals(WellId.parse("O01"), NamingScheme.preset("cellprofiler").locate(names.get(1)).orElseThrow().well());
    }

    @Test
    void customPatternNeedsWellAndChannelGroups() {
        final NamingScheme s = NamingScheme.custom("(?<well>[A-P]\\d\\d)-(?<channel>\\w+)\\.png");
        final NamingScheme.Location loc = s.locate("C07-dapi.png").orElseThrow();
        assertEquals(WellId.parse("C07"), loc.well());
        assertEquals(1, loc.site());
        assertEquals("dapi", loc.channel());
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> NamingScheme.custom("(?<well>\\w+)\\.tif"));
        assertTrue(e.getMessage().contains("channel"), e.getMessage());
    }

    @Test
    void unknownPresetListsTheKnownOnes() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NamingScheme.preset("nikon")).getMessage()
            .contains("imagexpress"));
        assertTrue(NamingScheme.detect(List.of("notes.txt", "img.tif")).isEmpty());
    }
}
