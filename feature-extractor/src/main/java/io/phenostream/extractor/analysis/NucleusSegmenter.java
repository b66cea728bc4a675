package io.phenostream.extractor.analysis;

import io.phenostream.common.events.ExtractionParameters;
import java.util.ArrayList;
import java.util.List;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfPoint;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Finds nuclei: smooth, Otsu threshold, fill holes, seed one marker per nucleus at the h-maxima of a relief that
 * multiplies the distance to the background by the (lightly smoothed) stain intensity, merge seeds closer than the
 * smallest nucleus's diameter, split touching nuclei by a watershed on the (exact) distance map, then drop
 * objects outside the size range or touching the image border.
 */
final class NucleusSegmenter {

    /**
     * Relative height a peak of the seed relief (distance x intensity) must rise above the saddle to its
     * neighbour to seed its own nucleus, as a difference of natural logs (0.01 = 1%; {@link #hMaxima}'s plateau
     * test adds half its epsilon, so about 1.5% in effect). Shape alone misses overlapping nuclei: centres
     * down to 0.8 of the summed radii, unequal sizes and elongation leave the union of two nuclei nearly convex
     * once blurred (no distance neck to speak of), but each nucleus is a dome of its own brightness, so the
     * product dips between them. Texture and noise bumps pass this low bar too; {@link #minSeedDistance} merges
     * them. Tuned on the synthetic plate (SegmentationAccuracyTest); a constant here because
     * {@code ExtractionParameters} is shared with the rest of the pipeline.
     */
    static final double SEED_DYNAMIC = 0.01;

    /**
     * Gaussian sigma (pixels) of the intensity in the seed relief: enough to even out shot noise, less than
     * {@code smoothingSigma} so that the dip between two overlapping domes survives.
     */
    static final double SEED_INTENSITY_SIGMA = 1.0;

    private final ExtractionParameters params;

    NucleusSegmenter(final ExtractionParameters params) {
        this.params = params;
    }

    LabelImage segment(final Mat nuclear, final MatScope scope) {
        final int width = nuclear.cols();
        final int height = nuclear.rows();
        final Mat smoothed = Smoothing.gaussian(nuclear, params.smoothingSigma(), scope);
        final Mat foreground = fillHoles(ForegroundThreshold.otsu(smoothed, true, scope), scope);
        if (Core.countNonZero(foreground) == 0) {
            return LabelImage.of(new int[width * height], 0, width, height, scope);
        }

        final Mat distance = scope.mat();
        Imgproc.distanceTransform(foreground, distance, Imgproc.DIST_L2, Imgproc.DIST_MASK_PRECISE);
        final Mat relief = seedRelief(nuclear, foreground, distance, scope);
        final Mat seeds = hMaxima(relief, foreground, SEED_DYNAMIC, scope);
        final Mat markers = scope.mat();
        final int seedCount = Imgproc.connectedComponents(seeds, markers, 8, CvType.CV_32S) - 1;

        // Flood the inverted distance map: basins are nucleus centres, ridges the necks between them.
        final int[] labels = new int[width * height];
        markers.get(0, 0, labels);
        mergeCloseSeeds(labels, seedCount, width, minSeedDistance());
        final float[] depth = new float[width * height];
        distance.get(0, 0, depth);
        for (int i = 0; i < depth.length; i++) {
            depth[i] = -depth[i];
        }
        final byte[] inside = new byte[width * height];
        foreground.get(0, 0, inside);
        MarkerWatershed.flood(depth, labels, inside, width, height);
        final int count = keepBySizeAwayFromBorder(labels, seedCount, width, height);
        return LabelImage.of(labels, count, width, height, scope);
    }

    /**
     * ln(distance + 1) + ln((I - background) / (I at the foreground's rim - background)), clamped at 0 and 0
     * outside the foreground, where I is the nuclear channel smoothed with {@link #SEED_INTENSITY_SIGMA}: the log
     * of distance x intensity, so that {@link #SEED_DYNAMIC} is a relative height whatever the stain's
     * brightness, and both a shape neck and an intensity dip between two nuclei deepen the saddle.
     */
    static Mat seedRelief(final Mat nuclear, final Mat foreground, final Mat distance, final MatScope scope) {
        final Mat intensity = Smoothing.gaussian(nuclear, SEED_INTENSITY_SIGMA, scope);
        final Mat background = scope.mat();
        Core.bitwise_not(foreground, background);
        final double backgroundLevel = Core.mean(intensity, background).val[0];
        final Mat inner = scope.mat();
        Imgproc.erode(foreground, inner, scope.track(Imgproc.getStructuringElement(Imgproc.MORPH_RECT, new Size(3, 3))));
        final Mat rim = scope.mat();
        Core.subtract(foreground, inner, rim);
        final double rimLevel = Core.mean(intensity, rim).val[0];

        final Mat relief = scope.mat();
        Core.subtract(intensity, new Scalar(backgroundLevel), relief);
        Core.max(relief, new Scalar(1e-6), relief);
        Core.multiply(relief, new Scalar(1.0 / Math.max(1e-6, rimLevel - backgroundLevel)), relief);
        final Mat shape = scope.mat();
        Core.add(distance, new Scalar(1), shape);
        Core.multiply(relief, shape, relief);
        Core.log(relief, relief);
        Core.max(relief, new Scalar(0), relief);
        final Mat masked = scope.track(Mat.zeros(relief.size(), CvType.CV_32F));
        relief.copyTo(masked, foreground);
        return masked;
    }

    /**
     * Seeds closer than this are one nucleus: the diameter of the smallest nucleus kept (CellProfiler's
     * maxima suppression distance). Two touching nuclei of that size already have their centres this far apart.
     */
    double minSeedDistance() {
        return 2 * Math.sqrt(Math.max(1, params.minNucleusArea()) / Math.PI);
    }

    /** Relabels seeds whose centroids lie within {@code minDistance} of each other to one label (union-find). */
    static void mergeCloseSeeds(final int[] labels, final int seedCount, final int width, final double minDistance) {
        if (seedCount < 2 || !(minDistance > 0)) {
            return;
        }
        final double[] sumX = new double[seedCount + 1];
        final double[] sumY = new double[seedCount + 1];
        final int[] n = new int[seedCount + 1];
        for (int i = 0; i < labels.length; i++) {
            final int label = labels[i];
            if (label > 0) {
                sumX[label] += i % width;
                sumY[label] += i / width;
                n[label]++;
            }
        }
        final int[] parent = new int[seedCount + 1];
        for (int label = 1; label <= seedCount; label++) {
            parent[label] = label;
            sumX[label] /= n[label];
            sumY[label] /= n[label];
        }
        final double limit = minDistance * minDistance;
        // Seeds are few (one or two per nucleus), so all pairs is cheap next to the pixel passes.
        for (int a = 1; a <= seedCount; a++) {
            for (int b = a + 1; b <= seedCount; b++) {
                final double dx = sumX[a] - sumX[b];
                final double dy = sumY[a] - sumY[b];
                if (dx * dx + dy * dy < limit) {
                    parent[root(parent, a)] = root(parent, b);
                }
            }
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] > 0) {
                labels[i] = root(parent, labels[i]);
            }
        }
    }

    private static int root(final int[] parent, final int label) {
        int r = label;
        while (parent[r] != r) {
            parent[r] = parent[parent[r]];
            r = parent[r];
        }
        return r;
    }

    /** Fills holes by redrawing the outer contours of the mask filled. */
    private static Mat fillHoles(final Mat mask, final MatScope scope) {
        final List<MatOfPoint> contours = new ArrayList<>();
        final Mat hierarchy = scope.mat();
        Imgproc.findContours(mask, contours, hierarchy, Imgproc.RETR_EXTERNAL, Imgproc.CHAIN_APPROX_SIMPLE);
        contours.forEach(scope::track);
        final Mat filled = scope.track(Mat.zeros(mask.size(), CvType.CV_8U));
        Imgproc.drawContours(filled, contours, -1, new Scalar(255), Imgproc.FILLED);
        return filled;
    }

    /**
     * h-maxima of {@code f}: the regional maxima of the h-maxima transform R = reconstruction by dilation of
     * f - h under f. Each peak of dynamic at least h leaves one connected plateau in R, however bumpy its top in
     * f (taking f - R >= h instead would split a flat ridge with a dip of less than h into two seeds).
     */
    static Mat hMaxima(final Mat f, final Mat foreground, final double h, final MatScope scope) {
        final Mat transform = reconstructBelow(f, h, scope);
        // Regional maxima of R are where R rises above its own reconstruction from R - epsilon.
        final double epsilon = 1e-2;
        final Mat belowPlateaus = reconstructBelow(transform, epsilon, scope);
        final Mat rise = scope.mat();
        Core.subtract(transform, belowPlateaus, rise);
        final Mat peaks = scope.mat();
        Core.compare(rise, new Scalar(epsilon / 2), peaks, Core.CMP_GE);
        Core.bitwise_and(peaks, foreground, peaks);
        return peaks;
    }

    /** Reconstruction by dilation of max(mask - h, 0) under the (non-negative) mask. */
    private static Mat reconstructBelow(final Mat mask, final double h, final MatScope scope) {
        Mat reconstructed = scope.mat();
        Core.subtract(mask, new Scalar(h), reconstructed);
        Core.max(reconstructed, new Scalar(0), reconstructed);
        final Mat kernel = scope.track(Imgproc.getStructuringElement(Imgproc.MORPH_RECT, new Size(3, 3)));
        Mat next = scope.mat();
        // Geodesic dilation moves one pixel per step, so this converges within the largest object's radius.
        for (int i = 0; i < mask.rows() + mask.cols(); i++) {
            Imgproc.dilate(reconstructed, next, kernel);
            Core.min(next, mask, next);
            final boolean stable = Core.norm(next, reconstructed, Core.NORM_INF) == 0.0;
            final Mat swap = reconstructed;
            reconstructed = next;
            next = swap;
            if (stable) {
                break;
            }
        }
        return reconstructed;
    }

    /** Removes objects outside [min,max] area or touching the border, renumbering the rest 1..n in place. */
    private int keepBySizeAwayFromBorder(final int[] labels, final int maxLabel, final int width,
                                         final int height) {
        final int[] area = new int[maxLabel + 1];
        final boolean[] onBorder = new boolean[maxLabel + 1];
        for (int y = 0, i = 0; y < height; y++) {
            final boolean edgeRow = y == 0 || y == height - 1;
            for (int x = 0; x < width; x++, i++) {
                final int label = labels[i];
                if (label > 0) {
                    area[label]++;
                    if (edgeRow || x == 0 || x == width - 1) {
                        onBorder[label] = true;
                    }
                }
            }
        }
        final int[] renumber = new int[maxLabel + 1];
        int kept = 0;
        for (int label = 1; label <= maxLabel; label++) {
            if (!onBorder[label] && area[label] >= params.minNucleusArea() && area[label] <= params.maxNucleusArea()) {
                renumber[label] = ++kept;
            }
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = renumber[labels[i]];
        }
        return kept;
    }
}
