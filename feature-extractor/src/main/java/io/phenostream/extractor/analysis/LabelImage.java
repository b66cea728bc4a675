package io.phenostream.extractor.analysis;

import org.opencv.core.Mat;

/**
 * A label image: 0 = background, 1..count = objects. The pixels are kept both as a CV_32S Mat (for OpenCV calls
 * on object regions) and as a row-major Java array (for one-pass per-object statistics).
 */
record LabelImage(Mat mat, int[] pixels, int count, int width, int height) {

    /** Wraps {@code pixels} (row-major, width x height) into a new CV_32S Mat owned by {@code scope}. */
    static LabelImage of(final int[] pixels, final int count, final int width, final int height,
                         final MatScope scope) {
        final Mat mat = scope.track(new Mat(height, width, org.opencv.core.CvType.CV_32S));
        mat.put(0, 0, pixels);
        return new LabelImage(mat, pixels, count, width, height);
    }
}
