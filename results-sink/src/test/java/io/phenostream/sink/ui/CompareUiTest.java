package io.phenostream.sink.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.sink.AnalysisRow;
import io.phenostream.sink.api.CompoundChange;
import io.phenostream.sink.api.CompoundComparison;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompareUiTest {

    private static CompoundComparison c(final String name, final Double a, final Double b, final Boolean hitA,
                                        final Boolean hitB) {
        return new CompoundComparison(name, hitA == null ? null : 1, hitB == null ? null : 1, a, b, 0.5, 0.5, hitA,
            hitB, CompoundChange.of(hitA, hitB));
    }

    @Test
    void scatterDrawsOneEscapedDotPerCompoundScoredInBoth() {
        final String svg = ScoreScatterPlot.svg(List.of(c("<b>x</b>", 1.0, 2.0, false, true), c("k", 3.0, 3.0, true,
            true), c("l", 2.0, 0.0, true, false), c("n", 0.0, 1.0, false, false), c("onlyA", 1.0, null, true, null),
            c("nan", Double.NaN, 1.0, false, false)), "a-<1>", "a-2");
        assertEquals(4, svg.split("<circle ", -1).length - 1, "onlyA and the NaN score are not drawn");
        assertTrue(svg.contains("class=\"pt gained\"") && svg.contains("class=\"pt kept\"")
            && svg.contains("class=\"pt lost\"") && svg.contains("class=\"pt none\""), svg);
        assertTrue(svg.contains("&lt;b&gt;x&lt;/b&gt;: A 1.00, B 2.00 (gained)"), svg);
        assertTrue(svg.contains("score in A (a-&lt;1&gt;)"), svg);
        assertFalse(svg.contains("<b>") || svg.contains("a-<1>"), svg);
        assertTrue(svg.contains("class=\"diagonal\""));
        assertTrue(svg.contains("fill=\"" + ScoreScatterPlot.colour(CompoundChange.GAINED) + "\""));
        // one scale for both axes: the point with equal scores sits on the diagonal (x and y offsets from the
        // plot's lower-left corner are equal)
        final String kept = svg.substring(svg.indexOf("class=\"pt kept\""));
        final double cx = Double.parseDouble(kept.replaceFirst("(?s).*?cx=\"([0-9.]+)\".*", "$1"));
        final double cy = Double.parseDouble(kept.replaceFirst("(?s).*?cy=\"([0-9.]+)\".*", "$1"));
        assertEquals(cx - ScoreScatterPlot.LEFT, ScoreScatterPlot.TOP + ScoreScatterPlot.SIDE - cy, 0.2);
    }

    @Test
    void nonHitsAreThinnedButEveryHitIsDrawn() {
        final List<CompoundComparison> rows = new ArrayList<>();
        for (int i = 0; i < 3 * ScoreScatterPlot.MAX_NON_HITS; i++) {
            rows.add(c("n" + i, (double) i, (double) i, false, false));
        }
        for (int i = 0; i < 50; i++) {
            rows.add(c("h" + i, (double) i, (double) i, true, true));
        }
        final String svg = ScoreScatterPlot.svg(rows, "a", "b");
        assertEquals(ScoreScatterPlot.MAX_NON_HITS, svg.split("class=\"pt none\"", -1).length - 1);
        assertEquals(50, svg.split("class=\"pt kept\"", -1).length - 1);
        assertTrue(ScoreScatterPlot.svg(List.of(c("x", 1.0, null, true, null)), "a", "b").contains("nothing to plot"));
    }

    @Test
    void formPicksTheTwoLatestAnalysesAndEscapesIds() {
        assertEquals("", ComparePage.form("E", List.of(new AnalysisRow("a-1", null, null, null))));
        final String form = ComparePage.form("E<1>", List.of(new AnalysisRow("new\"><script>", null, null, null),
            new AnalysisRow("old", null, null, null)));
        assertTrue(form.contains("action=\"/experiments/E%3C1%3E/compare\""), form);
        assertTrue(form.contains("<select name=\"a\"><option value=\"new&quot;&gt;&lt;script&gt;\">"), form);
        assertTrue(form.contains("<option value=\"old\" selected>old</option></select></label><label>with B"), form);
        assertTrue(form.contains("<select name=\"b\"><option value=\"new&quot;&gt;&lt;script&gt;\" selected>"), form);
        assertFalse(form.contains("<script>"));
    }
}
