package io.phenostream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.synth.TiffWriter;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageHeaderTest {

    private static String failure(final String name, final byte[] bytes) {
        return assertThrows(ImageHeader.BadImageException.class, () -> ImageHeader.read(name, bytes)).getMessage();
    }

    @Test
    void readsTiffSizeAndBitDepthFromFileAndBytes(@TempDir final Path dir) {
        final Path file = dir.resolve("a.tif");
        TiffWriter.write16(file, 40, 30, new short[40 * 30]);
        assertEquals(new ImageHeader("tiff", 40, 30, 16, 1), ImageHeader.read(file));
        assertEquals(new ImageHeader("tiff", 7, 5, 8, 1), ImageHeader.read("b.tif", TiffWriter.encode8(7, 5, new byte[35])));
    }

    @Test
    void truncatedTiffIsNamed() {
        final byte[] whole = TiffWriter.encode16(64, 64, new short[64 * 64]);
        final String message = failure("cut.tif", Arrays.copyOf(whole, whole.length - 100));
        assertTrue(message.startsWith("cut.tif: ") && message.contains("truncated"), message);
        assertTrue(failure("stub.tif", Arrays.copyOf(whole, 20)).contains("truncated"));
    }

    @Test
    void garbageAndBigTiffAreRefused() {
        assertTrue(failure("x.tif", "hello, this is not an image".getBytes()).contains("neither TIFF nor PNG"));
        assertTrue(failure("tiny.tif", new byte[3]).contains("only 3 bytes"));
        final byte[] big = {'I', 'I', 43, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        assertTrue(failure("big.tif", big).contains("BigTIFF"));
        final byte[] badIfd = {'I', 'I', 42, 0, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0};
        assertTrue(failure("ifd.tif", badIfd).contains("outside the 10-byte file"));
    }

    @Test
    void readsPngAndNoticesAMissingEnd() throws Exception {
        final BufferedImage img = new BufferedImage(20, 10, BufferedImage.TYPE_USHORT_GRAY);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        final byte[] png = out.toByteArray();
        assertEquals(new ImageHeader("png", 20, 10, 16, 1), ImageHeader.read("a.png", png));
        assertTrue(failure("a.png", Arrays.copyOf(png, png.length - 12)).contains("before its IEND chunk (truncated)"));
    }

    @Test
    void channelsOfASiteMustAgreeOnSizeAndDepth() {
        final ImageHeader a = new ImageHeader("tiff", 512, 512, 16, 1);
        assertTrue(a.compatibleWith(new ImageHeader("png", 512, 512, 16, 1)));
        assertFalse(a.compatibleWith(new ImageHeader("tiff", 512, 511, 16, 1)));
        assertFalse(a.compatibleWith(new ImageHeader("tiff", 512, 512, 8, 1)));
        assertEquals("512x512 16-bit", a.describe());
    }

    @Test
    void realFileFromDisk(@TempDir final Path dir) throws Exception {
        final Path file = dir.resolve("empty.tif");
        Files.write(file, new byte[0]);
        assertTrue(assertThrows(ImageHeader.BadImageException.class, () -> ImageHeader.read(file)).getMessage()
            .startsWith("empty.tif: only 0 bytes"));
    }
}
