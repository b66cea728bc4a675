package io.phenostream.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Small self-contained SVG charts for the benchmark reports (grouped bars; points with optional lines), drawn on
 * the server side in the style of results-sink's plots: white plot area, grey frame, sans-serif 11 px, a legend.
 * No browser or script is needed to produce or read them.
 */
final class SvgCharts {

    static final List<String> PALETTE = List.of("#e76f51", "#2a9d8f", "#264653", "#e9c46a", "#8d99ae", "#b00020");
    private static final int LEFT = 64;
    private static final int TOP = 34;
    private static final int PLOT_W = 440;
    private static final int PLOT_H = 260;
    private static final int BOTTOM = 48;
    private static final int LEGEND_W = 190;
    private static final int WIDTH = LEFT + PLOT_W + 16 + LEGEND_W;
    private static final int HEIGHT = TOP + PLOT_H + BOTTOM;

    /** A series of points; {@code line} joins them in x order, {@code dashed} draws the line dashed. */
    record Series(String name, double[] x, double[] y, boolean line, boolean dashed) {
        static Series points(final String name, final double[] x, final double[] y) {
            return new Series(name, x, y, false, false);
        }

        static Series line(final String name, final double[] x, final double[] y) {
            return new Series(name, x, y, true, false);
        }

        static Series dashed(final String name, final double[] x, final double[] y) {
            return new Series(name, x, y, true, true);
        }
    }

    private SvgCharts() {
    }

    /**
     * Grouped bars: one group per category, one bar per series, each labelled with its value.
     *
     * @param values values[series][category]; NaN leaves a bar out
     */
    static String bars(final String title, final String yLabel, final List<String> categories,
                       final List<String> series, final double[][] values) {
        double max = 0;
        for (final double[] row : values) {
            for (final double v : row) {
                if (Double.isFinite(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        final double[] ticks = ticks(0, max <= 0 ? 1 : max * 1.12);
        final double top = ticks[ticks.length - 1];
        final StringBuilder sb = open(title);
        yAxis(sb, ticks, 0, top, yLabel);
        final double groupW = (double) PLOT_W / categories.size();
        final double barW = groupW * 0.7 / series.size();
        for (int c = 0; c < categories.size(); c++) {
            final double gx = LEFT + c * groupW + groupW * 0.15;
            for (int s = 0; s < series.size(); s++) {
                final double v = values[s][c];
                if (!Double.isFinite(v)) {
                    continue;
                }
                final double h = v / top * PLOT_H;
                final double x = gx + s * barW;
                sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                        + "fill=\"%s\"><title>%s, %s: %s</title></rect>", x, TOP + PLOT_H - h, barW - 2, h,
                    PALETTE.get(s % PALETTE.size()), esc(series.get(s)), esc(categories.get(c)), number(v)));
                sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>",
                    x + (barW - 2) / 2, TOP + PLOT_H - h - 3, number(v)));
            }
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                LEFT + (c + 0.5) * groupW, TOP + PLOT_H + 16, esc(categories.get(c))));
        }
        legend(sb, series, List.of());
        return close(sb);
    }

    /** Points (and lines) on linear axes spanning every series, the y axis from 0. */
    static String points(final String title, final String xLabel, final String yLabel, final List<Series> series) {
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMax = 0;
        for (final Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
                    xMin = Math.min(xMin, s.x()[i]);
                    xMax = Math.max(xMax, s.x()[i]);
                    yMax = Math.max(yMax, s.y()[i]);
                }
            }
        }
        if (!Double.isFinite(xMin)) {
            xMin = 0;
            xMax = 1;
        }
        if (xMax <= xMin) {
            xMax = xMin + 1;
        }
        final double[] yTicks = ticks(0, yMax <= 0 ? 1 : yMax * 1.08);
        final double yTop = yTicks[yTicks.length - 1];
        final double[] xTicks = integers(series) ? integerTicks(xMin, xMax) : ticks(xMin, xMax);
        final double x0 = Math.min(xMin, xTicks[0]);
        final double x1 = Math.max(xMax, xTicks[xTicks.length - 1]);
        final StringBuilder sb = open(title);
        yAxis(sb, yTicks, 0, yTop, yLabel);
        for (final double t : xTicks) {
            final double px = LEFT + (t - x0) / (x1 - x0) * PLOT_W;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#9ca3af\"/>"
                + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", px, TOP + PLOT_H, px,
                TOP + PLOT_H + 4, px, TOP + PLOT_H + 16, number(t)));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
            LEFT + PLOT_W / 2.0, TOP + PLOT_H + 36, esc(xLabel)));
        final List<String> names = new ArrayList<>();
        final List<Boolean> lines = new ArrayList<>();
        for (int s = 0; s < series.size(); s++) {
            final Series sr = series.get(s);
            final String colour = PALETTE.get(s % PALETTE.size());
            final StringBuilder path = new StringBuilder();
            for (int i = 0; i < sr.x().length; i++) {
                if (!Double.isFinite(sr.x()[i]) || !Double.isFinite(sr.y()[i])) {
                    continue;
                }
                final double px = LEFT + (sr.x()[i] - x0) / (x1 - x0) * PLOT_W;
                final double py = TOP + PLOT_H - sr.y()[i] / yTop * PLOT_H;
                path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", px, py));
                if (!sr.line()) {
                    sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\" "
                            + "fill-opacity=\"0.8\"><title>%s: %s, %s</title></circle>", px, py, colour, esc(sr.name()),
                        number(sr.x()[i]), number(sr.y()[i])));
                }
            }
            if (sr.line() && path.length() > 0) {
                sb.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>",
                    path, colour, sr.dashed() ? " stroke-dasharray=\"6 4\"" : ""));
            }
            names.add(sr.name());
            lines.add(sr.line());
        }
        legend(sb, names, lines);
        return close(sb);
    }

    private static StringBuilder open(final String title) {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            + "viewBox=\"0 0 %d %d\" font-size=\"11\" font-family=\"sans-serif\" role=\"img\">", WIDTH, HEIGHT, WIDTH,
            HEIGHT));
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>", WIDTH, HEIGHT));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"13\" font-weight=\"bold\">%s</text>",
            LEFT, esc(title)));
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fff\" "
            + "stroke=\"#9ca3af\"/>", LEFT, TOP, PLOT_W, PLOT_H));
        return sb;
    }

    private static String close(final StringBuilder sb) {
        return sb.append("</svg>\n").toString();
    }

    private static void yAxis(final StringBuilder sb, final double[] ticks, final double from, final double to,
                              final String label) {
        for (final double t : ticks) {
            final double py = TOP + PLOT_H - (t - from) / (to - from) * PLOT_H;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e7eb\"/>"
                + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT, py, LEFT + PLOT_W, py, LEFT - 4,
                py + 4, number(t)));
        }
        sb.append(String.format(Locale.ROOT, "<text transform=\"translate(14 %.1f) rotate(-90)\" "
            + "text-anchor=\"middle\">%s</text>", TOP + PLOT_H / 2.0, esc(label)));
    }

    private static void legend(final StringBuilder sb, final List<String> names, final List<Boolean> lines) {
        final int x = LEFT + PLOT_W + 16;
        for (int i = 0; i < names.size(); i++) {
            final int y = TOP + 8 + 18 * i;
            final String colour = PALETTE.get(i % PALETTE.size());
            if (i < lines.size() && lines.get(i)) {
                sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                    + "stroke-width=\"2\"/>", x, y, x + 12, y, colour));
            } else {
                sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>",
                    x, y - 5, colour));
            }
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>", x + 16, y + 4,
                esc(names.get(i))));
        }
    }

    private static boolean integers(final List<Series> series) {
        return series.stream().allMatch(s -> java.util.Arrays.stream(s.x()).allMatch(v -> v == Math.rint(v)));
    }

    /** Round ticks, but never between two integers (plate numbers). */
    static double[] integerTicks(final double lo, final double hi) {
        final double[] t = ticks(lo, hi);
        if (t.length < 2 || t[1] - t[0] >= 1) {
            return t;
        }
        final List<Double> out = new ArrayList<>();
        for (double v = Math.floor(lo); v <= Math.ceil(hi); v++) {
            out.add(v);
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** 4 to 8 round tick values covering [lo, hi]. */
    static double[] ticks(final double lo, final double hi) {
        final double span = hi - lo <= 0 ? 1 : hi - lo;
        final double raw = span / 5;
        final double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        final double norm = raw / mag;
        final double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
        final double first = Math.floor(lo / step) * step;
        final List<Double> out = new ArrayList<>();
        for (double t = first; t < hi + step * 0.999; t += step) {
            out.add(Math.abs(t) < step * 1e-9 ? 0 : t);
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static String number(final double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v)
            : Math.abs(v) >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static String esc(final String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
