package io.phenostream.sink.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.events.CompoundScore;
import io.phenostream.sink.WellScoreRow;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultsUiTest {

    @Test
    void escapesEveryMarkupCharacter() {
        assertEquals("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;",
            Html.esc("<script>alert('x')</script> & \"q\""));
        assertEquals("", Html.esc(null));
        // Path segments keep '/', '?', '#' and spaces inside the id.
        assertEquals("/experiments/a%2Fb%3Fc%23d%20e", Html.path("experiments", "a/b?c#d e"));
        assertEquals("/x?a=1&b=%3Cs%3E", Html.url("/x", new java.util.LinkedHashMap<>(Map.of("a", "1")) {{
                put("b", "<s>");
                put("c", null);
            }}));
    }

    @Test
    void heatmapHasOneCellPerWellOfThePhysicalPlate() {
        final WellScoreRow a01 = row("A01", "<b>x</b>", 1.0);
        final WellScoreRow p24 = row("P24", "y", 3.0);
        final String svg = PlateHeatmap.svg(PlateLayout.WELLS_384, List.of(a01, p24), WellScoreRow::score, false,
            w -> "/w/" + w);
        assertEquals(384, svg.split("<rect ", -1).length - 1);
        assertTrue(svg.contains("&lt;b&gt;x&lt;/b&gt;"));
        assertFalse(svg.contains("<b>x"));
        // lowest value lightest, highest darkest; a well without data grey
        assertTrue(svg.contains("fill=\"" + PlateHeatmap.colour(1, 1, 3, false) + "\""));
        assertEquals("#f7fcb9", PlateHeatmap.colour(1, 1, 3, false));
        assertEquals("#08306b", PlateHeatmap.colour(3, 1, 3, false));
        assertEquals("#ffffff", PlateHeatmap.colour(0, -2, 2, true));
        assertTrue(svg.contains("fill=\"#d1d5db\""));
    }

    @Test
    void logisticIsHalfwayAtEc50AndReachesItsAsymptotes() {
        final CompoundScore.DoseResponseFit fit = new CompoundScore.DoseResponseFit("OK", 2.0, 1.5, 10.0, 1.0, 0.9,
            CompoundScore.DoseResponseFit.ACTIVITY_SCORE);
        assertEquals(5.5, DoseResponsePlot.logistic(fit, 2.0), 1e-12);
        assertEquals(10.0, DoseResponsePlot.logistic(fit, 2e6), 1e-6);
        assertEquals(1.0, DoseResponsePlot.logistic(fit, 2e-6), 1e-6);
        final String svg = DoseResponsePlot.svg(fit, List.of(new CompoundScore.DosePoint(1.0, 3.0, 0.0, 2)),
            List.of(row("A01", "c", 3.1)), "uM");
        assertTrue(svg.contains("<polyline class=\"fit\""));
        assertTrue(svg.contains("EC50 2.00"));
        assertFalse(DoseResponsePlot.svg(CompoundScore.DoseResponseFit.notFitted("too few doses"),
            List.of(new CompoundScore.DosePoint(1.0, 3.0, 0.0, 2)), List.of(), null).contains("polyline"));
    }

    /** A fit on the compound axis is drawn with the values it was fitted to, not the activity scores. */
    @Test
    void compoundAxisFitIsDrawnOnItsOwnReadouts() {
        final CompoundScore.DoseResponseFit fit = new CompoundScore.DoseResponseFit("ok", 1.0, 1.0, 1.0, 0.0, 0.9,
            CompoundScore.DoseResponseFit.COMPOUND_AXIS);
        final List<CompoundScore.DosePoint> doses = List.of(
            new CompoundScore.DosePoint(0.1, 2.0, 0.1, 2, List.of(0.05, 0.15)),
            new CompoundScore.DosePoint(10.0, 12.0, 0.9, 2, List.of(0.85, 0.95)));
        final String svg = DoseResponsePlot.svg(fit, doses, List.of(row("A01", "c", 12.0), row("A02", "c", 2.0)),
            "uM");
        assertTrue(svg.contains("compound-axis score (0 = negative controls)"), svg);
        assertTrue(svg.contains("<polyline class=\"fit\""));
        assertEquals(4, count(svg, "class=\"well\""));
        // Dose means of the readouts, not of the activity scores.
        assertTrue(svg.contains("(0 = negative controls) 0.100</title>"), svg);
        assertTrue(svg.contains("(0 = negative controls) 0.900</title>"), svg);

        // An older record with no readout: activity scores, and no curve of unknown scale through them.
        final String old = DoseResponsePlot.svg(new CompoundScore.DoseResponseFit("ok", 1.0, 1.0, 1.0, 0.0, 0.9),
            List.of(new CompoundScore.DosePoint(10.0, 12.0, 0.9, 2)), List.of(row("A01", "c", 12.0)), "uM");
        assertFalse(old.contains("polyline"));
        assertTrue(old.contains(">activity score</text>"));
    }

    private static int count(final String s, final String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static WellScoreRow row(final String well, final String compound, final Double score) {
        return new WellScoreRow("P1", "r1", well, compound, 1.0, "uM", "treatment", 10.0, score, 0.1, 0.0, false,
            true, 1);
    }
}
