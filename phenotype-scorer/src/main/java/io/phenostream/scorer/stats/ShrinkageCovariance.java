package io.phenostream.scorer.stats;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * The covariance of control-well profiles, shrunk towards a scaled identity by the Ledoit-Wolf (2004) estimator,
 * and its inverse for Mahalanobis distances. A plate has 16 to 64 negative-control wells and often more features
 * than that, so the sample covariance is singular; shrinkage makes it invertible with the amount of shrinkage
 * chosen from the data (none when controls are plentiful, towards the identity when they are few).
 *
 * <pre>
 *   S = (1/n) sum_k x_k x_k^T  (x centred on the controls' mean),   m = tr(S)/d
 *   delta2 = ||S - m I||^2,   b2 = min(delta2, (1/n^2) sum_k ||x_k x_k^T - S||^2)   (||A||^2 = tr(A A^T)/d)
 *   Sigma = (b2/delta2) m I + (1 - b2/delta2) S
 * </pre>
 *
 * Missing values (NaN) are taken to be at the controls' mean: they neither add nor remove distance.
 */
public final class ShrinkageCovariance {

    /** Least shrinkage when there are no more rows than features (the sample covariance is then singular). */
    static final double MIN_SHRINKAGE_WHEN_SINGULAR = 0.05;

    private final double[] mean;
    private final double[][] inverse;
    private final double shrinkage;

    private ShrinkageCovariance(final double[] mean, final double[][] inverse, final double shrinkage) {
        this.mean = mean;
        this.inverse = inverse;
        this.shrinkage = shrinkage;
    }

    /**
     * @param rows control profiles (n x d), n >= 2
     * @return the estimate, or null when it cannot be formed (fewer than 2 rows, no variance at all)
     */
    public static ShrinkageCovariance of(final double[][] rows) {
        final int n = rows.length;
        if (n < 2) {
            return null;
        }
        final int d = rows[0].length;
        final double[] mean = new double[d];
        final int[] count = new int[d];
        for (final double[] r : rows) {
            for (int f = 0; f < d; f++) {
                if (Double.isFinite(r[f])) {
                    mean[f] += r[f];
                    count[f]++;
                }
            }
        }
        for (int f = 0; f < d; f++) {
            mean[f] = count[f] == 0 ? 0 : mean[f] / count[f];
        }
        final double[][] x = new double[n][d];
        for (int k = 0; k < n; k++) {
            for (int f = 0; f < d; f++) {
                x[k][f] = Double.isFinite(rows[k][f]) ? rows[k][f] - mean[f] : 0;
            }
        }
        final double[][] s = new double[d][d];
        for (final double[] xk : x) {
            for (int a = 0; a < d; a++) {
                if (xk[a] == 0) {
                    continue;
                }
                for (int b = a; b < d; b++) {
                    s[a][b] += xk[a] * xk[b];
                }
            }
        }
        double trace = 0;
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                s[a][b] /= n;
                s[b][a] = s[a][b];
            }
            trace += s[a][a];
        }
        final double m = trace / d;
        if (!(m > 0)) {
            return null;
        }
        double delta2 = 0;
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                final double v = s[a][b] - (a == b ? m : 0);
                delta2 += v * v;
            }
        }
        delta2 /= d;
        double bBar2 = 0;
        for (final double[] xk : x) {
            double norm = 0;
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    final double v = xk[a] * xk[b] - s[a][b];
                    norm += v * v;
                }
            }
            bBar2 += norm / d;
        }
        bBar2 /= (double) n * n;
        double lambda = delta2 > 0 ? Math.min(1.0, Math.min(bBar2, delta2) / delta2) : 1.0;
        if (n <= d) {
            // The sample covariance is singular; the estimator can still say ~0 (two rows: x1 = -x2, so every
            // x_k x_k^T equals S and b2 = 0), which a plate scored while its first controls arrive hits.
            lambda = Math.max(lambda, MIN_SHRINKAGE_WHEN_SINGULAR);
        }
        try {
            return new ShrinkageCovariance(mean, inverse(s, m, lambda), lambda);
        } catch (final NonPositiveDefiniteMatrixException e) {
            // Numerically singular despite shrinkage (features that are near-copies within these rows).
            return new ShrinkageCovariance(mean, inverse(s, m, 1.0), 1.0);
        }
    }

    private static double[][] inverse(final double[][] s, final double m, final double lambda) {
        final int d = s.length;
        final double[][] sigma = new double[d][d];
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                sigma[a][b] = (1 - lambda) * s[a][b] + (a == b ? lambda * m : 0);
            }
        }
        final RealMatrix inv = new CholeskyDecomposition(new Array2DRowRealMatrix(sigma, false), 1e-12, 1e-14)
            .getSolver().getInverse();
        return inv.getData();
    }

    /** Ledoit-Wolf shrinkage intensity in [0, 1]: 0 = sample covariance, 1 = scaled identity. */
    public double shrinkage() {
        return shrinkage;
    }

    public double[] mean() {
        return mean.clone();
    }

    /** Squared Mahalanobis distance of x from the controls' mean; NaN components count as at the mean. */
    public double mahalanobis2(final double[] x) {
        final double[] c = centred(x);
        double sum = 0;
        for (int a = 0; a < c.length; a++) {
            if (c[a] == 0) {
                continue;
            }
            double row = 0;
            for (int b = 0; b < c.length; b++) {
                row += inverse[a][b] * c[b];
            }
            sum += c[a] * row;
        }
        return sum;
    }

    /** Sigma^-1 v (the whitened direction of a difference vector v; NaN components as 0). */
    public double[] solve(final double[] v) {
        final double[] out = new double[v.length];
        for (int a = 0; a < v.length; a++) {
            double row = 0;
            for (int b = 0; b < v.length; b++) {
                if (Double.isFinite(v[b])) {
                    row += inverse[a][b] * v[b];
                }
            }
            out[a] = row;
        }
        return out;
    }

    private double[] centred(final double[] x) {
        final double[] c = new double[x.length];
        for (int f = 0; f < x.length; f++) {
            c[f] = Double.isFinite(x[f]) ? x[f] - mean[f] : 0;
        }
        return c;
    }
}
