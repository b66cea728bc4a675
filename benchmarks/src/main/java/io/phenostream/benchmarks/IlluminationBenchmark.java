package io.phenostream.benchmarks;

import io.phenostream.extractor.analysis.AnalysisStages;
import io.phenostream.extractor.analysis.IlluminationAccumulator;
import io.phenostream.extractor.analysis.IlluminationFunction;
import java.util.concurrent.TimeUnit;
import org.opencv.core.Mat;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The extractor's illumination correction (CellProfiler-style, per plate run and channel), one channel image of
 * the synthetic site:
 * <ul>
 *   <li>{@code accumulate}: adding a site's decoded image to the run's sums ({@link IlluminationAccumulator}:
 *       area-average downsampling to the grid, then a locked add), once per site and channel;</li>
 *   <li>{@code estimate}: the function from the sums (Gaussian smoothing of the grid, normalized to mean 1), done
 *       when a run reaches 8 sites and then each time its count doubles (a handful of times per plate);</li>
 *   <li>{@code correct}: dividing a decoded image by the function (upsampled to full size), once per site and
 *       channel.</li>
 * </ul>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar Illumination}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class IlluminationBenchmark {

    @Param({"256", "512"})
    int imageSize;

    AnalysisStages.Scope decodedScope;
    Mat image;
    IlluminationAccumulator accumulator;
    IlluminationFunction function;
    long nextSite;

    @Setup
    public void setUp() {
        final byte[] tiff = SyntheticSiteImages.site(imageSize, 1).get(SyntheticSiteImages.NUCLEAR);
        decodedScope = new AnalysisStages.Scope();
        image = AnalysisStages.decode(SyntheticSiteImages.NUCLEAR, tiff, decodedScope);
        accumulator = new IlluminationAccumulator(SyntheticSiteImages.NUCLEAR);
        for (int i = 0; i < 8; i++) {
            accumulate();
        }
        function = estimate();
        if (function.isIdentity()) {
            throw new IllegalStateException("the synthetic site gave no illumination function");
        }
        System.out.printf("%n[Illumination] %d px: function %s%n", imageSize, function);
    }

    @TearDown
    public void tearDown() {
        decodedScope.close();
    }

    @Benchmark
    public boolean accumulate() {
        return AnalysisStages.accumulateIllumination(accumulator, "site-" + nextSite++, image);
    }

    @Benchmark
    public IlluminationFunction estimate() {
        return accumulator.estimate();
    }

    @Benchmark
    public double correct() {
        try (AnalysisStages.Scope scope = new AnalysisStages.Scope()) {
            return AnalysisStages.correctIllumination(function, image, scope).get(0, 0)[0];
        }
    }
}
