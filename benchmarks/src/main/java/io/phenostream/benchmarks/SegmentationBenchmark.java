package io.phenostream.benchmarks;

import io.phenostream.common.events.ExtractionParameters;
import io.phenostream.extractor.analysis.AnalysisStages;
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
 * Segmentation of one synthetic site with the default extraction parameters: nuclei (smoothing, Otsu, hole
 * filling, h-maxima seeds, watershed, size and border filters) on the DNA channel, and cells grown from those
 * nuclei by a watershed on the CellMask channel. Inputs are decoded once; each call allocates and releases its
 * own Mats, as one analysis does. Run: {@code java -jar benchmarks/target/benchmarks.jar Segmentation}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SegmentationBenchmark {

    @Param({"256", "512"})
    int imageSize;

    AnalysisStages stages;
    AnalysisStages.Scope inputs;
    Mat nuclear;
    Mat cellStain;
    AnalysisStages.Labels nuclei;

    @Setup(Level.Trial)
    public void setUp() {
        final var images = SyntheticSiteImages.site(imageSize, 1);
        stages = new AnalysisStages(ExtractionParameters.defaults());
        inputs = new AnalysisStages.Scope();
        nuclear = AnalysisStages.decode(SyntheticSiteImages.NUCLEAR, images.get(SyntheticSiteImages.NUCLEAR), inputs);
        cellStain = AnalysisStages.decode(SyntheticSiteImages.CELL, images.get(SyntheticSiteImages.CELL), inputs);
        nuclei = stages.nuclei(nuclear, inputs);
        if (nuclei.count() == 0) {
            throw new IllegalStateException("The synthetic site has no nuclei; nothing to benchmark");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        inputs.close();
    }

    @Benchmark
    public int nuclei() {
        try (AnalysisStages.Scope scope = new AnalysisStages.Scope()) {
            return stages.nuclei(nuclear, scope).count();
        }
    }

    @Benchmark
    public int cells() {
        try (AnalysisStages.Scope scope = new AnalysisStages.Scope()) {
            return stages.cells(nuclei, cellStain, scope).count();
        }
    }
}
