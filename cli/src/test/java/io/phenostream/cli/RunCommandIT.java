package io.phenostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./screen run DIR --out OUT} end to end, and {@code ./screen ingest} refusing to run without a pipeline. */
@Tag("integration")
@Timeout(300)
class RunCommandIT {

    private record Outcome(int exit, String out, String err) {
    }

    private static Outcome screen(final String... args) {
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        final ByteArrayOutputStream o = new ByteArrayOutputStream();
        final ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            final int exit = ScreenCli.commandLine().execute(args);
            return new Outcome(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void runIngestsAFolderAndWritesTheResultFiles(@TempDir final Path tmp) throws Exception {
        final Path plate = tmp.resolve("EXP-RUN").resolve("PLATE-9");
        SynthCommand.generate(SynthCommand.options(96, 1, 160, 11, "SYN"), plate);
        final Outcome r = screen("run", plate.toString(), "--out", tmp.resolve("out").toString(), "--data-dir",
            tmp.resolve("data").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("run EXP-RUN/PLATE-9/run-"), r.err());
        assertTrue(r.err().contains("96 sites, 288 images"), r.err());
        assertTrue(r.err().contains("naming scheme cellprofiler (detected)"), r.err());
        assertTrue(r.out().contains("Ranked compound hit list, experiment EXP-RUN"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("rank") && l.contains("mAP") && l.contains("mAP q")),
            "the hit table shows replicate agreement: " + r.out());
        final List<String> hits = Files.readAllLines(tmp.resolve("out").resolve("hits.csv"));
        assertEquals(7, hits.size(), "header + 6 compounds: " + hits);
        final List<String> qc = Files.readAllLines(tmp.resolve("out").resolve("plate-qc.csv"));
        assertTrue(qc.get(1).contains("PLATE-9") && qc.get(1).contains("FINAL"), qc.toString());
        assertEquals(97, Files.readAllLines(tmp.resolve("out").resolve("plate-map.csv")).size());
    }

    @Test
    void ingestWithoutAConfiguredPipelineSaysWhatToDo(@TempDir final Path tmp) throws Exception {
        final Path plate = tmp.resolve("P");
        SynthCommand.generate(SynthCommand.options(96, 1, 64, 1, "P"), plate);
        final Outcome r = screen("ingest", plate.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("set phenostream.kafka.bootstrap") && r.err().contains("./screen run DIR"), r.err());
    }
}
