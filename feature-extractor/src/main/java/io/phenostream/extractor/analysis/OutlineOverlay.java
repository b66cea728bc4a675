package io.phenostream.extractor.analysis;

import io.phenostream.common.image.LabelOutlines;
import java.util.Arrays;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * Draws object outlines over a contrast-stretched grayscale image and encodes it as PNG, for a person to check a
 * segmentation by eye. Outline pixels follow {@link LabelOutlines} (object pixels with a 4-neighbour of another
 * label, or on the image edge): objects in yellow, optional reference objects (e.g. ground truth) in cyan, both where they coincide
 * in white.
 */
final class OutlineOverlay {

    /** Stretch between these quantiles of the image so a few hot pixels do not flatten the rest. */
    static final double LOW_QUANTILE = 0.005;
    static final double HIGH_QUANTILE = 0.998;

    private OutlineOverlay() {
    }

    /**
     * @param image     single-channel float image (any range), width x height
     * @param labels    objects, row-major, 0 = background
     * @param reference second set of objects to outline in another colour, or null
     * @return PNG bytes (8-bit BGR)
     */
    static byte[] png(final Mat image, final int[] labels, final int[] reference) {
        final int width = image.cols();
        final int height = image.rows();
        if (labels.length != width * height || reference != null && reference.length != width * height) {
            throw new IllegalArgumentException("labels of " + labels.length + " pixels do not fit a " + width + "x"
                + height + " image");
        }
        final float[] pixels = new float[width * height];
        try (MatScope scope = new MatScope()) {
            final Mat floats = scope.mat();
            image.convertTo(floats, CvType.CV_32F);
            floats.get(0, 0, pixels);
            final float[] sorted = pixels.clone();
            Arrays.sort(sorted);
            final float lo = sorted[(int) (LOW_QUANTILE * (sorted.length - 1))];
            final float hi = Math.max(lo + 1e-12f, sorted[(int) (HIGH_QUANTILE * (sorted.length - 1))]);
            final byte[] bgr = new byte[width * height * 3];
            for (int i = 0; i < pixels.length; i++) {
                final int v = (int) Math.round(255 * Math.min(1, Math.max(0, (pixels[i] - lo) / (hi - lo))));
                bgr[3 * i] = (byte) v;
                bgr[3 * i + 1] = (byte) v;
                bgr[3 * i + 2] = (byte) v;
            }
            for (int i = 0; i < pixels.length; i++) {
                final boolean object = LabelOutlines.isOutline(labels, i, width, height);
                final boolean ref = reference != null && LabelOutlines.isOutline(reference, i, width, height);
                if (object || ref) {
                    bgr[3 * i] = (byte) (ref ? 255 : 0);
                    bgr[3 * i + 1] = (byte) 255;
                    bgr[3 * i + 2] = (byte) (object ? 255 : 0);
                }
            }
            final Mat colour = scope.track(new Mat(height, width, CvType.CV_8UC3));
            colour.put(0, 0, bgr);
            final MatOfByte encoded = scope.track(new MatOfByte());
            if (!Imgcodecs.imencode(".png", colour, encoded)) {
                throw new IllegalStateException("OpenCV could not encode a " + width + "x" + height + " PNG");
            }
            return encoded.toArray();
        }
    }
}
