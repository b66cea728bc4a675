package io.phenostream.benchmarks;

import io.phenostream.common.events.ExtractionParameters;
import io.phenostream.extractor.analysis.AnalysisStages;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.opencv.core.Mat;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-cell features of one segmented synthetic site: shape (area, perimeter, form factor, eccentricity,
 * solidity) of nuclei and cells, per-channel and per-compartment intensities (mean, median, integrated), the
 * nucleus/cytoplasm ratios and the texture features, for all three channels. Segmentation runs once in setup;
 * the score is per site, so divide by the cell count (printed in setup) for the cost per cell.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar CellFeatures}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CellFeaturesBenchmark {

    @Param({"256", "512"})
    int imageSize;

    AnalysisStages.Scope inputs;
    AnalysisStages.Features features;
    AnalysisStages.Labels nuclei;
    AnalysisStages.Labels cells;

    @Setup(Level.Trial)
    public void setUp() {
        final Map<String, byte[]> images = SyntheticSiteImages.site(imageSize, 1);
        final AnalysisStages stages = new AnalysisStages(ExtractionParameters.defaults());
        inputs = new AnalysisStages.Scope();
        final Map<String, Mat> decoded = new LinkedHashMap<>();
        images.forEach((channel, bytes) -> decoded.put(channel, AnalysisStages.decode(channel, bytes, inputs)));
        nuclei = stages.nuclei(decoded.get(SyntheticSiteImages.NUCLEAR), inputs);
        cells = stages.cells(nuclei, decoded.get(SyntheticSiteImages.CELL), inputs);
        features = AnalysisStages.features(decoded, SyntheticSiteImages.NUCLEAR);
        System.out.printf("%n[CellFeatures] %d px site: %d cells, %d features per cell%n", imageSize,
            cells.count(), features.names().size());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        inputs.close();
    }

    @Benchmark
    public double[][] measure() {
        try (AnalysisStages.Scope scope = new AnalysisStages.Scope()) {
            return features.measure(nuclei, cells, scope);
        }
    }
}
