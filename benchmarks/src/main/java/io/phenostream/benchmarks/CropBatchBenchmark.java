package io.phenostream.benchmarks;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.phenostream.common.events.ExtractionParameters;
import io.phenostream.extractor.analysis.AnalysisStages;
import io.phenostream.extractor.analysis.CellCropper;
import io.phenostream.extractor.analysis.CellCrops;
import io.phenostream.extractor.embedding.EmbeddingModel;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * The model's input of one synthetic site: {@code crop} cuts a 3-channel crop around every nucleus and
 * normalises each crop and channel to its 1st..99th percentile ({@link CellCropper}, sorting every window);
 * {@code batch} packs the site's crops into one N x C x H x W float array ({@link CellCrops#batch()});
 * {@code tensor} copies them into a native PyTorch tensor the way the embedder's translator does (one
 * {@link FloatBuffer}, {@code NDManager.create}). All per site; the crop count is printed in setup.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar CropBatch}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CropBatchBenchmark {

    @Param({"256", "512"})
    int imageSize;

    /** Crop edge in pixels: 64 is the extractor's default crop, 24 the fixture model's. */
    @Param({"64"})
    int cropSize;

    CellCropper cropper;
    Map<String, float[]> pixels;
    List<String> order;
    AnalysisStages.Scope inputs;
    AnalysisStages.Labels nuclei;
    CellCrops crops;
    NDManager manager;

    @Setup(Level.Trial)
    public void setUp() {
        final Map<String, byte[]> images = SyntheticSiteImages.site(imageSize, 1);
        final AnalysisStages stages = new AnalysisStages(ExtractionParameters.defaults());
        inputs = new AnalysisStages.Scope();
        pixels = new HashMap<>();
        images.forEach((channel, bytes) -> pixels.put(channel,
            AnalysisStages.pixels(AnalysisStages.decode(channel, bytes, inputs))));
        nuclei = stages.nuclei(AnalysisStages.decode(SyntheticSiteImages.NUCLEAR,
            images.get(SyntheticSiteImages.NUCLEAR), inputs), inputs);
        order = List.copyOf(images.keySet());
        cropper = new CellCropper(cropSize, CellCropper.DEFAULT_LOW_PERCENTILE, CellCropper.DEFAULT_HIGH_PERCENTILE);
        crops = AnalysisStages.crop(cropper, pixels, order, nuclei);
        System.out.printf("%n[CropBatch] %d px site: %d crops of %d x %d x %d%n", imageSize, crops.count(),
            crops.channels(), cropSize, cropSize);
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true"); // as EmbeddingModel does: never download libtorch
        }
        manager = NDManager.newBaseManager(Device.cpu(), EmbeddingModel.ENGINE);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
        inputs.close();
    }

    @Benchmark
    public CellCrops crop() {
        return AnalysisStages.crop(cropper, pixels, order, nuclei);
    }

    @Benchmark
    public float[] batch() {
        return crops.batch();
    }

    @Benchmark
    public float tensor() {
        final int length = crops.channels() * cropSize * cropSize;
        try (NDManager scope = manager.newSubManager()) {
            final FloatBuffer packed = FloatBuffer.allocate(crops.count() * length);
            for (final float[] crop : crops.crops()) {
                packed.put(crop, 0, length);
            }
            packed.flip();
            final NDArray batch = scope.create(packed, new Shape(crops.shape()));
            return batch.getShape().size();
        }
    }
}
