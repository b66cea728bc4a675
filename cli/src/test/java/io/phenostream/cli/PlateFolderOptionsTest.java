package io.phenostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.ingest.IngestRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PlateFolderOptionsTest {

    private static IngestRequest parse(final Path dir, final String... args) {
        final RunCommand cmd = new RunCommand();
        final String[] all = new String[args.length + 3];
        all[0] = dir.toString();
        all[1] = "--out";
        all[2] = "unused";
        System.arraycopy(args, 0, all, 3, args.length);
        new CommandLine(cmd).parseArgs(all);
        return cmd.folder.request(dir);
    }

    @Test
    void idsLayoutAndPlateMapDefaultFromTheFolder(@TempDir final Path tmp) throws Exception {
        final Path dir = Files.createDirectories(tmp.resolve("Screen 2026 #4").resolve("BC-00017"));
        Files.writeString(dir.resolve("plate-map.csv"),
            "well,compound,concentration,unit,role\nA01,DMSO,,,negative_control\nP24,CPD-1,1,uM,treatment\n");
        final IngestRequest r = parse(dir);
        assertEquals("Screen-2026--4", r.experimentId());
        assertEquals("BC-00017", r.plateId());
        assertEquals(PlateLayout.WELLS_384, r.plateMap().layout(), "P24 needs a 384-well plate");
        assertNull(r.scheme(), "detected from the file names");
        assertNull(r.channels(), "channels.csv or defaults");
        assertNull(r.runId(), "derived from content");
    }

    @Test
    void explicitOptionsWin(@TempDir final Path tmp) throws Exception {
        final Path dir = Files.createDirectories(tmp.resolve("plate"));
        final Path map = tmp.resolve("map.csv");
        Files.writeString(map, "well,compound,concentration,unit,role\nA01,DMSO,,,negative_control\n");
        final IngestRequest r = parse(dir, "--plate-map", map.toString(), "--layout", "1536", "--experiment", "E1",
            "--plate", "P1", "--run-id", "r7", "--preset", "imagexpress", "--channels", "1=Hoechst,2=Actin",
            "--cell-channel", "Actin", "--force");
        assertEquals("E1", r.experimentId());
        assertEquals("P1", r.plateId());
        assertEquals("r7", r.runId());
        assertEquals(PlateLayout.WELLS_1536, r.plateMap().layout());
        assertEquals("imagexpress", r.scheme().name());
        assertEquals("Hoechst", r.channels().nuclearChannel());
        assertEquals("Actin", r.channels().cellChannel());
        assertTrue(r.force());
    }

    @Test
    void missingPlateMapAndConflictingOptionsAreClear(@TempDir final Path tmp) throws Exception {
        final Path dir = Files.createDirectories(tmp.resolve("plate"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse(dir)).getMessage()
            .contains("No plate map: give --plate-map CSV or put plate-map.csv in " + dir));
        Files.writeString(dir.resolve("plate-map.csv"), "well,compound,concentration,unit,role\nA01,DMSO,,,negative_control\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse(dir, "--nuclear-channel", "DNA"))
            .getMessage().contains("--channels"));
        assertThrows(CommandLine.MutuallyExclusiveArgsException.class,
            () -> parse(dir, "--preset", "operetta", "--pattern", "(?<well>[A-P]\\d\\d)_(?<channel>\\d)"));
    }
}
