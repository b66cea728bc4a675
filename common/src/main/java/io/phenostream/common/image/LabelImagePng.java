package io.phenostream.common.image;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Reads the label images the extractor stores beside its cell tables: lossless single-channel PNG, 16-bit (or
 * 8-bit), pixel value = object label, 0 = background. Plain ImageIO, so a reader needs no OpenCV.
 *
 * @param width  image width in pixels
 * @param height image height in pixels
 * @param labels row-major labels
 */
public record LabelImagePng(int width, int height, int[] labels) {

    /** The largest label a 16-bit PNG can hold. */
    public static final int MAX_LABEL = 0xFFFF;

    /** @throws IllegalArgumentException when the bytes are not a single-channel PNG */
    public static LabelImagePng decode(final byte[] png, final String source) {
        final BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(png));
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot decode label image " + source + ": " + e.getMessage(), e);
        }
        if (img == null) {
            throw new IllegalArgumentException("Label image " + source + " is not a PNG ImageIO reads");
        }
        final Raster raster = img.getRaster();
        if (raster.getNumBands() != 1) {
            throw new IllegalArgumentException("Label image " + source + " has " + raster.getNumBands()
                + " channels; labels are single-channel");
        }
        final int[] labels = raster.getPixels(0, 0, img.getWidth(), img.getHeight(), (int[]) null);
        return new LabelImagePng(img.getWidth(), img.getHeight(), labels);
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) as an image of their own. */
    public LabelImagePng rows(final int from, final int to) {
        if (from < 0 || to > height || from >= to) {
            throw new IllegalArgumentException("Rows " + from + ".." + to + " are not within 0.." + height);
        }
        return new LabelImagePng(width, to - from, java.util.Arrays.copyOfRange(labels, from * width, to * width));
    }

    /** Number of distinct non-zero labels. */
    public int objectCount() {
        return (int) java.util.Arrays.stream(labels).filter(l -> l != 0).distinct().count();
    }

    /** The largest label (0 for an image without objects). */
    public int maxLabel() {
        int max = 0;
        for (final int l : labels) {
            max = Math.max(max, l);
        }
        return max;
    }
}
