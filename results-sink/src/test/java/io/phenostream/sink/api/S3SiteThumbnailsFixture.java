package io.phenostream.sink.api;

import io.phenostream.common.image.LabelOutlines;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/** {@link S3SiteThumbnailsTest}'s image, label images and expected outlines, for the ITs of other packages. */
public final class S3SiteThumbnailsFixture {

    private S3SiteThumbnailsFixture() {
    }

    /** A 30 x 15 16-bit TIFF. */
    public static byte[] ramp() {
        return S3SiteThumbnailsTest.ramp();
    }

    /** Its nucleus labels as a 16-bit PNG. */
    public static byte[] nuclei() throws IOException {
        return S3SiteThumbnailsTest.labelPng(S3SiteThumbnailsTest.NUCLEI, S3SiteThumbnailsTest.W, S3SiteThumbnailsTest.H);
    }

    /** Its cell labels as a 16-bit PNG. */
    public static byte[] cells() throws IOException {
        return S3SiteThumbnailsTest.labelPng(S3SiteThumbnailsTest.CELLS, S3SiteThumbnailsTest.W, S3SiteThumbnailsTest.H);
    }


    /**
     * Asserts that {@code png} is the full-size (30 x 15) thumbnail: nucleus outline pixels in the nucleus colour,
     * other cell outline pixels in the cell colour, the rest grey.
     */
    public static void assertFullSizeOutlines(final byte[] png) throws IOException {
        final int w = S3SiteThumbnailsTest.W;
        final int h = S3SiteThumbnailsTest.H;
        final String[] expected = new String[h];
        for (int y = 0; y < h; y++) {
            final StringBuilder row = new StringBuilder();
            for (int x = 0; x < w; x++) {
                row.append(LabelOutlines.isOutline(S3SiteThumbnailsTest.NUCLEI, y * w + x, w, h) ? 'N'
                    : LabelOutlines.isOutline(S3SiteThumbnailsTest.CELLS, y * w + x, w, h) ? 'C' : '.');
            }
            expected[y] = row.toString();
        }
        final java.awt.image.BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        if (img.getWidth() != w || img.getHeight() != h) {
            throw new AssertionError("thumbnail is " + img.getWidth() + "x" + img.getHeight() + ", not " + w + "x" + h);
        }
        S3SiteThumbnailsTest.assertOutlines(expected, img);
    }
}
