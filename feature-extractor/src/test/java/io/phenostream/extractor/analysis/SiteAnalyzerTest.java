package io.phenostream.extractor.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.events.ExtractionParameters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Segmentation and shape features on synthetic nuclei drawn with known geometry. */
class SiteAnalyzerTest {

    static final SiteAnalyzer ANALYZER = new SiteAnalyzer(ExtractionParameters.defaults());

    static SiteAnalysis analyzeNuclei(final SyntheticSite nuclei) {
        return ANALYZER.analyze(Map.of("DNA", nuclei.tiff16()), "DNA", null);
    }

    static double feature(final SiteAnalysis analysis, final int cell, final String name) {
        final int column = analysis.featureNames().indexOf(name);
        assertTrue(column >= 0, "no feature " + name + " in " + analysis.featureNames());
        return analysis.cellFeatures()[cell][column];
    }

    static SyntheticSite grid(final int rows, final int cols, final double radius) {
        final SyntheticSite site = new SyntheticSite(256, 256);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                site.disc(32 + 64 * c, 32 + 64 * r, radius, 0.5);
            }
        }
        return site;
    }

    @Test
    void countsWellSeparatedDiscs() {
        final SiteAnalysis analysis = analyzeNuclei(grid(3, 4, 10));
        assertEquals(12, analysis.cellCount());
        assertEquals(12, analysis.cellFeatures().length);
        assertEquals(12.0, analysis.siteFeatures().get(SiteAnalyzer.CELL_COUNT));
    }

    @Test
    void splitsTwoTouchingDiscs() {
        // Centres 24 apart with radius 14: the discs overlap by 4 pixels and form one foreground blob.
        final SyntheticSite site = new SyntheticSite(128, 96).disc(52, 48, 14, 0.6).disc(76, 48, 14, 0.6);
        final SiteAnalysis analysis = analyzeNuclei(site);
        assertEquals(2, analysis.cellCount());
        final double half = site.drawnArea() / 2.0;
        for (int cell = 0; cell < 2; cell++) {
            assertEquals(half, feature(analysis, cell, "nucleus_area"), 0.1 * half, "split should be near the neck");
        }
    }

    @Test
    void splitsOverlappingNucleiOfUnequalSize() {
        // Radii 6 and 9, centres 14 apart (0.93 x the summed radii; the synthetic plate clumps down to 0.8): after
        // smoothing the neck is under 2 px below the smaller disc's distance peak (h = 2 merged them), and an
        // ellipse of 36 x 20 px beside them must stay whole.
        final SyntheticSite site = new SyntheticSite(128, 96).noise(0.01).disc(40, 48, 6, 0.6).disc(54, 48, 9, 0.6)
            .ellipse(95, 48, 18, 10, 30, 0.6);
        final SiteAnalysis analysis = analyzeNuclei(site);
        assertEquals(3, analysis.cellCount());
        final double[] areas = new double[3];
        for (int cell = 0; cell < 3; cell++) {
            areas[cell] = feature(analysis, cell, "nucleus_area");
        }
        java.util.Arrays.sort(areas);
        assertEquals(Math.PI * 36, areas[0], 0.3 * Math.PI * 36);
    }

    @Test
    void dropsObjectsTouchingTheBorder() {
        final SyntheticSite site = grid(1, 2, 10).disc(4, 128, 12, 0.5).disc(128, 251, 12, 0.5);
        assertEquals(2, analyzeNuclei(site).cellCount());
    }

    @Test
    void dropsObjectsSmallerThanMinNucleusArea() {
        // Radius 2.5 covers about 20 pixels, below the default minimum of 30.
        final SyntheticSite site = grid(1, 2, 10).disc(128, 160, 2.5, 0.5);
        assertTrue(new SyntheticSite(256, 256).disc(128, 160, 2.5, 0.5).drawnArea() < 30);
        assertEquals(2, analyzeNuclei(site).cellCount());
        // ...and a smaller minimum keeps it.
        final SiteAnalyzer permissive = new SiteAnalyzer(new ExtractionParameters(1.5, 5, 2000, 12, 0.99, false));
        assertEquals(3, permissive.analyze(Map.of("DNA", site.tiff16()), "DNA", null).cellCount());
    }

    @Test
    void dropsObjectsLargerThanMaxNucleusArea() {
        final SyntheticSite site = grid(1, 2, 10).disc(128, 170, 30, 0.5);
        assertEquals(2, analyzeNuclei(site).cellCount());
    }

    @Test
    void nucleusAreaOfDiscMatchesItsGeometry() {
        final double r = 15;
        final SyntheticSite site = new SyntheticSite(96, 96).disc(48, 48, r, 0.6);
        final double area = feature(analyzeNuclei(site), 0, "nucleus_area");
        assertEquals(Math.PI * r * r, area, 0.1 * Math.PI * r * r);
        assertEquals(site.drawnArea(), area, 0.05 * site.drawnArea());
    }

    @Test
    void formFactorIsNearOneForDiscAndLowerForElongatedEllipse() {
        final SiteAnalysis disc = analyzeNuclei(new SyntheticSite(96, 96).disc(48, 48, 15, 0.6));
        final SiteAnalysis ellipse = analyzeNuclei(new SyntheticSite(128, 128).ellipse(64, 64, 32, 8, 30, 0.6));
        assertEquals(1, ellipse.cellCount());
        final double discFf = feature(disc, 0, "nucleus_form_factor");
        final double ellipseFf = feature(ellipse, 0, "nucleus_form_factor");
        assertEquals(1.0, discFf, 0.1);
        // Filled drawing adds about half a pixel to each half-axis; perimeter by Ramanujan's approximation.
        final double a = 32.5;
        final double b = 8.5;
        final double h = Math.pow((a - b) / (a + b), 2);
        final double p = Math.PI * (a + b) * (1 + 3 * h / (10 + Math.sqrt(4 - 3 * h)));
        assertEquals(4 * Math.PI * Math.PI * a * b / (p * p), ellipseFf, 0.06);
        assertTrue(ellipseFf < discFf - 0.25);
        final double perimeter = feature(disc, 0, "nucleus_perimeter");
        assertEquals(2 * Math.PI * 15, perimeter, 0.1 * 2 * Math.PI * 15);
    }

    @Test
    void eccentricityMatchesEllipseAxes() {
        final double a = 24;
        final double b = 12;
        final SiteAnalysis analysis = analyzeNuclei(new SyntheticSite(128, 128).ellipse(64, 64, a, b, 20, 0.6)
            .disc(64, 110, 10, 0.6));
        assertEquals(2, analysis.cellCount());
        final int ellipse = feature(analysis, 0, "nucleus_area") > feature(analysis, 1, "nucleus_area") ? 0 : 1;
        assertEquals(Math.sqrt(1 - b * b / (a * a)), feature(analysis, ellipse, "nucleus_eccentricity"), 0.03);
        assertTrue(feature(analysis, 1 - ellipse, "nucleus_eccentricity") < 0.25);
    }

    @Test
    void solidityIsLowerForConcaveShape() {
        // A cross of two ellipses (one nucleus with deep concavities) against a disc.
        final SiteAnalysis analysis = analyzeNuclei(new SyntheticSite(160, 96)
            .ellipse(45, 48, 24, 6, 0, 0.6).ellipse(45, 48, 24, 6, 90, 0.6).disc(120, 48, 12, 0.6));
        assertEquals(2, analysis.cellCount());
        final int cross = feature(analysis, 0, "nucleus_eccentricity") < 0.5
            && feature(analysis, 0, "nucleus_solidity") < 0.8 ? 0 : 1;
        assertTrue(feature(analysis, cross, "nucleus_solidity") < 0.7);
        assertTrue(feature(analysis, 1 - cross, "nucleus_solidity") > 0.9);
    }

    @Test
    void sharedAnalyzerGivesIdenticalResultsFromManyThreads() throws Exception {
        final Map<String, byte[]> images = Map.of("DNA", grid(4, 4, 10).tiff16(),
            "GFP", grid(4, 4, 16).seed(7).tiff16());
        final SiteAnalysis expected = ANALYZER.analyze(images, "DNA", null);
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            final List<Future<SiteAnalysis>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(() -> ANALYZER.analyze(images, "DNA", null)));
            }
            for (final Future<SiteAnalysis> result : results) {
                final SiteAnalysis actual = result.get();
                assertEquals(16, actual.cellCount());
                for (int cell = 0; cell < 16; cell++) {
                    assertArrayEquals(expected.cellFeatures()[cell], actual.cellFeatures()[cell]);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
