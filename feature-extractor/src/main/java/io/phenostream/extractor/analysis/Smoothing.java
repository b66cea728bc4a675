package io.phenostream.extractor.analysis;

import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/** Gaussian smoothing with a kernel sized from sigma (OpenCV picks about 6 sigma). */
final class Smoothing {

    private Smoothing() {
    }

    /** The image itself when sigma <= 0, else a smoothed copy owned by {@code scope}. */
    static Mat gaussian(final Mat image, final double sigma, final MatScope scope) {
        if (!(sigma > 0)) {
            return image;
        }
        final Mat smoothed = scope.mat();
        Imgproc.GaussianBlur(image, smoothed, new Size(0, 0), sigma, sigma, org.opencv.core.Core.BORDER_REFLECT);
        return smoothed;
    }
}
