package io.phenostream.extractor.analysis;

import java.util.List;
import java.util.Objects;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * The label images a site's features were measured on, encoded for storage as one object: a lossless 16-bit
 * grayscale PNG twice the image's height, nucleus labels in the top half and cell labels in the bottom half
 * ({@link io.phenostream.common.image.StackedLabelImages}, role {@code nuclei-over-cells}). Pixel value = object label
 * (the cell table's {@code cell} column; a cell has its nucleus' label), 0 = background. One object instead of two
 * saves a PUT per site (and a GET per outlined thumbnail). Fiji, scikit-image and ImageIO open it as it is. Encoded on
 * the CPU stage, so the site carries a few kB to the store stage instead of its full-resolution label arrays.
 *
 * @param png nucleus labels over cell labels, as PNG
 */
public record SiteMasks(byte[] png) {

    /** The largest label a 16-bit PNG holds; a site with more objects keeps no masks. */
    static final int MAX_LABEL = 0xFFFF;

    /**
     * zlib level 1 with run-length matching: label images are long runs of equal values, and on ExampleHuman's
     * cell labels this is the smallest file of the levels and strategies tried (25 kB vs 32 kB at the default
     * strategy, same for levels 1..9) in the least time (about 4 ms per 512 x 512 mask).
     */
    static final int PNG_COMPRESSION = 1;

    public SiteMasks {
        Objects.requireNonNull(png, "png");
    }

    /** The masks of a segmentation, or null when it has more objects than 16 bits can label. */
    static SiteMasks encode(final LabelImage nuclei, final LabelImage cells, final MatScope scope) {
        if (nuclei.count() > MAX_LABEL || cells.count() > MAX_LABEL) {
            return null;
        }
        final Mat stacked = scope.mat();
        Core.vconcat(List.of(u16(nuclei, scope), u16(cells, scope)), stacked);
        final MatOfByte encoded = scope.track(new MatOfByte());
        final MatOfInt params = scope.track(new MatOfInt(Imgcodecs.IMWRITE_PNG_COMPRESSION, PNG_COMPRESSION,
            Imgcodecs.IMWRITE_PNG_STRATEGY, Imgcodecs.IMWRITE_PNG_STRATEGY_RLE));
        if (!Imgcodecs.imencode(".png", stacked, encoded, params)) {
            throw new IllegalStateException("OpenCV could not encode a " + nuclei.width() + "x" + 2 * nuclei.height()
                + " label PNG");
        }
        return new SiteMasks(encoded.toArray());
    }

    private static Mat u16(final LabelImage labels, final MatScope scope) {
        final Mat u16 = scope.mat();
        labels.mat().convertTo(u16, CvType.CV_16U);
        return u16;
    }
}
