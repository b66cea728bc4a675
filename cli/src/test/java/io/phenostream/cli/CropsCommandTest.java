package io.phenostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.phenostream.common.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code screen crops} cuts with the normalization it is asked for, writes it into crops.json, refuses others. */
@Timeout(120)
class CropsCommandTest {

    private static int run(final Path out, final String normalization, final StringWriter err) {
        final CommandLine cl = ScreenCli.commandLine();
        cl.setErr(new PrintWriter(err));
        return cl.execute("crops", "--out", out.toString(), "--seeds", "3", "--wells", "96", "--sites", "1",
            "--size", "128", "--crop", "16", "--max-per-site", "1", "--normalization", normalization);
    }

    private static float[] floats(final Path file) throws Exception {
        final ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        final float[] v = new float[b.remaining() / Float.BYTES];
        b.asFloatBuffer().get(v);
        return v;
    }

    @Test
    void fixedCropsAreTheRawOnesScaledAndTheMethodIsRecorded(@TempDir final Path tmp) throws Exception {
        final StringWriter err = new StringWriter();
        assertEquals(0, run(tmp.resolve("raw"), "none", err), err.toString());
        assertEquals(0, run(tmp.resolve("fixed"), "fixed 0-0.125", err), err.toString());
        final float[] raw = floats(tmp.resolve("raw").resolve(CropsCommand.CROPS_FILE));
        final float[] fixed = floats(tmp.resolve("fixed").resolve(CropsCommand.CROPS_FILE));
        assertEquals(96 * 3 * 16 * 16, raw.length, "one 3 x 16 x 16 crop per site of a 96-well plate");
        assertEquals(raw.length, fixed.length);
        double max = 0;
        for (int i = 0; i < raw.length; i++) {
            assertEquals(Math.min(1, raw[i] / 0.125), fixed[i], 1e-6, "value " + i);
            max = Math.max(max, raw[i]);
        }
        assertTrue(max > 0.01 && max < 0.125, "raw values are fractions of 16-bit full scale, was " + max);
        final JsonNode index = Json.MAPPER.readTree(tmp.resolve("fixed").resolve(CropsCommand.INDEX_FILE).toFile());
        assertTrue(index.path("normalization").asText().startsWith("fixed 0-0.125: "), index.toString());

        // The per-crop default stretches each crop to [0,1], which the fixed scaling does not
        assertEquals(0, run(tmp.resolve("crop"), "per-crop p1-p99", err), err.toString());
        final float[] perCrop = floats(tmp.resolve("crop").resolve(CropsCommand.CROPS_FILE));
        assertNotEquals(fixed[0 * 256 + 8 * 16 + 8], perCrop[0 * 256 + 8 * 16 + 8]);
        final JsonNode crop = Json.MAPPER.readTree(tmp.resolve("crop").resolve(CropsCommand.INDEX_FILE).toFile());
        assertEquals("CellCropper: per crop and channel, (v - p1) / (p99 - p1) clipped to [0,1]",
            crop.path("normalization").asText(), "cellembed/1's training data said it this way");
    }

    @Test
    void unknownNormalizationIsRefused(@TempDir final Path tmp) {
        final StringWriter err = new StringWriter();
        assertNotEquals(0, run(tmp.resolve("x"), "z-score per plate", err));
        assertTrue(err.toString().contains("Unknown crop normalization 'z-score per plate'"), err.toString());
    }
}
