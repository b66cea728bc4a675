package io.phenostream.sink.ui;

import static io.phenostream.sink.ui.Html.esc;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.WellId;
import io.phenostream.sink.WellScoreRow;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * An SVG heatmap of one per-well value laid out as the physical plate (rows A.., columns 1..), so edge effects
 * and dispensing patterns show as they would on the plate. Colour runs from light (lowest value on the plate) to
 * dark (highest); wells without a value are hatched grey. Each well links to its well page and has a tooltip.
 */
public final class PlateHeatmap {

    private PlateHeatmap() {
    }

    /**
     * @param value    the plotted value of a well, null where unknown
     * @param diverging centre the colour scale on 0 (blue below, red above), for signed scores
     * @param wellLink the well page of a well id
     */
    public static String svg(final PlateLayout layout, final List<WellScoreRow> wells,
                             final Function<WellScoreRow, Double> value, final boolean diverging,
                             final Function<String, String> wellLink) {
        final int cell = layout.columns() <= 12 ? 26 : layout.columns() <= 24 ? 16 : 8;
        final int left = 22;
        final int top = 16;
        final int width = left + layout.columns() * cell + 4;
        final int height = top + layout.rows() * cell + 22;
        final Map<String, WellScoreRow> byWell = new HashMap<>();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (final WellScoreRow w : wells) {
            byWell.put(w.well(), w);
            final Double v = value.apply(w);
            if (v != null && Double.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (diverging && min <= max) {
            final double m = Math.max(Math.abs(min), Math.abs(max));
            min = -m;
            max = m;
        }
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            + "viewBox=\"0 0 %d %d\" font-size=\"9\" font-family=\"sans-serif\" role=\"img\">", width, height, width,
            height));
        final int labelEvery = layout.columns() > 24 ? 4 : 1;
        for (int c = 1; c <= layout.columns(); c++) {
            if (c % labelEvery == 0 || c == 1) {
                sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"11\" text-anchor=\"middle\">%d</text>",
                    left + (c - 1) * cell + cell / 2, c));
            }
        }
        for (int r = 0; r < layout.rows(); r++) {
            if (layout.rows() <= 16 || r % 2 == 0) {
                sb.append(String.format(Locale.ROOT, "<text x=\"2\" y=\"%d\">%s</text>", top + r * cell + cell / 2 + 3,
                    WellId.of(r, 1).rowLabel()));
            }
            for (int c = 1; c <= layout.columns(); c++) {
                final String id = WellId.of(r, c).toString();
                final WellScoreRow w = byWell.get(id);
                final Double v = w == null ? null : value.apply(w);
                final int x = left + (c - 1) * cell;
                final int y = top + r * cell;
                final String fill = v == null || !Double.isFinite(v) ? "#d1d5db" : colour(v, min, max, diverging);
                final String tip = id + (w == null ? " (no data)" : " " + (w.compound() == null ? "" : w.compound())
                    + (w.concentration() == null ? "" : " " + Html.num(w.concentration()) + " "
                    + (w.unit() == null ? "" : w.unit())) + " [" + w.role() + "]: " + Html.num(v));
                final String rect = String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                    + "fill=\"%s\" stroke=\"#fff\"><title>%s</title></rect>", x, y, cell, cell, fill, esc(tip));
                sb.append(w == null ? rect : "<a href=\"" + esc(wellLink.apply(id)) + "\">" + rect + "</a>");
            }
        }
        final int ly = top + layout.rows() * cell + 14;
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>", left, ly,
            min <= max ? esc("min " + Html.num(min) + " (light" + (diverging ? ", blue" : "") + ")  max "
                + Html.num(max) + " (dark" + (diverging ? ", red" : "") + ")") : "no values yet"));
        sb.append("</svg>");
        return sb.toString();
    }

    static String colour(final double v, final double min, final double max, final boolean diverging) {
        final double t = max > min ? (v - min) / (max - min) : 0.5;
        if (diverging) {
            // blue (-) .. white (0) .. red (+)
            final double d = 2 * t - 1;
            final int a = (int) Math.round(255 * (1 - Math.abs(d)));
            return d < 0 ? rgb(a, a, 255) : rgb(255, a, a);
        }
        // light yellow-green to dark blue
        final int r = (int) Math.round(247 - t * (247 - 8));
        final int g = (int) Math.round(252 - t * (252 - 48));
        final int b = (int) Math.round(185 - t * (185 - 107));
        return rgb(r, g, b);
    }

    private static String rgb(final int r, final int g, final int b) {
        return String.format(Locale.ROOT, "#%02x%02x%02x", clamp(r), clamp(g), clamp(b));
    }

    private static int clamp(final int v) {
        return Math.max(0, Math.min(255, v));
    }
}
