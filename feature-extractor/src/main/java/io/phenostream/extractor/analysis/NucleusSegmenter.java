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
 * Finds nuclei: smooth, Otsu threshold, fill holes, split touching nuclei by a watershed on the (exact) distance
 * map seeded by its h-maxima, seeds closer than the smallest nucleus's diameter merged, then drop objects
 * outside the size range or touching the image border.
 */
final class NucleusSegmenter {

    /**
     * Height (pixels of distance) a distance-map peak must rise above the saddle to its neighbour to seed its
     * own nucleus. Two round nuclei of radius r whose centres are d apart give about r - sqrt(r^2 - d^2/4), but
     * overlapping nuclei (centres down to 0.8 of the summed radii) of unequal size, blurred by the optics and
     * the smoothing, keep necks only 0.5-1.5 px deep: a higher h (2 px) merged one in six nuclei of the
     * synthetic plate. Exact Euclidean distances keep digitisation bumps on one nucleus's ridge below this, and
     * {@link #minSeedDistance} merges the bumps that are not.
     */
    static final double SEED_DYNAMIC_PIXELS = 0.4;

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
        final Mat seeds = hMaxima(distance, foreground, SEED_DYNAMIC_PIXELS, scope);
        final Mat markers = scope.mat();
        final int seedCount = Imgproc.connectedComponents(seeds, markers, 8, CvType.CV_32S) - 1;

        // Flood the inverted distance map: basins are nucleus centres, ridges the necks between them.
        final int[] labels = new int[width * height];
        markers.get(0, 0, labels);
        mergeCloseSeeds(labels, seedCount, width, minSeedDistance());
        final float[] relief = new float[width * height];
        distance.get(0, 0, relief);
        for (int i = 0; i < relief.length; i++) {
            relief[i] = -relief[i];
        }
        final byte[] inside = new byte[width * height];
        foreground.get(0, 0, inside);
        MarkerWatershed.flood(relief, labels, inside, width, height);
        final int count = keepBySizeAwayFromBorder(labels, seedCount, width, height);
        return LabelImage.of(labels, count, width, height, scope);
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
