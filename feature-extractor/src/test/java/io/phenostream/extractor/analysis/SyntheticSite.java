package io.phenostream.extractor.analysis;

import java.util.ArrayList;
import java.util.List;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Draws one synthetic channel for tests: filled ellipses (later ones painted over earlier ones) on a flat
 * background with Gaussian noise, as a 16-bit image, then encodes it. Intensities are in [0,1] of full scale.
 */
final class SyntheticSite {

    private final int width;
    private final int height;
    private double background = 0.05;
    private double noise = 0.01;
    private long seed = 42;
    private final List<double[]> ellipses = new ArrayList<>();
    private final List<double[]> rectangles = new ArrayList<>();

    SyntheticSite(final int width, final int height) {
        OpenCvLoader.ensureLoaded();
        this.width = width;
        this.height = height;
    }

    SyntheticSite background(final double level) {
        this.background = level;
        return this;
    }

    SyntheticSite noise(final double sd) {
        this.noise = sd;
        return this;
    }

    SyntheticSite seed(final long value) {
        this.seed = value;
        return this;
    }

    SyntheticSite disc(final double x, final double y, final double radius, final double intensity) {
        return ellipse(x, y, radius, radius, 0, intensity);
    }

    /** Filled axis-aligned rectangle covering pixels x..x+w-1, y..y+h-1. */
    SyntheticSite rectangle(final int x, final int y, final int w, final int h, final double intensity) {
        rectangles.add(new double[] {x, y, w, h, intensity});
        return this;
    }

    /** Number of pixels the shapes cover (drawn alone, without background or noise). */
    int drawnArea() {
        final SyntheticSite alone = new SyntheticSite(width, height).background(0).noise(0);
        alone.ellipses.addAll(ellipses);
        alone.rectangles.addAll(rectangles);
        final Mat image = alone.render16();
        try {
            return Core.countNonZero(image);
        } finally {
            image.release();
        }
    }

    /** @param a half-axis along {@code angle} (degrees), {@code b} the other half-axis */
    SyntheticSite ellipse(final double x, final double y, final double a, final double b, final double angle,
                          final double intensity) {
        ellipses.add(new double[] {x, y, a, b, angle, intensity});
        return this;
    }

    /** The 16-bit image (caller releases). */
    Mat render16() {
        final Mat image = new Mat(height, width, CvType.CV_32F, new Scalar(background));
        for (final double[] e : ellipses) {
            // Drawn with sub-pixel precision (shift 4) so that small radii are not rounded to whole pixels.
            final int shift = 4;
            final double f = 1 << shift;
            Imgproc.ellipse(image, new Point(e[0] * f, e[1] * f), new Size(e[2] * f, e[3] * f), e[4], 0, 360,
                new Scalar(e[5]), -1, Imgproc.LINE_8, shift);
        }
        for (final double[] r : rectangles) {
            Imgproc.rectangle(image, new Point(r[0], r[1]), new Point(r[0] + r[2] - 1, r[1] + r[3] - 1),
                new Scalar(r[4]), -1);
        }
        if (noise > 0) {
            final Mat gaussian = new Mat(height, width, CvType.CV_32F);
            Core.setRNGSeed((int) seed);
            Core.randn(gaussian, 0, noise);
            Core.add(image, gaussian, image);
            gaussian.release();
        }
        final Mat image16 = new Mat();
        image.convertTo(image16, CvType.CV_16U, 65535.0);
        image.release();
        return image16;
    }

    byte[] tiff16() {
        return encode(render16(), ".tif");
    }

    byte[] png16() {
        return encode(render16(), ".png");
    }

    byte[] png8() {
        final Mat image16 = render16();
        final Mat image8 = new Mat();
        image16.convertTo(image8, CvType.CV_8U, 255.0 / 65535.0);
        image16.release();
        return encode(image8, ".png");
    }

    /** Encodes and releases {@code image}. */
    static byte[] encode(final Mat image, final String extension) {
        final MatOfByte buffer = new MatOfByte();
        try {
            if (!Imgcodecs.imencode(extension, image, buffer)) {
                throw new IllegalStateException("OpenCV could not encode " + extension);
            }
            return buffer.toArray();
        } finally {
            buffer.release();
            image.release();
        }
    }

    /** A Gaussian-blurred copy of encoded 16-bit bytes, re-encoded as TIFF. */
    static byte[] blurred(final byte[] encoded, final double sigma) {
        final MatOfByte buffer = new MatOfByte(encoded);
        final Mat image = Imgcodecs.imdecode(buffer, Imgcodecs.IMREAD_ANYDEPTH | Imgcodecs.IMREAD_GRAYSCALE);
        buffer.release();
        final Mat blurred = new Mat();
        Imgproc.GaussianBlur(image, blurred, new Size(0, 0), sigma);
        image.release();
        return encode(blurred, ".tif");
    }
}
