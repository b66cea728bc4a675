package io.phenostream.extractor.analysis;

import static io.phenostream.extractor.analysis.SiteAnalyzerTest.ANALYZER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * The CellProfiler ExampleHuman site (HT29 cells, 512x512, 8-bit; see shared/data/cellprofiler-examples). Skipped
 * where the shared data folder is absent (a clone outside this workplace).
 */
class ExampleHumanTest {

    private static final String PREFIX = "AS_09125_050116030001_D03f00";

    static Path exampleHuman() {
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null) {
            final Path candidate = dir.resolve("shared/data/cellprofiler-examples/ExampleHuman");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            dir = dir.getParent();
        }
        return null;
    }

    @Test
    void nucleusCountIsInTheDocumentedRange() throws IOException {
        final Path dir = exampleHuman();
        Assumptions.assumeTrue(dir != null, "shared/data/cellprofiler-examples/ExampleHuman not found");
        final Map<String, byte[]> images = Map.of(
            "DNA", Files.readAllBytes(dir.resolve(PREFIX + "d0.tif")),
            "PH3", Files.readAllBytes(dir.resolve(PREFIX + "d1.tif")),
            "Cell", Files.readAllBytes(dir.resolve(PREFIX + "d2.tif")));
        final SiteAnalysis withStain = ANALYZER.analyze(images, "DNA", "Cell");
        // The data README: "Expect on the order of 200-300 nuclei in this field".
        assertTrue(withStain.cellCount() >= 200 && withStain.cellCount() <= 300,
            "nuclei: " + withStain.cellCount());
        // Nuclei here are ~10 pixels across, i.e. ~80 pixels of area; objects of 30..2000 pass the size filter.
        final double area = withStain.siteFeatures().get("nucleus_area");
        assertTrue(area > 50 && area < 200, "median nucleus area " + area);
        // Cells are larger than their nuclei and DNA is brighter in the nucleus than around it.
        assertTrue(withStain.siteFeatures().get("cell_area") > area);
        assertTrue(withStain.siteFeatures().get("dna_nucleus_mean") > withStain.siteFeatures().get("dna_cytoplasm_mean"));
        // Nuclei do not depend on the cell stain.
        assertEquals(withStain.cellCount(), ANALYZER.analyze(images, "DNA", null).cellCount());
    }

    /** Writes the nucleus outlines over the DNA image for a person to judge (not checked in). */
    @Test
    void writesANucleusOutlineOverlay() throws IOException {
        final Path dir = exampleHuman();
        Assumptions.assumeTrue(dir != null, "shared/data/cellprofiler-examples/ExampleHuman not found");
        final Path png = Paths.get("target", "overlays", "examplehuman-nuclei.png");
        OpenCvLoader.ensureLoaded();
        final int count;
        try (MatScope scope = new MatScope()) {
            final Mat dna = ChannelDecoder.decode("DNA", Files.readAllBytes(dir.resolve(PREFIX + "d0.tif")), scope);
            final LabelImage nuclei = new NucleusSegmenter(ANALYZER.params()).segment(dna, scope);
            count = nuclei.count();
            Files.createDirectories(png.getParent());
            Files.write(png, OutlineOverlay.png(dna, nuclei.pixels(), null));
        }
        System.out.println("ExampleHuman: " + count + " nuclei, overlay " + png.toAbsolutePath());
        assertTrue(count >= 200 && count <= 300, "nuclei: " + count);
        try (MatScope scope = new MatScope()) {
            final Mat written = scope.track(Imgcodecs.imread(png.toString(), Imgcodecs.IMREAD_COLOR));
            assertEquals(512, written.cols());
            assertEquals(512, written.rows());
            assertEquals(3, written.channels());
        }
    }
}
