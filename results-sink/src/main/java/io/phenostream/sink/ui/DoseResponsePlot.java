package io.phenostream.sink.ui;

import static io.phenostream.sink.ui.Html.esc;

import io.phenostream.common.events.CompoundScore;
import io.phenostream.sink.WellScoreRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An SVG dose-response plot against log10 concentration, in the readout the scorer fitted (the compound-axis
 * score, or the activity score; see {@link CompoundScore.DoseResponseFit#readout()}): one grey dot per well, one
 * filled dot per dose (the wells' mean), and the four-parameter logistic curve
 * {@code y = bottom + (top - bottom) / (1 + (ec50 / x)^hill)} from the stored fit, with EC50 marked. Records
 * without the fit's readouts are drawn as activity scores, without a curve unless the fit was on that scale.
 */
public final class DoseResponsePlot {

    static final int WIDTH = 520;
    static final int HEIGHT = 320;
    private static final int LEFT = 56;
    private static final int RIGHT = 16;
    private static final int TOP = 16;
    private static final int BOTTOM = 44;

    private DoseResponsePlot() {
    }

    /** The 4PL value at concentration {@code x} (> 0). */
    public static double logistic(final CompoundScore.DoseResponseFit fit, final double x) {
        return fit.bottom() + (fit.top() - fit.bottom()) / (1 + Math.pow(fit.ec50() / x, fit.hill()));
    }

    static boolean hasCurve(final CompoundScore.DoseResponseFit fit) {
        return fit != null && finite(fit.ec50()) && finite(fit.hill()) && finite(fit.top()) && finite(fit.bottom())
            && fit.ec50() > 0;
    }

    public static String svg(final CompoundScore.DoseResponseFit fit, final List<CompoundScore.DosePoint> doses,
                             final List<WellScoreRow> wells, final String unit) {
        // Points are drawn in the fit's readout, so that the curve goes through the values it was fitted to.
        final String readout = fit == null ? null : fit.readout();
        final boolean onFitScale = readout != null && doses.stream().anyMatch(d -> !d.fitReadouts().isEmpty());
        final List<double[]> wellPoints = new ArrayList<>();
        final List<double[]> dosePoints = new ArrayList<>();
        if (onFitScale) {
            for (final CompoundScore.DosePoint d : doses) {
                if (d.concentration() > 0 && !d.fitReadouts().isEmpty()) {
                    double sum = 0;
                    for (final double v : d.fitReadouts()) {
                        wellPoints.add(new double[] {Math.log10(d.concentration()), v});
                        sum += v;
                    }
                    dosePoints.add(new double[] {Math.log10(d.concentration()), sum / d.fitReadouts().size()});
                }
            }
        } else {
            for (final WellScoreRow w : wells) {
                if (w.concentration() != null && w.concentration() > 0 && finite(w.score())) {
                    wellPoints.add(new double[] {Math.log10(w.concentration()), w.score()});
                }
            }
            for (final CompoundScore.DosePoint d : doses) {
                if (d.concentration() > 0 && Double.isFinite(d.meanScore())) {
                    dosePoints.add(new double[] {Math.log10(d.concentration()), d.meanScore()});
                }
            }
        }
        final String yLabel = CompoundScore.DoseResponseFit.COMPOUND_AXIS.equals(readout) && onFitScale
            ? "compound-axis score (0 = negative controls)" : "activity score";
        if (wellPoints.isEmpty() && dosePoints.isEmpty()) {
            return "<p class=\"muted\">No wells with a positive concentration and a score: nothing to plot.</p>";
        }
        double x0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY;
        double y0 = 0;
        double y1 = 0;
        final List<double[]> all = new ArrayList<>(wellPoints);
        all.addAll(dosePoints);
        for (final double[] p : all) {
            x0 = Math.min(x0, p[0]);
            x1 = Math.max(x1, p[0]);
            y0 = Math.min(y0, p[1]);
            y1 = Math.max(y1, p[1]);
        }
        // A fit of unknown readout (older records) may not share the points' scale: no curve then.
        final boolean curve = hasCurve(fit) && (onFitScale
            || CompoundScore.DoseResponseFit.ACTIVITY_SCORE.equals(readout));
        if (curve) {
            y0 = Math.min(y0, Math.min(fit.bottom(), fit.top()));
            y1 = Math.max(y1, Math.max(fit.bottom(), fit.top()));
        }
        x0 -= 0.5;
        x1 += 0.5;
        final double pad = (y1 - y0) * 0.08 + 1e-9;
        y0 -= pad;
        y1 += pad;
        final Scale sx = new Scale(x0, x1, LEFT, WIDTH - RIGHT);
        final Scale sy = new Scale(y0, y1, HEIGHT - BOTTOM, TOP);
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            + "viewBox=\"0 0 %d %d\" font-size=\"11\" font-family=\"sans-serif\" role=\"img\">", WIDTH, HEIGHT, WIDTH,
            HEIGHT));
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fff\" "
            + "stroke=\"#9ca3af\"/>", LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM));
        for (int e = (int) Math.ceil(x0); e <= Math.floor(x1); e++) {
            final double x = sx.at(e);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>"
                + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">1e%d</text>", x, TOP, x, HEIGHT - BOTTOM, x,
                HEIGHT - BOTTOM + 14, e));
        }
        for (final double t : ticks(y0, y1)) {
            final double y = sy.at(t);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT, y, WIDTH - RIGHT, y, LEFT - 4,
                y + 4, esc(Html.num(t))));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">concentration%s (log "
            + "scale)</text>", (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 8, unit == null ? "" : " [" + esc(unit) + "]"));
        sb.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\" "
            + "text-anchor=\"middle\">%s</text>", (TOP + HEIGHT - BOTTOM) / 2, (TOP + HEIGHT - BOTTOM) / 2,
            esc(yLabel)));
        if (curve) {
            final StringBuilder pts = new StringBuilder();
            for (int i = 0; i <= 200; i++) {
                final double lx = x0 + (x1 - x0) * i / 200.0;
                final double y = logistic(fit, Math.pow(10, lx));
                if (Double.isFinite(y)) {
                    pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", sx.at(lx), sy.at(y)));
                }
            }
            sb.append("<polyline class=\"fit\" fill=\"none\" stroke=\"#e76f51\" stroke-width=\"2\" points=\"")
                .append(pts.toString().trim()).append("\"/>");
            final double ex = Math.log10(fit.ec50());
            if (ex >= x0 && ex <= x1) {
                sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                    + "stroke=\"#e76f51\" stroke-dasharray=\"4 3\"/><text x=\"%.1f\" y=\"%d\" fill=\"#e76f51\">EC50 %s"
                    + "</text>", sx.at(ex), TOP, sx.at(ex), HEIGHT - BOTTOM, sx.at(ex) + 3, TOP + 12,
                    esc(Html.num(fit.ec50()))));
            }
        }
        for (final double[] p : wellPoints) {
            sb.append(String.format(Locale.ROOT, "<circle class=\"well\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
                + "fill=\"#9ca3af\"/>", sx.at(p[0]), sy.at(p[1])));
        }
        for (final double[] p : dosePoints) {
            sb.append(String.format(Locale.ROOT, "<circle class=\"dose\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\" "
                + "fill=\"#1d3557\"><title>%s</title></circle>", sx.at(p[0]), sy.at(p[1]),
                esc("10^" + Html.num(p[0]) + ": mean " + yLabel + " " + Html.num(p[1]))));
        }
        sb.append("</svg>");
        return sb.toString();
    }

    static List<Double> ticks(final double lo, final double hi) {
        final double span = hi - lo;
        final double raw = span / 5;
        final double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        final double step = raw / mag >= 5 ? 5 * mag : raw / mag >= 2 ? 2 * mag : mag;
        final List<Double> out = new ArrayList<>();
        for (double t = Math.ceil(lo / step) * step; t <= hi && out.size() < 20; t += step) {
            out.add(Math.abs(t) < step * 1e-9 ? 0.0 : t);
        }
        return out;
    }

    private static boolean finite(final Double v) {
        return v != null && Double.isFinite(v);
    }

    private record Scale(double from, double to, double px0, double px1) {
        double at(final double v) {
            return px0 + (v - from) / (to - from) * (px1 - px0);
        }
    }
}
