package io.phenostream.extractor.analysis;

import io.phenostream.common.events.SiteQc;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfDouble;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

/** Focus and saturation of a site, and the QC flags derived from them and the cell count. */
final class SiteQualityMeter {

    static final String FLAG_NO_CELLS = "no_cells";
    static final String FLAG_SATURATED = "saturated";
    /** Above this fraction of saturated pixels intensities are clipped enough to bias the features. */
    static final double SATURATED_FRACTION_LIMIT = 0.01;

    private final double saturationLevel;

    SiteQualityMeter(final double saturationLevel) {
        this.saturationLevel = saturationLevel;
    }

    SiteQc measure(final Mat nuclear, final Collection<Mat> channels, final int cellCount, final MatScope scope) {
        final double focus = focusScore(nuclear, scope);
        final double saturated = saturationFraction(channels, scope);
        final List<String> flags = new ArrayList<>();
        if (cellCount == 0) {
            flags.add(FLAG_NO_CELLS);
        }
        if (saturated > SATURATED_FRACTION_LIMIT) {
            flags.add(FLAG_SATURATED);
        }
        return new SiteQc(focus, saturated, flags);
    }

    /**
     * Normalized variance of the Laplacian: var(Laplacian) / var(image), on the image reduced 2x2 (Gaussian
     * pyramid). Sharp edges give large second derivatives and blur flattens them; dividing by the image's own
     * variance makes a sparse field (few cells, e.g. a cytotoxic well) as sharp as a dense one, and the
     * reduction keeps pixel-level camera noise, which defocus does not remove, from dominating.
     */
    static double focusScore(final Mat image, final MatScope scope) {
        final Mat reduced = scope.mat();
        Imgproc.pyrDown(image, reduced);
        final Mat laplacian = scope.mat();
        Imgproc.Laplacian(reduced, laplacian, CvType.CV_32F);
        final double lapVar = variance(laplacian, scope);
        final double imageVar = variance(reduced, scope);
        return imageVar > 0 ? lapVar / imageVar : 0;
    }

    private static double variance(final Mat m, final MatScope scope) {
        final MatOfDouble mean = scope.track(new MatOfDouble());
        final MatOfDouble sd = scope.track(new MatOfDouble());
        Core.meanStdDev(m, mean, sd);
        final double s = sd.get(0, 0)[0];
        return s * s;
    }

    /** Fraction of pixels at or above the saturation level in at least one channel. */
    double saturationFraction(final Collection<Mat> channels, final MatScope scope) {
        Mat any = null;
        for (final Mat channel : channels) {
            final Mat hot = scope.mat();
            // A hair below the level so that full scale (exactly 1.0 after scaling) counts at level 1.0.
            Core.compare(channel, new Scalar(saturationLevel - 1e-6), hot, Core.CMP_GE);
            if (any == null) {
                any = hot;
            } else {
                Core.bitwise_or(any, hot, any);
            }
        }
        return any == null ? 0 : Core.countNonZero(any) / (double) any.total();
    }
}
