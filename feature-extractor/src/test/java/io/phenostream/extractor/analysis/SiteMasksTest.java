package io.phenostream.extractor.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.phenostream.common.image.LabelImagePng;
import io.phenostream.common.image.StackedLabelImages;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The label images a site keeps are the ones its features were measured on: decoded with ImageIO (not the
 * OpenCV that wrote them), each label's pixel count is that cell's area feature, a nucleus lies inside the cell of
 * the same label, and an object the segmentation dropped (touching the border) is background.
 */
class SiteMasksTest {

    @Test
    void masksHoldTheMeasuredLabels() {
        // 12 discs in a grid plus one cut by the left edge, which the segmentation drops
        final SyntheticSite site = SiteAnalyzerTest.grid(3, 4, 10).disc(2, 150, 9, 0.5);
        final SiteAnalysis analysis = SiteAnalyzerTest.analyzeNuclei(site);
        assertEquals(12, analysis.cellCount());
        assertNotNull(analysis.masks());

        final StackedLabelImages both = StackedLabelImages.decode(analysis.masks().png(), "masks");
        final LabelImagePng nuclei = both.nuclei();
        final LabelImagePng cells = both.cells();
        assertEquals(512, LabelImagePng.decode(analysis.masks().png(), "masks").height(), "one PNG, nuclei over cells");
        assertEquals(256, nuclei.width());
        assertEquals(256, nuclei.height());
        assertEquals(256, cells.width());
        assertEquals(12, nuclei.objectCount());
        assertEquals(12, nuclei.maxLabel(), "labels 1..cellCount, the cell table's cell column");
        assertEquals(12, cells.objectCount());

        final int[] nucleusArea = new int[13];
        final int[] cellArea = new int[13];
        for (int i = 0; i < nuclei.labels().length; i++) {
            nucleusArea[nuclei.labels()[i]]++;
            cellArea[cells.labels()[i]]++;
            if (nuclei.labels()[i] != 0) {
                assertEquals(nuclei.labels()[i], cells.labels()[i], "nucleus pixel " + i + " outside its cell");
            }
        }
        for (int label = 1; label <= 12; label++) {
            assertEquals(SiteAnalyzerTest.feature(analysis, label - 1, "nucleus_area"), nucleusArea[label],
                "nucleus " + label);
            assertEquals(SiteAnalyzerTest.feature(analysis, label - 1, "cell_area"), cellArea[label], "cell " + label);
        }
        for (int y = 141; y <= 159; y++) {
            for (int x = 0; x <= 10; x++) {
                assertEquals(0, nuclei.labels()[y * 256 + x], "dropped border object at " + x + "," + y);
            }
        }
    }

    @Test
    void anEmptySiteHasEmptyMasks() {
        final SiteAnalysis analysis = SiteAnalyzerTest.analyzeNuclei(new SyntheticSite(64, 48));
        assertEquals(0, analysis.cellCount());
        final LabelImagePng nuclei = StackedLabelImages.decode(analysis.masks().png(), "masks").nuclei();
        assertEquals(64, nuclei.width());
        assertEquals(48, nuclei.height());
        assertEquals(0, nuclei.maxLabel());
    }

    @Test
    void analysesBuiltWithoutMasksHaveNone() {
        assertNull(new SiteAnalysis(0, java.util.List.of(), new double[0][], Map.of(), null).masks());
    }
}
