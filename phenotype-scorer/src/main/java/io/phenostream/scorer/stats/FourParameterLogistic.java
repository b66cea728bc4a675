package io.phenostream.scorer.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.commons.math3.distribution.FDistribution;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresProblem;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.fitting.leastsquares.ParameterValidator;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;

/**
 * Four-parameter logistic (Hill) dose-response fit on log10 concentration, as in CellProfiler's
 * {@code CalculateStatistics} and GraphPad's "log(agonist) vs. response -- variable slope":
 * {@code y = bottom + (top - bottom) / (1 + 10^((logEC50 - logx) * hill))}, fitted by least squares with
 * commons-math3's Levenberg-Marquardt.
 * <ul>
 *   <li>Bounds (enforced by clamping after each step): logEC50 within one decade (10x) of the tested range,
 *       hill in [0.3, 5] (a decreasing response is expressed by top &lt; bottom, not a negative hill), top and
 *       bottom within ten data spans of the observed values (loose, so a partial curve pushes logEC50 to its
 *       bound instead of being bent into the range).</li>
 *   <li>Starting values: bottom and top = mean response at the lowest and highest dose, hill = 1, logEC50 at the
 *       quarter, middle and three-quarter points of the range; the start with the lowest cost wins.</li>
 *   <li>Status {@code too_few_doses} below 4 distinct doses (4 parameters); {@code flat} when the response does
 *       not vary, or when the extra-sum-of-squares F-test of the 4PL against a constant has p &gt; 0.05
 *       (needs more points than parameters); {@code not_converged} when the optimizer gives up or logEC50, top or
 *       bottom ends on its bound (the EC50 or a plateau is not identified by the tested range); otherwise {@code ok}.</li>
 * </ul>
 */
public final class FourParameterLogistic {

    public static final String OK = "ok";
    public static final String NOT_CONVERGED = "not_converged";
    public static final String TOO_FEW_DOSES = "too_few_doses";
    public static final String FLAT = "flat";

    public static final int MIN_DOSES = 4;
    public static final double MIN_HILL = 0.3;
    public static final double MAX_HILL = 5.0;
    /** Decades beyond the tested range that logEC50 may take. */
    public static final double EC50_MARGIN_DECADES = 1.0;
    /** How many observed data spans top and bottom may extend beyond the data (loose: logEC50 is the real bound). */
    public static final double PLATEAU_SPANS = 10.0;
    /** Level of the F-test against a flat line. */
    public static final double FLAT_ALPHA = 0.05;

    private static final double LN10 = Math.log(10.0);

    /** Result; parameters and R^2 are NaN when nothing was fitted. */
    public record Fit(String status, double bottom, double top, double logEc50, double hill, double rSquared) {

        static Fit notFitted(final String status) {
            return new Fit(status, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }

        public boolean ok() {
            return OK.equals(status);
        }

        public double ec50() {
            return Math.pow(10.0, logEc50);
        }
    }

    private FourParameterLogistic() {
    }

    public static double value(final double logx, final double bottom, final double top, final double logEc50,
                               final double hill) {
        return bottom + (top - bottom) * fraction(logx, logEc50, hill);
    }

    /** {@code 1 / (1 + 10^((logEC50 - logx) * hill))}, without overflow. */
    private static double fraction(final double logx, final double logEc50, final double hill) {
        return 1.0 / (1.0 + Math.exp((logEc50 - logx) * hill * LN10));
    }

    /** Fits the finite (logx, y) pairs; replicate points at one dose are fitted individually. */
    public static Fit fit(final double[] logx, final double[] y) {
        return fit(logx, y, Double.NaN);
    }

    /**
     * The same fit with the bottom plateau fixed at {@code bottom} (three free parameters), as GraphPad advises for
     * responses normalized so that the controls are 0: the controls then identify the bottom, and a compound whose
     * EC50 lies near the lowest tested dose still gets one. The F-test against a flat line has 2 extra parameters.
     */
    public static Fit fitWithBottom(final double[] logx, final double[] y, final double bottom) {
        if (!Double.isFinite(bottom)) {
            throw new IllegalArgumentException("bottom must be finite: " + bottom);
        }
        return fit(logx, y, bottom);
    }

    private static Fit fit(final double[] logx, final double[] y, final double fixedBottom) {
        final boolean bottomFixed = Double.isFinite(fixedBottom);
        if (logx.length != y.length) {
            throw new IllegalArgumentException("logx and y differ in length: " + logx.length + " vs " + y.length);
        }
        final List<double[]> points = new ArrayList<>();
        for (int i = 0; i < logx.length; i++) {
            if (Double.isFinite(logx[i]) && Double.isFinite(y[i])) {
                points.add(new double[] {logx[i], y[i]});
            }
        }
        final int n = points.size();
        final double[] xs = points.stream().mapToDouble(p -> p[0]).toArray();
        final double[] ys = points.stream().mapToDouble(p -> p[1]).toArray();
        final TreeMap<Double, double[]> byDose = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            final double[] acc = byDose.computeIfAbsent(xs[i], k -> new double[2]);
            acc[0] += ys[i];
            acc[1]++;
        }
        if (byDose.size() < (bottomFixed ? MIN_DOSES - 1 : MIN_DOSES)) {
            return Fit.notFitted(TOO_FEW_DOSES);
        }
        final double mean = RobustStatistics.mean(ys);
        double ssTot = 0;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (final double v : ys) {
            ssTot += (v - mean) * (v - mean);
            yMin = Math.min(yMin, v);
            yMax = Math.max(yMax, v);
        }
        final double span = yMax - yMin;
        if (span <= 1e-12 * Math.max(1.0, Math.abs(mean))) {
            return Fit.notFitted(FLAT);
        }
        final double xMin = byDose.firstKey();
        final double xMax = byDose.lastKey();
        final double[] lower = {yMin - PLATEAU_SPANS * span, yMin - PLATEAU_SPANS * span,
            xMin - EC50_MARGIN_DECADES, MIN_HILL};
        final double[] upper = {yMax + PLATEAU_SPANS * span, yMax + PLATEAU_SPANS * span,
            xMax + EC50_MARGIN_DECADES, MAX_HILL};
        if (bottomFixed) {
            lower[0] = fixedBottom;
            upper[0] = fixedBottom;
        }
        final double bottom0 = bottomFixed ? fixedBottom
            : byDose.firstEntry().getValue()[0] / byDose.firstEntry().getValue()[1];
        final double top0 = byDose.lastEntry().getValue()[0] / byDose.lastEntry().getValue()[1];

        LeastSquaresOptimizer.Optimum best = null;
        for (final double at : new double[] {0.25, 0.5, 0.75}) {
            final double[] start = {bottom0, top0, xMin + at * (xMax - xMin), 1.0};
            try {
                final LeastSquaresOptimizer.Optimum o = new LevenbergMarquardtOptimizer()
                    .optimize(problem(xs, ys, start, lower, upper));
                if (best == null || o.getCost() < best.getCost()) {
                    best = o;
                }
            } catch (final MathIllegalStateException e) {
                // this start did not converge; another may
            }
        }
        if (best == null) {
            return Fit.notFitted(NOT_CONVERGED);
        }
        final double[] p = best.getPoint().toArray();
        double ssRes = 0;
        for (int i = 0; i < n; i++) {
            final double r = ys[i] - value(xs[i], p[0], p[1], p[2], p[3]);
            ssRes += r * r;
        }
        final double rSquared = 1.0 - ssRes / ssTot;
        String status = OK;
        if (isFlat(ssTot, ssRes, n, bottomFixed ? 3 : 4)) {
            status = FLAT;
        } else if ((!bottomFixed && atBound(p, lower, upper, 0)) || atBound(p, lower, upper, 1)
            || atBound(p, lower, upper, 2)) {
            status = NOT_CONVERGED;
        }
        return new Fit(status, p[0], p[1], p[2], p[3], rSquared);
    }

    private static boolean atBound(final double[] p, final double[] lower, final double[] upper, final int k) {
        final double tol = 1e-6 * (upper[k] - lower[k]);
        return p[k] <= lower[k] + tol || p[k] >= upper[k] - tol;
    }

    /** Extra-sum-of-squares F-test, 4PL (4 parameters) against a constant (1 parameter). */
    static boolean isFlat(final double ssTot, final double ssRes, final int n) {
        return isFlat(ssTot, ssRes, n, 4);
    }

    /** Extra-sum-of-squares F-test of a curve with {@code parameters} free parameters against a constant. */
    static boolean isFlat(final double ssTot, final double ssRes, final int n, final int parameters) {
        final int dfExtra = parameters - 1;
        final int dfRes = n - parameters;
        if (dfRes < 1 || ssRes <= 1e-24 * ssTot) {
            return false;
        }
        final double f = ((ssTot - ssRes) / dfExtra) / (ssRes / dfRes);
        final double p = 1.0 - new FDistribution(null, dfExtra, dfRes).cumulativeProbability(Math.max(f, 0.0));
        return p > FLAT_ALPHA;
    }

    private static LeastSquaresProblem problem(final double[] xs, final double[] ys, final double[] start,
                                               final double[] lower, final double[] upper) {
        final MultivariateJacobianFunction model = point -> {
            final double b = point.getEntry(0);
            final double t = point.getEntry(1);
            final double c = point.getEntry(2);
            final double h = point.getEntry(3);
            final RealVector value = new ArrayRealVector(xs.length);
            final double[][] jacobian = new double[xs.length][4];
            for (int i = 0; i < xs.length; i++) {
                final double f = fraction(xs[i], c, h);
                value.setEntry(i, b + (t - b) * f);
                // d f / d u * d u / d param, with u = 10^((c - x) h) and u / (1 + u)^2 = f (1 - f)
                final double g = -(t - b) * f * (1.0 - f) * LN10;
                jacobian[i][0] = 1.0 - f;
                jacobian[i][1] = f;
                jacobian[i][2] = g * h;
                jacobian[i][3] = g * (c - xs[i]);
            }
            return new Pair<>(value, new Array2DRowRealMatrix(jacobian, false));
        };
        final ParameterValidator clamp = point -> {
            final RealVector v = point.copy();
            for (int k = 0; k < 4; k++) {
                final double x = v.getEntry(k);
                v.setEntry(k, Double.isNaN(x) ? (lower[k] + upper[k]) / 2 : Math.min(upper[k], Math.max(lower[k], x)));
            }
            return v;
        };
        return new LeastSquaresBuilder()
            .start(start)
            .model(model)
            .target(ys)
            .parameterValidator(clamp)
            .lazyEvaluation(false)
            .maxEvaluations(2000)
            .maxIterations(1000)
            .build();
    }
}
