package io.phenostream.scorer.plate;

import java.util.Arrays;
import java.util.List;

/**
 * The negative-to-positive control direction in normalized feature space, the assay's one-dimensional
 * readout: {@code d = centroid(pos) - centroid(neg)} (per-feature means), and a well x scores
 * {@code (x - centroid(neg)) . d / |d|^2}, the projection on d divided by |d|, so negative controls sit near 0 and
 * positive controls near 1. A feature missing in x contributes 0 (x is taken to be at the negative centre
 * there); features where either centroid is undefined are left out of d.
 */
final class ControlAxis {

    private final double[] negativeCentre;
    private final double[] direction;
    private final double norm2;

    private ControlAxis(final double[] negativeCentre, final double[] direction) {
        this.negativeCentre = negativeCentre;
        this.direction = direction;
        double s = 0;
        for (final double d : direction) {
            if (Double.isFinite(d)) {
                s += d * d;
            }
        }
        this.norm2 = s;
    }

    /** The axis from the given wells' vectors; null when a group is empty or the centroids coincide. */
    static ControlAxis fit(final List<double[]> negatives, final List<double[]> positives) {
        if (negatives.isEmpty() || positives.isEmpty()) {
            return null;
        }
        final double[] neg = centroid(negatives);
        final double[] pos = centroid(positives);
        final double[] dir = new double[neg.length];
        for (int f = 0; f < dir.length; f++) {
            dir[f] = pos[f] - neg[f];
        }
        final ControlAxis axis = new ControlAxis(neg, dir);
        return axis.norm2 > 0 ? axis : null;
    }

    double project(final double[] x) {
        double dot = 0;
        for (int f = 0; f < x.length; f++) {
            if (Double.isFinite(direction[f]) && Double.isFinite(x[f])) {
                dot += (x[f] - negativeCentre[f]) * direction[f];
            }
        }
        return dot / norm2;
    }

    /** Per-feature mean over the vectors with a finite value; NaN where none has one. */
    static double[] centroid(final List<double[]> vectors) {
        final int d = vectors.get(0).length;
        final double[] sum = new double[d];
        final int[] n = new int[d];
        for (final double[] v : vectors) {
            for (int f = 0; f < d; f++) {
                if (Double.isFinite(v[f])) {
                    sum[f] += v[f];
                    n[f]++;
                }
            }
        }
        final double[] c = new double[d];
        Arrays.setAll(c, f -> n[f] == 0 ? Double.NaN : sum[f] / n[f]);
        return c;
    }
}
