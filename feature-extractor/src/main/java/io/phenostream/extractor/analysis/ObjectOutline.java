package io.phenostream.extractor.analysis;

import java.util.ArrayList;
import java.util.List;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfInt;
import org.opencv.core.MatOfPoint;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

/** Perimeter and convex hull area of one labelled object, computed inside its bounding box only. */
final class ObjectOutline {

    /** Outline length in pixels and number of pixels of the filled convex hull. */
    record Shape(double perimeter, int hullArea) {
    }

    /**
     * Weights of axis-parallel and diagonal steps of an 8-connected boundary chain. Plain 1 and sqrt(2)
     * overestimate the length of curved outlines by ~5-8%; these (Vossepoel & Smeulders 1982, corner term
     * dropped) are unbiased for straight lines at random angles.
     */
    private static final double AXIS_STEP = 0.980;
    private static final double DIAGONAL_STEP = 1.406;

    private final Mat labels;

    ObjectOutline(final Mat labels) {
        this.labels = labels;
    }

    /** @param box x, y, width, height of the object's bounding box */
    Shape measure(final int label, final int[] box) {
        // One pixel of padding so that the contour of an object filling its box is traced completely.
        final int x0 = Math.max(0, box[0] - 1);
        final int y0 = Math.max(0, box[1] - 1);
        final int x1 = Math.min(labels.cols(), box[0] + box[2] + 1);
        final int y1 = Math.min(labels.rows(), box[1] + box[3] + 1);
        try (MatScope local = new MatScope()) {
            final Mat roi = local.track(labels.submat(new Rect(x0, y0, x1 - x0, y1 - y0)));
            final Mat mask = local.mat();
            Core.compare(roi, new Scalar(label), mask, Core.CMP_EQ);
            final List<MatOfPoint> contours = new ArrayList<>();
            Imgproc.findContours(mask, contours, local.mat(), Imgproc.RETR_EXTERNAL, Imgproc.CHAIN_APPROX_NONE);
            contours.forEach(local::track);
            double perimeter = 0;
            final List<Point> all = new ArrayList<>();
            for (final MatOfPoint contour : contours) {
                final Point[] points = contour.toArray();
                perimeter += chainLength(points);
                all.addAll(List.of(points));
            }
            return new Shape(perimeter, hullArea(all, mask.size(), local));
        }
    }

    private static double chainLength(final Point[] points) {
        if (points.length < 2) {
            return 0;
        }
        int axis = 0;
        int diagonal = 0;
        for (int i = 0; i < points.length; i++) {
            final Point a = points[i];
            final Point b = points[(i + 1) % points.length];
            if (a.x != b.x && a.y != b.y) {
                diagonal++;
            } else {
                axis++;
            }
        }
        return AXIS_STEP * axis + DIAGONAL_STEP * diagonal;
    }

    private static int hullArea(final List<Point> points, final org.opencv.core.Size size, final MatScope local) {
        final MatOfPoint all = local.track(new MatOfPoint());
        all.fromList(points);
        final MatOfInt indices = local.track(new MatOfInt());
        Imgproc.convexHull(all, indices);
        final Point[] source = all.toArray();
        final int[] index = indices.toArray();
        final Point[] hullPoints = new Point[index.length];
        for (int i = 0; i < index.length; i++) {
            hullPoints[i] = source[index[i]];
        }
        final Mat filled = local.track(Mat.zeros(size, CvType.CV_8U));
        Imgproc.fillConvexPoly(filled, local.track(new MatOfPoint(hullPoints)), new Scalar(255));
        return Core.countNonZero(filled);
    }
}
