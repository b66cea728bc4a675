package io.phenostream.extractor.analysis;

import java.util.ArrayList;
import java.util.List;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.MatOfInt;
import org.opencv.core.MatOfPoint;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

/**
 * Perimeter and convex hull area of one labelled object, computed inside its bounding box only.
 *
 * <p>Perimeter: the 8-connected chain through the centres of the outer boundary pixels, weighted as Vossepoel
 * &amp; Smeulders (1982): 0.980 per axis step, 1.406 per diagonal step, -0.091 per change of direction; plus
 * pi, because that chain runs half a pixel inside the object's edge and the outward parallel of a closed
 * curve at distance 1/2 is longer by 2 pi / 2. On digital discs of radius 10 to 40 this is within 3.5% of
 * 2 pi r (within 2% from radius 15); on an s x s square it gives 3.92 s - 1.14 (true 4 s).
 *
 * <p>Hull area: the number of pixel centres inside or on the convex hull of the boundary pixel centres, by
 * Pick's theorem (polygon area + boundary lattice points / 2 + 1), so a convex digital object has solidity 1.
 */
final class ObjectOutline {

    /** Outline length in pixels and number of pixel centres in the convex hull. */
    record Shape(double perimeter, int hullArea) {
    }

    private static final double AXIS_STEP = 0.980;
    private static final double DIAGONAL_STEP = 1.406;
    private static final double CORNER = 0.091;

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
                // Each fragment of a split object gets its own half-pixel rim.
                perimeter += chainLength(points) + Math.PI;
                all.addAll(List.of(points));
            }
            return new Shape(perimeter, all.isEmpty() ? 0 : hullArea(all, local));
        }
    }

    private static double chainLength(final Point[] points) {
        final int n = points.length;
        if (n < 2) {
            return 0;
        }
        int axis = 0;
        int diagonal = 0;
        int corners = 0;
        for (int i = 0; i < n; i++) {
            final Point a = points[i];
            final Point b = points[(i + 1) % n];
            final Point c = points[(i + 2) % n];
            if (a.x != b.x && a.y != b.y) {
                diagonal++;
            } else {
                axis++;
            }
            if (b.x - a.x != c.x - b.x || b.y - a.y != c.y - b.y) {
                corners++;
            }
        }
        return AXIS_STEP * axis + DIAGONAL_STEP * diagonal - CORNER * corners;
    }

    /** Lattice points inside or on the hull polygon: area + boundary points / 2 + 1 (Pick's theorem). */
    private static int hullArea(final List<Point> points, final MatScope local) {
        final MatOfPoint all = local.track(new MatOfPoint());
        all.fromList(points);
        final MatOfInt indices = local.track(new MatOfInt());
        Imgproc.convexHull(all, indices);
        final Point[] source = all.toArray();
        final int[] index = indices.toArray();
        final Point[] hull = new Point[index.length];
        for (int i = 0; i < index.length; i++) {
            hull[i] = source[index[i]];
        }
        double twiceArea = 0;
        long boundary = 0;
        for (int i = 0; i < hull.length; i++) {
            final Point a = hull[i];
            final Point b = hull[(i + 1) % hull.length];
            twiceArea += a.x * b.y - b.x * a.y;
            boundary += gcd(Math.abs((long) (b.x - a.x)), Math.abs((long) (b.y - a.y)));
        }
        return (int) Math.round(Math.abs(twiceArea) / 2 + boundary / 2.0 + 1);
    }

    private static long gcd(final long a, final long b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
