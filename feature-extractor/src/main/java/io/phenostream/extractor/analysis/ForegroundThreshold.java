package io.phenostream.extractor.analysis;

import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfDouble;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

/** Automatic foreground threshold: Otsu on the image rescaled (min..max) to 8 bit. */
final class ForegroundThreshold {

    /**
     * Otsu always splits an image in two, even one of pure noise; a split is accepted as foreground only when
     * the foreground mean exceeds the background mean by this many background standard deviations. Otsu on
     * unimodal noise separates the halves by about 2.7 of them; stained nuclei on a dark field by 10 or more.
     */
    static final double MIN_CONTRAST_IN_BACKGROUND_SD = 4.0;

    private ForegroundThreshold() {
    }

    /**
     * @param requireContrast when true, an image without a clear foreground gives an empty mask
     * @return a CV_8U mask (255 = foreground) owned by {@code scope}
     */
    static Mat otsu(final Mat image, final boolean requireContrast, final MatScope scope) {
        final Mat mask = scope.track(Mat.zeros(image.size(), CvType.CV_8U));
        final Core.MinMaxLocResult range = Core.minMaxLoc(image);
        if (!(range.maxVal - range.minVal > 1e-9)) {
            return mask;
        }
        final Mat image8 = scope.mat();
        Core.normalize(image, image8, 0, 255, Core.NORM_MINMAX, CvType.CV_8U);
        Imgproc.threshold(image8, mask, 0, 255, Imgproc.THRESH_BINARY | Imgproc.THRESH_OTSU);
        if (requireContrast && !hasContrast(image, mask, scope)) {
            mask.setTo(Scalar.all(0));
        }
        return mask;
    }

    private static boolean hasContrast(final Mat image, final Mat mask, final MatScope scope) {
        final Mat background = scope.mat();
        Core.bitwise_not(mask, background);
        if (Core.countNonZero(mask) == 0 || Core.countNonZero(background) == 0) {
            return false;
        }
        final MatOfDouble fgMean = scope.track(new MatOfDouble());
        final MatOfDouble fgSd = scope.track(new MatOfDouble());
        final MatOfDouble bgMean = scope.track(new MatOfDouble());
        final MatOfDouble bgSd = scope.track(new MatOfDouble());
        Core.meanStdDev(image, fgMean, fgSd, mask);
        Core.meanStdDev(image, bgMean, bgSd, background);
        final double gap = fgMean.get(0, 0)[0] - bgMean.get(0, 0)[0];
        return gap > MIN_CONTRAST_IN_BACKGROUND_SD * bgSd.get(0, 0)[0];
    }
}
