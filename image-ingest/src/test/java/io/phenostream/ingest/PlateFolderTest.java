package io.phenostream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.domain.WellId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlateFolderTest {

    private static void touch(final Path dir, final String... names) throws Exception {
        for (final String n : names) {
            Files.write(dir.resolve(n), new byte[] {1, 2, 3});
        }
    }

    @Test
    void groupsChannelsBySite(@TempDir final Path dir) throws Exception {
        touch(dir, "P_A01f00d0.tif", "P_A01f00d1.tif", "P_A01f01d0.tif", "P_A01f01d1.tif", "P_B02f00d0.tif",
            "P_B02f00d1.tif", "readme.txt");
        final PlateFolder folder = PlateFolder.scan(dir, null);
        assertEquals("cellprofiler", folder.scheme().name());
        assertEquals(3, folder.sites().size());
        assertEquals(List.of("0", "1"), folder.channelTokens());
        assertEquals(2, folder.sitesPerWell());
        assertEquals(dir.resolve("P_A01f01d1.tif"),
            folder.sites().get(new PlateFolder.SiteId(WellId.parse("A01"), 1)).get("1"));
    }

    @Test
    void missingChannelsDuplicatesAndSymlinksAreAllNamed(@TempDir final Path dir) throws Exception {
        touch(dir, "P_A01f00d0.tif", "P_A01f00d1.tif", "P_B02f00d0.tif", "P_C03f00d0.tif", "P_C03f00d1.tif",
            "P_C03f00d1.TIF");
        Files.createSymbolicLink(dir.resolve("P_D04f00d0.tif"), dir.resolve("P_A01f00d0.tif"));
        final PlateFolder folder = PlateFolder.scan(dir, null);
        assertEquals(List.of(
            "P_D04f00d0.tif: symbolic link refused; copy the image into " + dir,
            "P_C03f00d1.tif: second image for well C03 site 0 channel 1 (first: P_C03f00d1.TIF)",
            "P_B02f00d0.tif: well B02 site 0 lacks channel(s) [1] (has [0])"), folder.problems());
        assertEquals(3, folder.sites().size(), "the symlinked well is not a site");
    }

    @Test
    void emptyOrUnknownFolder(@TempDir final Path dir) throws Exception {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PlateFolder.scan(dir, null)).getMessage()
            .contains("No .tif/.tiff/.png images"));
        touch(dir, "weird-name.tif");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PlateFolder.scan(dir, null)).getMessage()
            .contains("--pattern"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PlateFolder.scan(dir.resolve("nope"), null))
            .getMessage().contains("does not exist"));
    }

    @Test
    void channelSidecarNamesChannelsAndRoles(@TempDir final Path dir) throws Exception {
        Files.writeString(dir.resolve("channels.csv"), "channel,name,role\n0,DNA,nuclear\n1,GFP,other\n2,CellMask,cell\n");
        final ChannelLayout layout = ChannelLayout.read(dir.resolve("channels.csv"));
        assertEquals(List.of("DNA", "GFP", "CellMask"), layout.channelNames());
        assertEquals("DNA", layout.nuclearChannel());
        assertEquals("CellMask", layout.cellChannel());
        assertEquals("GFP", layout.nameOf("1"));
        final ChannelLayout parsed = ChannelLayout.parse("1=Hoechst,2=Actin", null, null);
        assertEquals("Hoechst", parsed.nuclearChannel());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ChannelLayout.parse("1=A,2=B", "C", null))
            .getMessage().contains("'C'"));
    }
}
