package io.phenostream.extractor.analysis;

import java.util.Objects;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * The label images a site's features were measured on, encoded for storage: lossless 16-bit grayscale PNGs,
 * pixel value = object label (the cell table's {@code cell} column; a cell has its nucleus' label), 0 =
 * background. Fiji, CellProfiler, scikit-image and ImageIO open them as they are. Encoded on the CPU stage, so the
 * site carries a few kB per mask to the store stage instead of its full-resolution label arrays.
 *
 * @param nucleiPng the nucleus labels as PNG
 * @param cellsPng  the cell labels as PNG
 */
public record SiteMasks(byte[] nucleiPng, byte[] cellsPng) {

    /** The largest label a 16-bit PNG holds; a site with more objects keeps no masks. */
    static final int MAX_LABEL = 0xFFFF;

    /**
     * zlib level 1 with run-length matching: label images are long runs of equal values, and on ExampleHuman's
     * cell labels this is the smallest file of the levels and strategies tried (25 kB vs 32 kB at the default
     * strategy, same for levels 1..9) in the least time (about 4 ms per 512 x 512 mask).
     */
    static final int PNG_COMPRESSION = 1;

    public SiteMasks {
        Objects.requireNonNull(nucleiPng, "nucleiPng");
        Objects.requireNonNull(cellsPng, "cellsPng");
    }

    /** The masks of a segmentation, or null when it has more objects than 16 bits can label. */
    static SiteMasks encode(final LabelImage nuclei, final LabelImage cells, final MatScope scope) {
        if (nuclei.count() > MAX_LABEL || cells.count() > MAX_LABEL) {
            return null;
        }
        return new SiteMasks(png(nuclei, scope), png(cells, scope));
    }

    private static byte[] png(final LabelImage labels, final MatScope scope) {
        final Mat u16 = scope.mat();
        labels.mat().convertTo(u16, CvType.CV_16U);
        final MatOfByte encoded = scope.track(new MatOfByte());
        final MatOfInt params = scope.track(new MatOfInt(Imgcodecs.IMWRITE_PNG_COMPRESSION, PNG_COMPRESSION,
            Imgcodecs.IMWRITE_PNG_STRATEGY, Imgcodecs.IMWRITE_PNG_STRATEGY_RLE));
        if (!Imgcodecs.imencode(".png", u16, encoded, params)) {
            throw new IllegalStateException("OpenCV could not encode a " + labels.width() + "x" + labels.height()
                + " label PNG");
        }
        return encoded.toArray();
    }
}
