package io.phenostream.scorer.plate;

import io.phenostream.scorer.stats.ShrinkageCovariance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The space wells are scored in: the robust-normalized features that carry information (pycytominer-style
 * feature selection), sphered on the negative controls with a shrinkage covariance ({@link ShrinkageCovariance}).
 * Sphering matters because image features come in correlated families (a nucleus' area, perimeter and
 * integrated intensities move together): a plain distance counts one biological change many times and lets a
 * family of noisy features drown a specific phenotype.
 *
 * <ul>
 *   <li><b>Selection</b>: a feature enters when its negative controls vary (MAD > 0; constant-in-controls features
 *       make robust z-scores explode on any other value), no negative control is a more extreme outlier on it
 *       than |z| = {@value #MAX_CONTROL_Z} (leave-one-out; pycytominer's {@code drop_outliers} applied to the
 *       controls, which are replicates of one condition: such a feature is numerically unstable, e.g. the median
 *       of a bimodal pixel mix, and would dominate every distance), and it is not a near-copy (|Pearson r| over
 *       the negative controls >= {@value #MAX_CORRELATION}) of a feature kept before it (name order). Redundancy
 *       is judged on the controls, where only technical variation is left: over all wells, any two readouts of
 *       one treatment correlate, and pruning there dropped the reporter's nucleus/cytoplasm ratio in favour of
 *       its stain-dependent mean intensity, halving Z'.</li>
 *   <li><b>Activity score</b>: {@code sqrt(D^2 / d)}, D the Mahalanobis distance from the negatives' mean under
 *       their shrinkage covariance, d the number of selected features (so negatives score ~1). A negative control
 *       is scored leave-one-out: covariance and mean from the other negatives.</li>
 *   <li><b>Control axis</b>: Fisher's shrinkage-LDA direction {@code w = Sigma^-1 (mu_pos - mu_neg)}, Sigma the
 *       within-class covariance pooled over negatives and positives (so features the positives vary on are
 *       down-weighted), score
 *       {@code (x - mu_neg).w / (mu_pos - mu_neg).w}: negatives ~0, positives ~1; each control well scored by an
 *       axis fitted without it (cross-fitting; with dozens of dimensions in-sample scoring inflates Z').</li>
 *   <li><b>Compound axis</b> (the dose-response readout): the same projection on the direction from the
 *       negatives to the compound's two highest doses on this plate, so 0 = control-like and 1 = the compound's
 *       own top-dose phenotype, whatever its mechanism; wells that define the direction are scored by a
 *       direction fitted without them.</li>
 * </ul>
 */
final class ScoreSpace {

    static final double MAX_CORRELATION = 0.9;
    /** A feature making any negative control a more extreme outlier than this (robust z) is unstable. */
    static final double MAX_CONTROL_Z = 15;

    private final int[] selected;

    private ScoreSpace(final int[] selected) {
        this.selected = selected;
    }

    /** Chooses the features; {@code negativesWithData} are the negative-control wells that have a profile. */
    static ScoreSpace select(final double[][] normalized, final double[][] looNegatives, final boolean[] usable,
                             final double[] mad, final int[] negativesWithData) {
        final List<Integer> kept = new ArrayList<>();
        final int nFeatures = usable.length;
        for (int f = 0; f < nFeatures; f++) {
            if (!usable[f] || !(mad[f] > 0)) {
                continue;
            }
            boolean unstable = false;
            for (final double[] negative : looNegatives) {
                if (Math.abs(negative[f]) > MAX_CONTROL_Z) {
                    unstable = true;
                    break;
                }
            }
            if (unstable) {
                continue;
            }
            boolean redundant = false;
            for (final int k : kept) {
                if (Math.abs(correlation(normalized, negativesWithData, f, k)) >= MAX_CORRELATION) {
                    redundant = true;
                    break;
                }
            }
            if (!redundant) {
                kept.add(f);
            }
        }
        return new ScoreSpace(kept.stream().mapToInt(Integer::intValue).toArray());
    }

    int dimensions() {
        return selected.length;
    }

    /** The well's selected features. */
    double[] project(final double[] normalizedRow) {
        final double[] out = new double[selected.length];
        for (int i = 0; i < selected.length; i++) {
            out[i] = normalizedRow[selected[i]];
        }
        return out;
    }

    /** Activity of every well with data (NaN for the others); negatives leave-one-out. */
    double[] activity(final double[][] x, final int[] negatives, final boolean[] hasData) {
        final double[] score = new double[x.length];
        Arrays.fill(score, Double.NaN);
        if (selected.length == 0 || negatives.length < 3) {
            return score;
        }
        final ShrinkageCovariance all = ShrinkageCovariance.of(rows(x, negatives, -1));
        for (int i = 0; i < x.length; i++) {
            if (!hasData[i]) {
                continue;
            }
            final boolean negative = contains(negatives, i);
            final ShrinkageCovariance cov = negative ? ShrinkageCovariance.of(rows(x, negatives, i)) : all;
            if (cov != null) {
                score[i] = Math.sqrt(Math.max(0, cov.mahalanobis2(x[i])) / selected.length);
            }
        }
        return score;
    }

    /** Control-axis score of every well with data; control wells cross-fitted. */
    double[] controlAxis(final double[][] x, final int[] negatives, final int[] positives, final boolean[] hasData) {
        final double[] out = new double[x.length];
        Arrays.fill(out, Double.NaN);
        if (selected.length == 0 || negatives.length < 2 || positives.length == 0) {
            return out;
        }
        final Axis full = Axis.fit(rows(x, negatives, -1), rows(x, positives, -1));
        for (int i = 0; i < x.length; i++) {
            if (!hasData[i]) {
                continue;
            }
            final boolean control = contains(negatives, i) || contains(positives, i);
            final Axis axis = control ? Axis.fit(rows(x, negatives, i), rows(x, positives, i)) : full;
            out[i] = axis == null ? Double.NaN : axis.project(x[i]);
        }
        return out;
    }

    /**
     * Compound-axis score of every treatment well: per compound, the direction to its two highest doses on this
     * plate; wells of those doses are scored with a direction fitted without them.
     */
    double[] compoundAxis(final double[][] x, final int[] negatives, final String[] compound,
                          final Double[] concentration, final boolean[] treatment, final boolean[] hasData) {
        final double[] out = new double[x.length];
        Arrays.fill(out, Double.NaN);
        if (selected.length == 0 || negatives.length < 2) {
            return out;
        }
        final Map<String, List<Integer>> byCompound = new LinkedHashMap<>();
        for (int i = 0; i < x.length; i++) {
            if (treatment[i] && hasData[i] && compound[i] != null && concentration[i] != null) {
                byCompound.computeIfAbsent(compound[i], c -> new ArrayList<>()).add(i);
            }
        }
        final double[][] negativeRows = rows(x, negatives, -1);
        final ShrinkageCovariance cov = ShrinkageCovariance.of(negativeRows);
        if (cov == null) {
            return out;
        }
        for (final List<Integer> wells : byCompound.values()) {
            final double[] doses = wells.stream().mapToDouble(i -> concentration[i]).distinct().sorted().toArray();
            final double threshold = doses.length >= 2 ? doses[doses.length - 2] : doses[doses.length - 1];
            final int[] top = wells.stream().filter(i -> concentration[i] >= threshold).mapToInt(Integer::intValue)
                .toArray();
            final Axis full = Axis.fit(negativeRows, rows(x, top, -1), cov);
            for (final int i : wells) {
                final Axis axis = contains(top, i) ? Axis.fit(negativeRows, rows(x, top, i), cov) : full;
                out[i] = axis == null ? Double.NaN : axis.project(x[i]);
            }
        }
        return out;
    }

    /** A shrinkage-LDA projection scaled so the first group's mean is 0 and the second's is 1. */
    private static final class Axis {
        private final double[] origin;
        private final double[] w;
        private final double scale;

        private Axis(final double[] origin, final double[] w, final double scale) {
            this.origin = origin;
            this.w = w;
            this.scale = scale;
        }

        /** Fisher's LDA: the within-class covariance pooled over both groups (each centred on its own mean). */
        static Axis fit(final double[][] from, final double[][] to) {
            if (from.length < 2 || to.length == 0) {
                return null;
            }
            final ShrinkageCovariance cov = ShrinkageCovariance.of(pooledResiduals(from, to));
            return cov == null ? null : fit(from, to, cov);
        }

        private static double[][] pooledResiduals(final double[][] a, final double[][] b) {
            final double[][] out = new double[a.length + b.length][];
            final double[] ma = mean(a);
            final double[] mb = mean(b);
            for (int i = 0; i < a.length; i++) {
                out[i] = minus(a[i], ma);
            }
            for (int i = 0; i < b.length; i++) {
                out[a.length + i] = minus(b[i], mb);
            }
            return out;
        }

        private static double[] minus(final double[] x, final double[] m) {
            final double[] r = new double[x.length];
            for (int f = 0; f < x.length; f++) {
                r[f] = Double.isFinite(x[f]) ? x[f] - m[f] : 0;
            }
            return r;
        }

        static Axis fit(final double[][] from, final double[][] to, final ShrinkageCovariance cov) {
            if (from.length == 0 || to.length == 0) {
                return null;
            }
            final double[] a = mean(from);
            final double[] b = mean(to);
            final double[] diff = new double[a.length];
            for (int f = 0; f < a.length; f++) {
                diff[f] = b[f] - a[f];
            }
            final double[] w = cov.solve(diff);
            double scale = 0;
            for (int f = 0; f < a.length; f++) {
                scale += diff[f] * w[f];
            }
            return scale > 0 ? new Axis(a, w, scale) : null;
        }

        double project(final double[] x) {
            double dot = 0;
            for (int f = 0; f < x.length; f++) {
                if (Double.isFinite(x[f])) {
                    dot += (x[f] - origin[f]) * w[f];
                }
            }
            return dot / scale;
        }
    }

    private static double[] mean(final double[][] rows) {
        final int d = rows[0].length;
        final double[] sum = new double[d];
        final int[] n = new int[d];
        for (final double[] r : rows) {
            for (int f = 0; f < d; f++) {
                if (Double.isFinite(r[f])) {
                    sum[f] += r[f];
                    n[f]++;
                }
            }
        }
        final double[] m = new double[d];
        for (int f = 0; f < d; f++) {
            m[f] = n[f] == 0 ? 0 : sum[f] / n[f];
        }
        return m;
    }

    private static double[][] rows(final double[][] x, final int[] which, final int skip) {
        final List<double[]> out = new ArrayList<>();
        for (final int r : which) {
            if (r != skip) {
                out.add(x[r]);
            }
        }
        return out.toArray(double[][]::new);
    }

    private static boolean contains(final int[] a, final int v) {
        for (final int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    private static double correlation(final double[][] x, final int[] rows, final int f, final int g) {
        double sf = 0;
        double sg = 0;
        int n = 0;
        for (final int r : rows) {
            if (Double.isFinite(x[r][f]) && Double.isFinite(x[r][g])) {
                sf += x[r][f];
                sg += x[r][g];
                n++;
            }
        }
        if (n < 3) {
            return 0;
        }
        final double mf = sf / n;
        final double mg = sg / n;
        double cov = 0;
        double vf = 0;
        double vg = 0;
        for (final int r : rows) {
            if (Double.isFinite(x[r][f]) && Double.isFinite(x[r][g])) {
                final double a = x[r][f] - mf;
                final double b = x[r][g] - mg;
                cov += a * b;
                vf += a * a;
                vg += b * b;
            }
        }
        return vf > 0 && vg > 0 ? cov / Math.sqrt(vf * vg) : 0;
    }
}
