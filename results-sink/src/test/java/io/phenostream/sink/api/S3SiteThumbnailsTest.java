package io.phenostream.sink.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.phenostream.common.synth.TiffWriter;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class S3SiteThumbnailsTest {

    @Test
    void sixteenBitTiffIsStretchedAndDownsampled() throws Exception {
        // 200 x 100, left half 1000, right half 3000: after the percentile stretch black | white.
        final short[] px = new short[200 * 100];
        for (int y = 0; y < 100; y++) {
            for (int x = 0; x < 200; x++) {
                px[y * 200 + x] = (short) (x < 100 ? 1000 : 3000);
            }
        }
        final byte[] png = S3SiteThumbnails.thumbnail(TiffWriter.encode16(200, 100, px), "test.tif", 50);
        final BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(50, img.getWidth());
        assertEquals(25, img.getHeight());
        assertEquals(0, img.getRaster().getSample(5, 5, 0));
        assertEquals(255, img.getRaster().getSample(45, 20, 0));
    }

    @Test
    void smallImagesAreNotEnlarged() throws Exception {
        final byte[] px = new byte[16 * 8];
        px[3] = (byte) 200;
        final byte[] png = S3SiteThumbnails.thumbnail(TiffWriter.encode8(16, 8, px), "small.tif", 256);
        final BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(16, img.getWidth());
        assertEquals(8, img.getHeight());
    }
}
