package io.phenostream.extractor.analysis;

import static io.phenostream.extractor.analysis.SiteAnalyzerTest.ANALYZER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Focus score, saturation fraction and QC flags. */
class SiteQualityTest {

    @Test
    void blurredSiteHasMuchLowerFocusScore() {
        final byte[] sharp = SiteAnalyzerTest.grid(3, 3, 10).noise(0).tiff16();
        final byte[] blurred = SyntheticSite.blurred(sharp, 3);
        final double sharpFocus = ANALYZER.analyze(Map.of("DNA", sharp), "DNA", null).qc().focusScore();
        final double blurredFocus = ANALYZER.analyze(Map.of("DNA", blurred), "DNA", null).qc().focusScore();
        assertTrue(sharpFocus > 0);
        assertTrue(blurredFocus < 0.1 * sharpFocus, sharpFocus + " vs " + blurredFocus);
    }

    @Test
    void saturationFractionCountsPixelsAtFullScaleInAnyChannel() {
        final byte[] dna = SiteAnalyzerTest.grid(2, 2, 10).tiff16();
        // 40x40 clipped patch in the reporter and a 20x10 one in DNA overlapping it by 10x5 pixels.
        final byte[] gfp = new SyntheticSite(256, 256).rectangle(100, 100, 40, 40, 1.5).tiff16();
        final byte[] dnaHot = SiteAnalyzerTest.grid(2, 2, 10).rectangle(130, 135, 20, 10, 1.5).tiff16();
        final SiteAnalysis clean = ANALYZER.analyze(Map.of("DNA", dna), "DNA", null);
        assertEquals(0.0, clean.qc().saturationFraction());
        assertEquals(List.of(), clean.qc().flags());
        final SiteAnalysis hot = ANALYZER.analyze(Map.of("DNA", dnaHot, "GFP", gfp), "DNA", null);
        assertEquals((1600 + 200 - 50) / 65536.0, hot.qc().saturationFraction(), 1e-9);
        assertTrue(hot.qc().flags().contains(SiteQualityMeter.FLAG_SATURATED));
    }

    @Test
    void emptyFieldHasNoCellsAndOnlyTheCellCount() {
        final SiteAnalysis analysis = ANALYZER.analyze(
            Map.of("DNA", new SyntheticSite(256, 256).tiff16(), "GFP", new SyntheticSite(256, 256).seed(5).tiff16()),
            "DNA", "GFP");
        assertEquals(0, analysis.cellCount());
        assertEquals(0, analysis.cellFeatures().length);
        assertEquals(Map.of(SiteAnalyzer.CELL_COUNT, 0.0), analysis.siteFeatures());
        assertEquals(List.of(SiteQualityMeter.FLAG_NO_CELLS), analysis.qc().flags());
        assertTrue(analysis.featureNames().contains("gfp_nuc_cyto_ratio"));
    }
}
