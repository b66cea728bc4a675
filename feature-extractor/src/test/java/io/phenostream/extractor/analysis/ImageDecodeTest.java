package io.phenostream.extractor.analysis;

import static io.phenostream.extractor.analysis.SiteAnalyzerTest.ANALYZER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * Every supported layout decodes to its original intensities (checked pixel by pixel against the values written
 * with javax.imageio, an encoder independent of OpenCV), and unusable input is rejected with an exception that
 * names the channel.
 */
class ImageDecodeTest {

    private static final int W = 37;
    private static final int H = 23;

    private static final byte[] GOOD = SiteAnalyzerTest.grid(1, 1, 10).tiff16();

    private static ImageDecodeException rejected(final Map<String, byte[]> images, final String cellChannel) {
        return assertThrows(ImageDecodeException.class, () -> ANALYZER.analyze(images, "DNA", cellChannel));
    }

    private static Map<String, byte[]> withGfp(final byte[] gfp) {
        final Map<String, byte[]> images = new HashMap<>();
        images.put("DNA", GOOD);
        images.put("GFP", gfp);
        return images;
    }

    @Test
    void zeroBytes() {
        final ImageDecodeException e = rejected(withGfp(new byte[0]), null);
        assertEquals("GFP", e.channel());
        assertTrue(e.getMessage().contains("'GFP'") && e.getMessage().contains("0 bytes"), e.getMessage());
    }

    @Test
    void garbageBytes() {
        final byte[] garbage = new byte[2000];
        new Random(1).nextBytes(garbage);
        final ImageDecodeException e = rejected(withGfp(garbage), null);
        assertEquals("GFP", e.channel());
        assertTrue(e.getMessage().contains("cannot decode"), e.getMessage());
    }

    @Test
    void truncatedTiff() {
        final byte[] truncated = java.util.Arrays.copyOf(GOOD, GOOD.length / 3);
        assertEquals("GFP", rejected(withGfp(truncated), null).channel());
    }

    @Test
    void onePixelImage() {
        final ImageDecodeException e = rejected(withGfp(new SyntheticSite(1, 1).png16()), null);
        assertEquals("GFP", e.channel());
        assertTrue(e.getMessage().contains("1x1"), e.getMessage());
    }

    @Test
    void mismatchedSizes() {
        final ImageDecodeException e = rejected(withGfp(new SyntheticSite(128, 64).tiff16()), null);
        assertEquals("GFP", e.channel());
        assertTrue(e.getMessage().contains("128x64") && e.getMessage().contains("256x256"), e.getMessage());
    }

    @Test
    void missingNuclearOrCellChannel() {
        assertEquals("DNA", rejected(Map.of("GFP", GOOD), null).channel());
        assertEquals("Actin", rejected(withGfp(GOOD), "Actin").channel());
    }

    // ---- supported layouts -------------------------------------------------------------------------------

    /** Pixel (x, y) of a test pattern with every value 0..max represented. */
    private static int pattern(final int x, final int y, final int max) {
        return (int) ((x * 7919L + y * 104729L + (long) x * y * 31) % (max + 1));
    }

    private static float[] decode(final byte[] bytes) {
        OpenCvLoader.ensureLoaded();
        try (MatScope scope = new MatScope()) {
            final Mat m = ChannelDecoder.decode("GFP", bytes, scope);
            assertEquals(CvType.CV_32FC1, m.type());
            assertEquals(W, m.cols());
            assertEquals(H, m.rows());
            final float[] out = new float[W * H];
            m.get(0, 0, out);
            return out;
        }
    }

    private static ImageDecodeException decodeRejected(final byte[] bytes) {
        OpenCvLoader.ensureLoaded();
        try (MatScope scope = new MatScope()) {
            return assertThrows(ImageDecodeException.class, () -> ChannelDecoder.decode("GFP", bytes, scope));
        }
    }

    /** Asserts decoded == expected(x, y) / fullScale to float precision. */
    private static void assertPixels(final float[] decoded, final int[] expected, final double fullScale) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i] / fullScale, decoded[i], 1e-6,
                "pixel (" + i % W + "," + i / W + ")");
        }
    }

    static byte[] write(final String format, final BufferedImage... pages) {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
             ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            final ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
            writer.setOutput(out);
            if (pages.length == 1) {
                writer.write(pages[0]);
            } else {
                writer.prepareWriteSequence(null);
                for (final BufferedImage page : pages) {
                    writer.writeToSequence(new IIOImage(page, null, null), null);
                }
                writer.endWriteSequence();
            }
            writer.dispose();
            out.flush();
            return bytes.toByteArray();
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int[] expected(final int max, final int shift) {
        final int[] values = new int[W * H];
        for (int i = 0; i < values.length; i++) {
            values[i] = pattern(i % W + shift, i / W, max);
        }
        return values;
    }

    private static BufferedImage grey(final int type, final int width, final int[] values) {
        final BufferedImage image = new BufferedImage(width, values.length / width, type);
        image.getRaster().setPixels(0, 0, width, values.length / width, values);
        return image;
    }

    @Test
    void eightAndSixteenBitGreyKeepTheirValues() {
        final int[] v8 = expected(255, 0);
        final int[] v16 = expected(65535, 0);
        assertPixels(decode(write("png", grey(BufferedImage.TYPE_BYTE_GRAY, W, v8))), v8, 255);
        assertPixels(decode(write("tiff", grey(BufferedImage.TYPE_BYTE_GRAY, W, v8))), v8, 255);
        assertPixels(decode(write("png", grey(BufferedImage.TYPE_USHORT_GRAY, W, v16))), v16, 65535);
        assertPixels(decode(write("tiff", grey(BufferedImage.TYPE_USHORT_GRAY, W, v16))), v16, 65535);
    }

    private static BufferedImage rgb(final int[] values, final int greenOffset, final int at) {
        final BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_3BYTE_BGR);
        for (int i = 0; i < values.length; i++) {
            final int v = values[i];
            final int g = i == at ? (v + greenOffset) % 256 : v;
            image.setRGB(i % W, i / W, v << 16 | g << 8 | v);
        }
        return image;
    }

    @Test
    void greySavedAsRgbBecomesOneChannel() {
        final int[] v = expected(255, 3);
        assertPixels(decode(write("png", rgb(v, 0, -1))), v, 255);
        assertPixels(decode(write("tiff", rgb(v, 0, -1))), v, 255);
    }

    @Test
    void trueColourIsRejectedNamingTheColour() {
        // A single pixel whose green differs is enough: such an image is not one fluorescence channel.
        final ImageDecodeException e = decodeRejected(write("png", rgb(expected(255, 3), 9, 40)));
        assertEquals("GFP", e.channel());
        assertTrue(e.getMessage().contains("colour image") && e.getMessage().contains("green")
            && e.getMessage().contains("1 of " + W * H), e.getMessage());
    }

    private static BufferedImage indexed(final int[] indices, final IndexColorModel palette) {
        final BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_INDEXED, palette);
        final WritableRaster raster = image.getRaster();
        raster.setPixels(0, 0, W, H, indices);
        return image;
    }

    /** A pseudo-colour lookup table unrelated to the index: the decoder must map colours back to indices. */
    private static IndexColorModel firePalette() {
        final byte[] r = new byte[256];
        final byte[] g = new byte[256];
        final byte[] b = new byte[256];
        for (int i = 0; i < 256; i++) {
            r[i] = (byte) (255 - i);
            g[i] = (byte) (i * 3 % 256);
            b[i] = (byte) (i / 2);
        }
        return new IndexColorModel(8, 256, r, g, b);
    }

    @Test
    void paletteImagesGiveTheirIndices() {
        final int[] v = expected(255, 5);
        assertPixels(decode(write("tiff", indexed(v, firePalette()))), v, 255);
        assertPixels(decode(write("png", indexed(v, firePalette()))), v, 255);
    }

    @Test
    void paletteWithSharedColoursIsAmbiguous() {
        final byte[] grey = new byte[256];
        for (int i = 0; i < 256; i++) {
            grey[i] = (byte) (i / 2);
        }
        final ImageDecodeException e =
            decodeRejected(write("tiff", indexed(expected(255, 0), new IndexColorModel(8, 256, grey, grey, grey))));
        assertEquals("GFP", e.channel());
        assertTrue(e.getMessage().contains("ambiguous"), e.getMessage());
    }

    @Test
    void multiPageTiffIsItsMaximumProjection() {
        final int[][] pages = {expected(65535, 0), expected(65535, 11), expected(65535, 29)};
        final int[] max = new int[W * H];
        for (int i = 0; i < max.length; i++) {
            max[i] = Math.max(pages[0][i], Math.max(pages[1][i], pages[2][i]));
        }
        final byte[] stack = write("tiff", grey(BufferedImage.TYPE_USHORT_GRAY, W, pages[0]),
            grey(BufferedImage.TYPE_USHORT_GRAY, W, pages[1]), grey(BufferedImage.TYPE_USHORT_GRAY, W, pages[2]));
        assertPixels(decode(stack), max, 65535);
    }

    @Test
    void multiPageTiffWithPagesOfDifferentSizesIsRejected() {
        final byte[] stack = write("tiff", grey(BufferedImage.TYPE_USHORT_GRAY, W, expected(65535, 0)),
            grey(BufferedImage.TYPE_USHORT_GRAY, W - 1, new int[(W - 1) * H]));
        final ImageDecodeException e = decodeRejected(stack);
        assertEquals("GFP", e.channel());
        assertTrue(e.getMessage().contains("page 2 of 2") && e.getMessage().contains((W - 1) + "x" + H)
            && e.getMessage().contains(W + "x" + H), e.getMessage());
    }

    @Test
    void truncatedMultiPageTiffIsRejectedNotShortened() {
        final BufferedImage page = grey(BufferedImage.TYPE_USHORT_GRAY, W, expected(65535, 0));
        final byte[] stack = write("tiff", page, page, page);
        assertEquals(3, ImageHeaders.read(stack).pageCount());
        final byte[] cut = java.util.Arrays.copyOf(stack, stack.length - 400);
        final ImageDecodeException e = decodeRejected(cut);
        assertEquals("GFP", e.channel());
        // Either OpenCV fails the damaged page, or fewer pages decode than the IFD chain declares.
        assertTrue(e.getMessage().contains("cannot decode") || e.getMessage().contains("declares at least 3 pages"),
            e.getMessage());
    }

    @Test
    void floatTiffIsRejectedAsUnsupportedDepth() {
        OpenCvLoader.ensureLoaded();
        final Mat image = new Mat(H, W, CvType.CV_32FC1, new Scalar(0.25));
        final MatOfByte encoded = new MatOfByte();
        Imgcodecs.imencode(".tif", image, encoded);
        final ImageDecodeException e = decodeRejected(encoded.toArray());
        image.release();
        encoded.release();
        assertEquals("GFP", e.channel());
        assertTrue(e.getMessage().contains("32F") && e.getMessage().contains("8- or 16-bit"), e.getMessage());
    }

    static Path transfluor() {
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null) {
            final Path candidate = dir.resolve("shared/data/cellprofiler-examples/Transfluor");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            dir = dir.getParent();
        }
        return null;
    }

    /** The real Transfluor images are 8-bit palette TIFFs: the decoded values are the stored indices. */
    @Test
    void realTransfluorPaletteTiff() throws IOException {
        final Path dir = transfluor();
        Assumptions.assumeTrue(dir != null, "shared/data/cellprofiler-examples/Transfluor not found");
        final byte[] bytes = Files.readAllBytes(dir.resolve("AS_09047_050428030001_O01f00d2.TIF"));
        // Ground truth from the JDK's TIFF reader, which gives palette images' raw indices.
        final BufferedImage reference = ImageIO.read(new ByteArrayInputStream(bytes));
        assertTrue(reference.getColorModel() instanceof IndexColorModel, "expected a palette TIFF");
        final int w = reference.getWidth();
        final int h = reference.getHeight();
        assertEquals(List.of(512, 512), List.of(w, h));
        final int[] indices = reference.getRaster().getPixels(0, 0, w, h, (int[]) null);
        OpenCvLoader.ensureLoaded();
        try (MatScope scope = new MatScope()) {
            final Mat m = ChannelDecoder.decode("GFP", bytes, scope);
            final float[] decoded = new float[w * h];
            m.get(0, 0, decoded);
            int max = 0;
            for (int i = 0; i < decoded.length; i++) {
                assertEquals(indices[i] / 255.0, decoded[i], 1e-6, "pixel " + i);
                max = Math.max(max, indices[i]);
            }
            assertTrue(max > 100, "a real image uses much of the 8-bit range, max " + max);
        }
    }
}
