package io.phenostream.extractor.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.events.ExtractionParameters;
import java.awt.image.BufferedImage;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

/**
 * Images whose headers declare more pixels than {@code phenostream.image.max-pixels} are refused from the header,
 * before OpenCV allocates anything; the limit is exact, and counts every page of a stack.
 */
class OversizedImageTest {

    @Test
    void gigantPngAndTiffHeadersAreRefusedBeforeDecoding() {
        for (final byte[] hostile : new byte[][] {HostileImages.pngDeclaring(100_000, 100_000),
            HostileImages.tiffDeclaring(100_000, 100_000)}) {
            assertTrue(hostile.length < 1000, "a few hundred bytes claim 10^10 pixels");
            final ImageDecodeException e = rejected(hostile, ChannelDecoder.DEFAULT_MAX_PIXELS);
            assertEquals("GFP", e.channel());
            assertTrue(e.getMessage().contains("100000x100000") && e.getMessage().contains("100000000")
                && e.getMessage().contains("phenostream.image.max-pixels")
                && e.getMessage().contains("before decoding"), e.getMessage());
        }
    }

    /** 30000 x 30000 is under OpenCV's own limit (2^30 pixels): without ours it would allocate 1.8 GB. */
    @Test
    void imageUnderOpenCvsLimitButOverOursIsRefused() {
        final ImageDecodeException e = rejected(HostileImages.pngDeclaring(30_000, 30_000),
            ChannelDecoder.DEFAULT_MAX_PIXELS);
        assertTrue(e.getMessage().contains("30000x30000"), e.getMessage());
    }

    @Test
    void headersReportTheDeclaredSize() {
        final ImageHeaders tiff = ImageHeaders.read(HostileImages.tiffDeclaring(123_456, 7));
        assertEquals(123_456, tiff.width());
        assertEquals(7, tiff.height());
        assertEquals(123_456L * 7, tiff.pixels());
        final ImageHeaders png = ImageHeaders.read(HostileImages.pngDeclaring(5, 400_000));
        assertEquals(2_000_000L, png.pixels());
        assertEquals(-1, ImageHeaders.read(HostileImages.notAnImage()).pixels(), "unknown format: unknown size");
    }

    @Test
    void theLimitIsExact() {
        final byte[] image = SyntheticSite.encode(new Mat(30, 40, CvType.CV_16UC1, new Scalar(1000)), ".png");
        OpenCvLoader.ensureLoaded();
        try (MatScope scope = new MatScope()) {
            assertEquals(40, ChannelDecoder.decode("GFP", image, scope, 1200).cols(), "40 x 30 = 1200 pixels");
        }
        assertTrue(rejected(image, 1199).getMessage().contains("40x30"));
    }

    @Test
    void aStackCountsEveryPage() {
        final BufferedImage page = new BufferedImage(40, 30, BufferedImage.TYPE_USHORT_GRAY);
        final byte[] stack = ImageDecodeTest.write("tiff", page, page, page);
        assertEquals(3600, ImageHeaders.read(stack).pixels());
        final ImageDecodeException e = rejected(stack, 3000);
        assertTrue(e.getMessage().contains("40x30") && e.getMessage().contains("3600 over all pages"), e.getMessage());
        OpenCvLoader.ensureLoaded();
        try (MatScope scope = new MatScope()) {
            assertEquals(30, ChannelDecoder.decode("GFP", stack, scope, 3600).rows());
        }
    }

    @Test
    void theAnalyzerAppliesItsLimitToEveryChannel() {
        final byte[] site = SiteAnalyzerTest.grid(1, 1, 10).tiff16();   // 256 x 256
        final SiteAnalyzer small = new SiteAnalyzer(ExtractionParameters.defaults(), 256 * 256 - 1);
        final ImageDecodeException e = assertThrows(ImageDecodeException.class,
            () -> small.analyze(Map.of("DNA", site), "DNA", null));
        assertEquals("DNA", e.channel());
        assertEquals(1, new SiteAnalyzer(ExtractionParameters.defaults(), 256 * 256)
            .analyze(Map.of("DNA", site), "DNA", null).cellCount());
    }

    /** Noise over a PNG's compressed data: refused (OpenCV reports the damage), never a crash. */
    @Test
    void corruptCompressedDataIsRefused() {
        final byte[] good = SyntheticSite.encode(new Mat(64, 64, CvType.CV_16UC1, new Scalar(1000)), ".png");
        final ImageDecodeException e = rejected(HostileImages.corrupt(good), ChannelDecoder.DEFAULT_MAX_PIXELS);
        assertTrue(e.getMessage().contains("cannot decode"), e.getMessage());
    }

    private static ImageDecodeException rejected(final byte[] bytes, final long maxPixels) {
        OpenCvLoader.ensureLoaded();
        try (MatScope scope = new MatScope()) {
            return assertThrows(ImageDecodeException.class, () -> ChannelDecoder.decode("GFP", bytes, scope, maxPixels));
        }
    }
}
