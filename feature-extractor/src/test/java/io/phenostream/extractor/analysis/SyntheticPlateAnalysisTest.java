package io.phenostream.extractor.analysis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.events.ExtractionParameters;
import io.phenostream.common.events.ScoringParameters;
import io.phenostream.common.synth.SiteTruth;
import io.phenostream.common.synth.SynthFiles;
import io.phenostream.common.synth.SynthOptions;
import io.phenostream.common.synth.SyntheticPlate;
import io.phenostream.common.synth.SyntheticPlateGenerator;
import io.phenostream.common.synth.TiffImage;
import io.phenostream.common.synth.TiffReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The analysis against the synthetic plate's ground truth: nucleus counts and out-of-focus sites. */
class SyntheticPlateAnalysisTest {

    @TempDir
    static Path dir;
    static SyntheticPlate plate;
    static final Map<SiteTruth, SiteAnalysis> RESULTS = new LinkedHashMap<>();

    @BeforeAll
    static void analysePlate() throws Exception {
        plate = new SyntheticPlateGenerator().generate(SynthOptions.defaults().withLayout(PlateLayout.WELLS_96)
            .withSitesPerWell(1).withImageSize(192).withSeed(11), dir);
        final SiteAnalyzer analyzer = new SiteAnalyzer(ExtractionParameters.defaults());
        for (final SiteTruth site : plate.sites()) {
            final Map<String, byte[]> images = new LinkedHashMap<>();
            for (int c = 0; c < SynthFiles.CHANNELS.size(); c++) {
                images.put(SynthFiles.CHANNELS.get(c), Files.readAllBytes(plate.imagePath(site.well(), site.site(), c)));
            }
            RESULTS.put(site, analyzer.analyze(images, "DNA", "CellMask"));
        }
    }

    /** Nuclei of the ground-truth label image that do not touch the border (the analysis drops those). */
    static int interiorNuclei(final SiteTruth site) throws java.io.IOException {
        final TiffImage labels = TiffReader.read(plate.nucleusLabelPath(site.well(), site.site()));
        final java.util.Set<Integer> all = new java.util.HashSet<>();
        final java.util.Set<Integer> border = new java.util.HashSet<>();
        for (int y = 0; y < labels.height(); y++) {
            for (int x = 0; x < labels.width(); x++) {
                final int v = labels.pixels()[y * labels.width() + x];
                if (v != 0) {
                    all.add(v);
                    if (x == 0 || y == 0 || x == labels.width() - 1 || y == labels.height() - 1) {
                        border.add(v);
                    }
                }
            }
        }
        all.removeAll(border);
        return all.size();
    }

    @Test
    void countsInteriorNucleiOfInFocusSites() throws Exception {
        final List<Double> relativeErrors = new ArrayList<>();
        for (final var e : RESULTS.entrySet()) {
            final int truth = interiorNuclei(e.getKey());
            if (e.getKey().inFocus() && truth >= 10) {
                relativeErrors.add(Math.abs(e.getValue().cellCount() - truth) / (double) truth);
            }
        }
        relativeErrors.sort(Double::compare);
        final double median = relativeErrors.get(relativeErrors.size() / 2);
        final double p90 = relativeErrors.get((int) (relativeErrors.size() * 0.9));
        System.out.printf(java.util.Locale.ROOT, "synthetic plate (192 px, seed 11): count error median %.3f p90 %.3f%n",
            median, p90);
        assertTrue(median < 0.03, "median relative count error " + median + " " + relativeErrors);
        assertTrue(p90 < 0.10, "90th percentile relative count error " + p90);
    }

    @Test
    void outOfFocusSitesFallBelowTheScorersThreshold() {
        final List<Double> focus = RESULTS.entrySet().stream().filter(e -> e.getKey().inFocus())
            .map(e -> e.getValue().qc().focusScore()).sorted().toList();
        final double plateMedian = focus.get(focus.size() / 2);
        final double threshold = ScoringParameters.defaults().outOfFocusRatio() * plateMedian;
        final double lowestInFocus = focus.get(0);
        RESULTS.forEach((truth, result) -> {
            if (!truth.inFocus()) {
                assertTrue(result.qc().focusScore() < threshold, truth + " focus " + result.qc().focusScore()
                    + " not below " + threshold);
            }
        });
        assertTrue(lowestInFocus > threshold, "an in-focus site would be excluded: " + lowestInFocus + " vs " + threshold);
    }
}
