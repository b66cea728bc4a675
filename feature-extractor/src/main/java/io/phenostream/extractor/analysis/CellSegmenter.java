package io.phenostream.extractor.analysis;

import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

/**
 * Grows each nucleus into its cell; cell label i always contains nucleus label i. Without a cell stain a cell
 * is every pixel within {@code growth} pixels of its nucleus and closer to it than to any other nucleus. With
 * a cell stain the same zone is further limited to the stain's foreground and split between neighbours by a
 * watershed on the inverted, smoothed stain (cells meet at the dark gaps between them).
 */
final class CellSegmenter {

    private final int growth;
    private final double sigma;

    CellSegmenter(final int growthPixels, final double smoothingSigma) {
        this.growth = growthPixels;
        this.sigma = smoothingSigma;
    }

    LabelImage segment(final LabelImage nuclei, final Mat cellStain, final MatScope scope) {
        final int width = nuclei.width();
        final int height = nuclei.height();
        final int n = width * height;
        if (nuclei.count() == 0) {
            return LabelImage.of(new int[n], 0, width, height, scope);
        }
        final int[] nucleus = nuclei.pixels();

        // Distance to, and identity of, the nearest nucleus pixel; DIST_LABEL_PIXEL numbers each zero pixel.
        final Mat notNucleus = scope.mat();
        Core.compare(nuclei.mat(), new Scalar(0), notNucleus, Core.CMP_EQ);
        final Mat distance = scope.mat();
        final Mat nearest = scope.mat();
        Imgproc.distanceTransformWithLabels(notNucleus, distance, nearest, Imgproc.DIST_L2, Imgproc.DIST_MASK_5,
            Imgproc.DIST_LABEL_PIXEL);
        final float[] dist = new float[n];
        distance.get(0, 0, dist);
        final int[] nearestPixel = new int[n];
        nearest.get(0, 0, nearestPixel);
        final int[] pixelToNucleus = new int[n + 1];
        for (int i = 0; i < n; i++) {
            if (nucleus[i] > 0) {
                pixelToNucleus[nearestPixel[i]] = nucleus[i];
            }
        }
        final int[] cells = new int[n];
        for (int i = 0; i < n; i++) {
            cells[i] = dist[i] <= growth ? pixelToNucleus[nearestPixel[i]] : 0;
        }
        if (cellStain == null) {
            return LabelImage.of(cells, nuclei.count(), width, height, scope);
        }
        return watershedOnStain(nuclei, cells, cellStain, scope);
    }

    private LabelImage watershedOnStain(final LabelImage nuclei, final int[] zone, final Mat cellStain,
                                        final MatScope scope) {
        final int width = nuclei.width();
        final int height = nuclei.height();
        final int n = width * height;
        final Mat smoothed = Smoothing.gaussian(cellStain, sigma, scope);
        final byte[] stained = new byte[n];
        ForegroundThreshold.otsu(smoothed, false, scope).get(0, 0, stained);

        final int[] nucleus = nuclei.pixels();
        final int[] labels = new int[n];
        final byte[] allowed = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = nucleus[i];
            allowed[i] = (byte) (zone[i] > 0 && stained[i] != 0 ? 1 : 0);
        }
        final float[] relief = new float[n];
        smoothed.get(0, 0, relief);
        for (int i = 0; i < n; i++) {
            relief[i] = -relief[i];
        }
        MarkerWatershed.flood(relief, labels, allowed, width, height);
        return LabelImage.of(labels, nuclei.count(), width, height, scope);
    }
}
