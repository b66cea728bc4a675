package io.phenostream.sink.ui;

import static io.phenostream.sink.ui.Html.esc;

import io.phenostream.sink.api.CompoundChange;
import io.phenostream.sink.api.CompoundComparison;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;

/**
 * An SVG scatter of compound scores, analysis A on x against analysis B on y, with the line y = x: one dot per
 * compound scored in both, coloured by its hit call (kept, gained, lost, none) and titled with its name and scores.
 * Every hit is drawn; compounds that are a hit in neither analysis are thinned to at most {@link #MAX_NON_HITS}
 * (evenly over their order), so a library of 100 000 compounds still gives a page a browser can draw.
 */
public final class ScoreScatterPlot {

    static final int MAX_NON_HITS = 4000;
    static final int LEFT = 56;
    static final int TOP = 16;
    /** Side of the square plot area: one pixel scale on both axes, so the diagonal is at 45 degrees. */
    static final int SIDE = 340;
    private static final int RIGHT = 16;
    private static final int BOTTOM = 44;
    private static final int WIDTH = LEFT + SIDE + RIGHT;
    private static final int HEIGHT = TOP + SIDE + BOTTOM;

    private ScoreScatterPlot() {
    }

    static String colour(final CompoundChange change) {
        return switch (change) {
            case KEPT -> "#e76f51";
            case GAINED -> "#2a9d8f";
            case LOST -> "#b00020";
            default -> "#9ca3af";
        };
    }

    /** @param compounds the comparison's compounds; those without a finite score on both sides are left out */
    public static String svg(final List<CompoundComparison> compounds, final String analysisA,
                             final String analysisB) {
        final List<CompoundComparison> hits = new ArrayList<>();
        final List<CompoundComparison> others = new ArrayList<>();
        for (final CompoundComparison c : compounds) {
            if (finite(c.scoreA()) && finite(c.scoreB())) {
                (c.change() == CompoundChange.NONE ? others : hits).add(c);
            }
        }
        if (hits.isEmpty() && others.isEmpty()) {
            return "<p class=\"muted\">No compound has a score in both analyses: nothing to plot.</p>";
        }
        final List<CompoundComparison> drawn = new ArrayList<>(thin(others));
        drawn.addAll(hits); // hits last, so they are on top
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (final CompoundComparison c : drawn) {
            lo = Math.min(lo, Math.min(c.scoreA(), c.scoreB()));
            hi = Math.max(hi, Math.max(c.scoreA(), c.scoreB()));
        }
        // One scale for both axes, so that the diagonal means "same score".
        final double pad = (hi - lo) * 0.06 + 1e-9;
        lo -= pad;
        hi += pad;
        final double x0 = LEFT;
        final double x1 = LEFT + SIDE;
        final double y0 = TOP + SIDE;
        final double y1 = TOP;
        final double from = lo;
        final double span = hi - lo;
        final DoubleUnaryOperator sx = v -> x0 + (v - from) / span * (x1 - x0);
        final DoubleUnaryOperator sy = v -> y0 + (v - from) / span * (y1 - y0);
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            + "viewBox=\"0 0 %d %d\" font-size=\"11\" font-family=\"sans-serif\" role=\"img\">", WIDTH, HEIGHT, WIDTH,
            HEIGHT));
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fff\" "
            + "stroke=\"#9ca3af\"/>", LEFT, TOP, SIDE, SIDE));
        for (final double t : DoseResponsePlot.ticks(lo, hi)) {
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>"
                + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", sx.applyAsDouble(t), TOP,
                sx.applyAsDouble(t), TOP + SIDE, sx.applyAsDouble(t), TOP + SIDE + 14, esc(Html.num(t))));
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT, sy.applyAsDouble(t), LEFT + SIDE,
                sy.applyAsDouble(t), LEFT - 4, sy.applyAsDouble(t) + 4, esc(Html.num(t))));
        }
        sb.append(String.format(Locale.ROOT, "<line class=\"diagonal\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
            + "y2=\"%.1f\" stroke=\"#6b7280\" stroke-dasharray=\"4 3\"/>", x0, y0, x1, y1));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>",
            LEFT + SIDE / 2, HEIGHT - 8, esc("score in A (" + analysisA + ")")));
        sb.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\" "
            + "text-anchor=\"middle\">%s</text>", TOP + SIDE / 2, TOP + SIDE / 2,
            esc("score in B (" + analysisB + ")")));
        for (final CompoundComparison c : drawn) {
            final boolean hit = c.change() != CompoundChange.NONE;
            sb.append(String.format(Locale.ROOT, "<circle class=\"pt %s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" "
                + "fill=\"%s\"%s><title>%s</title></circle>", c.change().label(), sx.applyAsDouble(c.scoreA()),
                sy.applyAsDouble(c.scoreB()), hit ? 4 : 2, colour(c.change()), hit ? "" : " fill-opacity=\"0.6\"",
                esc(c.compound() + ": A " + Html.num(c.scoreA()) + ", B " + Html.num(c.scoreB()) + " ("
                    + c.change().label() + ")")));
        }
        return sb.append("</svg>").toString();
    }

    /** At most {@link #MAX_NON_HITS} of {@code rows}, evenly spaced over their order. */
    static List<CompoundComparison> thin(final List<CompoundComparison> rows) {
        if (rows.size() <= MAX_NON_HITS) {
            return rows;
        }
        final List<CompoundComparison> out = new ArrayList<>(MAX_NON_HITS);
        for (int i = 0; i < MAX_NON_HITS; i++) {
            out.add(rows.get((int) ((long) i * rows.size() / MAX_NON_HITS)));
        }
        return out;
    }

    private static boolean finite(final Double v) {
        return v != null && Double.isFinite(v);
    }
}
