package io.phenostream.extractor.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.events.ExtractionParameters;
import io.phenostream.common.image.LabelImagePng;
import io.phenostream.common.image.StackedLabelImages;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.common.s3.S3ClientFactory;
import io.phenostream.extractor.CellTableSite;
import io.phenostream.extractor.CellTableStore;
import io.phenostream.extractor.CellTableWriter;
import io.phenostream.infra.EmbeddedS3;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What keeping a site's label images costs, on a real site (CellProfiler's ExampleHuman, 512 x 512, ~250 cells;
 * skipped without the shared data): the masks decode to the analysis' cells, and the time to encode them (CPU
 * stage) and to PUT them beside the Parquet table (store stage, embedded S3) is printed next to the site's
 * analysis time. Nothing about the timings is asserted: they go to the README.
 */
@Tag("integration")
@Timeout(120)
class SiteMasksCostIT {

    private static final int RUNS = 20;

    @Test
    void masksOfARealSiteAndTheirCost(@TempDir final Path tmp) throws Exception {
        final Path dir = ExampleHumanTest.exampleHuman();
        Assumptions.assumeTrue(dir != null, "shared/data/cellprofiler-examples/ExampleHuman not found");
        final String prefix = "AS_09125_050116030001_D03f00";
        final Map<String, byte[]> images = Map.of(
            "DNA", Files.readAllBytes(dir.resolve(prefix + "d0.tif")),
            "PH3", Files.readAllBytes(dir.resolve(prefix + "d1.tif")),
            "Cell", Files.readAllBytes(dir.resolve(prefix + "d2.tif")));
        final SiteAnalyzer analyzer = new SiteAnalyzer(ExtractionParameters.defaults());
        SiteAnalysis analysis = null;
        for (int i = 0; i < 3; i++) {
            analysis = analyzer.analyze(images, "DNA", "Cell");
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < RUNS; i++) {
            analysis = analyzer.analyze(images, "DNA", "Cell");
        }
        final double analyzeMs = (System.nanoTime() - t0) / 1e6 / RUNS;

        final StackedLabelImages both = StackedLabelImages.decode(analysis.masks().png(), "masks");
        final LabelImagePng nuclei = both.nuclei();
        final LabelImagePng cells = both.cells();
        assertEquals(512, nuclei.width());
        assertEquals(analysis.cellCount(), nuclei.objectCount());
        assertEquals(analysis.cellCount(), nuclei.maxLabel());
        assertEquals(analysis.cellCount(), cells.objectCount());

        // the encoding alone, from the same labels
        SiteMasks masks = null;
        t0 = System.nanoTime();
        for (int i = 0; i < RUNS; i++) {
            try (MatScope scope = new MatScope()) {
                masks = SiteMasks.encode(LabelImage.of(nuclei.labels(), analysis.cellCount(), 512, 512, scope),
                    LabelImage.of(cells.labels(), analysis.cellCount(), 512, 512, scope), scope);
            }
        }
        final double encodeMs = (System.nanoTime() - t0) / 1e6 / RUNS;
        assertEquals(analysis.masks().png().length, masks.png().length);

        final PhenoConfig defaults = PhenoConfig.defaults().with(ConfigKey.S3_BUCKET, "masks-cost");
        try (EmbeddedS3 s3 = new EmbeddedS3(tmp.resolve("s3"), defaults)) {
            s3.start();
            final PhenoConfig config = defaults.with(ConfigKey.S3_ENDPOINT, s3.endpoint())
                .with(ConfigKey.S3_PATH_STYLE, "true");
            try (ObjectStore objects = new ObjectStore(S3ClientFactory.create(config), "masks-cost")) {
                objects.ensureBucket();
                final CellTableStore store = new CellTableStore(objects, new CellTableWriter());
                final CellTableWriter writer = new CellTableWriter();
                final CellTableSite site = new CellTableSite("a-cost", null, "E", "P", "r1", WellId.parse("D03"), 0);
                final byte[] parquet = writer.write(site, analysis.featureNames(), analysis.cellFeatures(), null);
                for (int i = 0; i < 5; i++) {
                    store.upload(site, parquet);
                    store.uploadMasks(site, analysis.masks());
                }
                t0 = System.nanoTime();
                for (int i = 0; i < RUNS; i++) {
                    store.upload(site, parquet);
                }
                final double tableMs = (System.nanoTime() - t0) / 1e6 / RUNS;
                t0 = System.nanoTime();
                for (int i = 0; i < RUNS; i++) {
                    store.uploadMasks(site, analysis.masks());
                }
                final double masksPutMs = (System.nanoTime() - t0) / 1e6 / RUNS;
                System.out.println(String.format(Locale.ROOT, "ExampleHuman 512x512, %d cells: analyse %.1f ms/site "
                        + "(of which mask encoding %.2f ms); PUT Parquet (%d B) %.2f ms, PUT masks (one object, %d B)"
                        + " %.2f ms", analysis.cellCount(), analyzeMs, encodeMs, parquet.length, tableMs,
                    analysis.masks().png().length, masksPutMs));
            }
        }
    }
}
