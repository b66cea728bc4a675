package io.phenostream.extractor.analysis;

import static io.phenostream.extractor.analysis.SiteAnalyzerTest.ANALYZER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Unusable input is rejected with an exception that names the channel. */
class ImageDecodeTest {

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
}
