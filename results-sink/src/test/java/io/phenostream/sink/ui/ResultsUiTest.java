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
        final CompoundScore.DoseResponseFit fit = new CompoundScore.DoseResponseFit("OK", 2.0, 1.5, 10.0, 1.0, 0.9);
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

    private static WellScoreRow row(final String well, final String compound, final Double score) {
        return new WellScoreRow("P1", "r1", well, compound, 1.0, "uM", "treatment", 10.0, score, 0.1, 0.0, false,
            true);
    }
}
