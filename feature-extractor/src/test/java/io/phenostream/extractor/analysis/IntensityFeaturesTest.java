package io.phenostream.extractor.analysis;

import static io.phenostream.extractor.analysis.SiteAnalyzerTest.ANALYZER;
import static io.phenostream.extractor.analysis.SiteAnalyzerTest.feature;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Intensity features, cell outlines and site medians on scenes with known intensities. */
class IntensityFeaturesTest {

    /** 3x3 cells: nucleus radius 10, cell radius as given; the reporter is {@code ratio} times brighter in nuclei. */
    private static Map<String, byte[]> scene(final double ratio, final double cellRadius) {
        final SyntheticSite dna = new SyntheticSite(256, 256);
        final SyntheticSite actin = new SyntheticSite(256, 256).seed(2);
        final SyntheticSite gfp = new SyntheticSite(256, 256).seed(3).background(0.02);
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                final int x = 48 + 80 * c;
                final int y = 48 + 80 * r;
                dna.disc(x, y, 10, 0.5);
                actin.disc(x, y, cellRadius, 0.3);
                gfp.disc(x, y, cellRadius, 0.1).disc(x, y, 10, 0.1 * ratio);
            }
        }
        final Map<String, byte[]> images = new LinkedHashMap<>();
        images.put("DNA", dna.tiff16());
        images.put("Actin", actin.tiff16());
        images.put("GFP", gfp.tiff16());
        return images;
    }

    @Test
    void nucleusToCytoplasmRatioMatchesTheDrawnFactor() {
        for (final String cellChannel : new String[] {null, "Actin"}) {
            // Cell radius 24 covers the grown cells (10 + 12 pixels), so cytoplasm is all reporter-stained.
            final SiteAnalysis analysis = ANALYZER.analyze(scene(2.5, 24), "DNA", cellChannel);
            assertEquals(9, analysis.cellCount());
            for (int cell = 0; cell < 9; cell++) {
                assertEquals(2.5, feature(analysis, cell, "gfp_nuc_cyto_ratio"), 2.5 * 0.15, "cell " + cell);
                assertEquals(0.25, feature(analysis, cell, "gfp_nucleus_median"), 0.01);
                assertEquals(0.1, feature(analysis, cell, "gfp_cytoplasm_median"), 0.01);
                final double area = feature(analysis, cell, "nucleus_area");
                assertEquals(0.25 * area, feature(analysis, cell, "gfp_nucleus_integrated"), 0.02 * area);
            }
            assertEquals(2.5, analysis.siteFeatures().get("gfp_nuc_cyto_ratio"), 2.5 * 0.15);
        }
    }

    @Test
    void cellStainLimitsTheCellOutline() {
        // Cell stain radius 15 is inside the 10 + 12 pixel growth limit, so only the stain can explain the area.
        final Map<String, byte[]> images = scene(2, 15);
        final double stained = SiteAnalyzerTest.feature(ANALYZER.analyze(images, "DNA", "Actin"), 0, "cell_area");
        final double grown = SiteAnalyzerTest.feature(ANALYZER.analyze(images, "DNA", null), 0, "cell_area");
        assertEquals(Math.PI * 15.5 * 15.5, stained, 0.1 * Math.PI * 15.5 * 15.5);
        assertEquals(Math.PI * 22.5 * 22.5, grown, 0.1 * Math.PI * 22.5 * 22.5);
    }

    @Test
    void grownCellsOfCloseNucleiDoNotOverlap() {
        // Nuclei 30 apart with growth 12: alone each cell would be a disc of radius R = 22.5; the split gives
        // each half of the lens where the two discs overlap.
        final SyntheticSite dna = new SyntheticSite(128, 96).disc(49, 48, 10, 0.5).disc(79, 48, 10, 0.5);
        final SiteAnalysis analysis = ANALYZER.analyze(Map.of("DNA", dna.tiff16()), "DNA", null);
        assertEquals(2, analysis.cellCount());
        final double r = 22.5;
        final double d = 30;
        final double lens = 2 * r * r * Math.acos(d / (2 * r)) - d / 2 * Math.sqrt(4 * r * r - d * d);
        final double expected = Math.PI * r * r - lens / 2;
        for (int cell = 0; cell < 2; cell++) {
            assertEquals(expected, feature(analysis, cell, "cell_area"), 0.05 * expected);
        }
    }

    @Test
    void eightBitPngAndSixteenBitTiffOfOneSceneAgree() {
        final SyntheticSite scene = SiteAnalyzerTest.grid(3, 3, 10).disc(200, 200, 7, 0.5);
        final SiteAnalysis png = ANALYZER.analyze(Map.of("DNA", scene.png8()), "DNA", null);
        final SiteAnalysis tiff = ANALYZER.analyze(Map.of("DNA", scene.tiff16()), "DNA", null);
        assertEquals(10, tiff.cellCount());
        assertEquals(tiff.cellCount(), png.cellCount());
        assertEquals(tiff.siteFeatures().get("nucleus_area"), png.siteFeatures().get("nucleus_area"), 5.0);
        assertEquals(tiff.siteFeatures().get("dna_nucleus_mean"), png.siteFeatures().get("dna_nucleus_mean"), 0.01);
    }

    @Test
    void featureNamesAreStableAndSiteFeaturesAreMedians() {
        final Map<String, byte[]> images = scene(2, 20);
        final Map<String, byte[]> reversed = new LinkedHashMap<>();
        List.of("GFP", "Actin", "DNA").forEach(c -> reversed.put(c, images.get(c)));
        final SiteAnalysis a = ANALYZER.analyze(images, "DNA", "Actin");
        final SiteAnalysis b = ANALYZER.analyze(reversed, "DNA", "Actin");
        assertEquals(a.featureNames(), b.featureNames());
        // The original columns keep their positions; later features are appended after them.
        final List<String> original = List.of("nucleus_area", "nucleus_perimeter", "nucleus_form_factor",
            "nucleus_eccentricity", "nucleus_solidity", "cell_area",
            "actin_nucleus_mean", "actin_nucleus_median", "actin_nucleus_integrated", "actin_cytoplasm_mean",
            "actin_cytoplasm_median", "actin_cell_mean",
            "dna_nucleus_mean", "dna_nucleus_median", "dna_nucleus_integrated", "dna_cytoplasm_mean",
            "dna_cytoplasm_median", "dna_cell_mean",
            "gfp_nucleus_mean", "gfp_nucleus_median", "gfp_nucleus_integrated", "gfp_cytoplasm_mean",
            "gfp_cytoplasm_median", "gfp_cell_mean",
            "actin_nuc_cyto_ratio", "gfp_nuc_cyto_ratio", "dna_nucleus_sd", "dna_nucleus_gradient_mean");
        final List<String> appended = List.of("cell_perimeter", "cell_form_factor", "cell_eccentricity",
            "cell_solidity",
            "actin_cytoplasm_integrated", "actin_cell_median", "actin_cell_integrated",
            "dna_cytoplasm_integrated", "dna_cell_median", "dna_cell_integrated",
            "gfp_cytoplasm_integrated", "gfp_cell_median", "gfp_cell_integrated",
            "actin_nucleus_texture_contrast", "actin_nucleus_texture_homogeneity", "actin_nucleus_texture_entropy",
            "actin_nucleus_texture_asm",
            "dna_nucleus_texture_contrast", "dna_nucleus_texture_homogeneity", "dna_nucleus_texture_entropy",
            "dna_nucleus_texture_asm",
            "gfp_nucleus_texture_contrast", "gfp_nucleus_texture_homogeneity", "gfp_nucleus_texture_entropy",
            "gfp_nucleus_texture_asm");
        final List<String> expected = new java.util.ArrayList<>(original);
        expected.addAll(appended);
        assertEquals(expected, a.featureNames());
        assertEquals(a.featureNames().size() + 1, a.siteFeatures().size());
        final int column = a.featureNames().indexOf("nucleus_area");
        final double[] areas = new double[a.cellCount()];
        for (int cell = 0; cell < areas.length; cell++) {
            areas[cell] = a.cellFeatures()[cell][column];
        }
        java.util.Arrays.sort(areas);
        assertEquals(areas[areas.length / 2], a.siteFeatures().get("nucleus_area"));
        assertEquals(9.0, a.siteFeatures().get(SiteAnalyzer.CELL_COUNT));
    }

    @Test
    void textureFeaturesSeparateFlatFromSpeckledNuclei() {
        final SyntheticSite flat = new SyntheticSite(96, 96).noise(0.002).disc(48, 48, 14, 0.5);
        final SyntheticSite speckled = new SyntheticSite(96, 96).noise(0.002).disc(48, 48, 14, 0.5);
        for (int i = 0; i < 4; i++) {
            speckled.disc(40 + 5 * i, 42 + 4 * (i % 2), 1.5, 0.8);
        }
        final SiteAnalysis a = SiteAnalyzerTest.analyzeNuclei(flat);
        final SiteAnalysis b = SiteAnalyzerTest.analyzeNuclei(speckled);
        assertTrue(feature(b, 0, "dna_nucleus_sd") > 3 * feature(a, 0, "dna_nucleus_sd"));
        assertTrue(feature(b, 0, "dna_nucleus_gradient_mean") > 1.5 * feature(a, 0, "dna_nucleus_gradient_mean"));
    }
}
