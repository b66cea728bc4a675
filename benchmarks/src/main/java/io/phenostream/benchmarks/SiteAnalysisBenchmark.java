package io.phenostream.benchmarks;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.events.ExtractionParameters;
import io.phenostream.common.synth.SynthFiles;
import io.phenostream.common.synth.SynthOptions;
import io.phenostream.common.synth.SyntheticPlate;
import io.phenostream.common.synth.SyntheticPlateGenerator;
import io.phenostream.extractor.analysis.SiteAnalysis;
import io.phenostream.extractor.analysis.SiteAnalyzer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The extractor's per-site work (decode, segment, features, QC) on a synthetic 3-channel site, without Kafka or
 * S3: the bare stage that the end-to-end harness compares the pipeline against.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar SiteAnalysis}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SiteAnalysisBenchmark {

    @Param({"256", "512"})
    int imageSize;

    /** Seeding density factor of the synthetic plate: {@code -p cellDensity=0.5,1,2,4} sweeps cells per site. */
    @Param({"1"})
    double cellDensity;

    Map<String, byte[]> images;
    SiteAnalyzer analyzer;

    @Setup
    public void setUp() throws IOException {
        final Path dir = Files.createTempDirectory("site-analysis-bench");
        final SyntheticPlate plate = new SyntheticPlateGenerator(1).generate(SynthOptions.defaults()
            .withLayout(PlateLayout.WELLS_96).withSitesPerWell(1).withImageSize(imageSize).withSeed(1).withCellDensity(cellDensity), dir);
        images = new LinkedHashMap<>();
        for (int c = 0; c < SynthFiles.CHANNELS.size(); c++) {
            images.put(SynthFiles.CHANNELS.get(c), Files.readAllBytes(plate.imagePath(WellId.parse("A01"), 0, c)));
        }
        analyzer = new SiteAnalyzer(ExtractionParameters.defaults());
        // The cell count each configuration analyses, for reading the cost per cell off the scores.
        System.out.printf("%nSiteAnalysisBenchmark: %d px, cellDensity %s: %d cells in the site%n", imageSize,
            cellDensity, analyzer.analyze(images, "DNA", "CellMask").cellCount());
    }

    @Benchmark
    public SiteAnalysis analyzeSite() {
        return analyzer.analyze(images, "DNA", "CellMask");
    }
}
