package io.phenostream.benchmarks;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import io.phenostream.common.events.ExtractionParameters;
import io.phenostream.extractor.analysis.AnalysisStages;
import io.phenostream.extractor.analysis.CellCropper;
import io.phenostream.extractor.analysis.CellCrops;
import io.phenostream.extractor.embedding.EmbeddingModel;
import java.nio.file.Path;
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
 * One forward pass of the embedding model through DJL on the CPU (tensor in, model, embeddings out), on real
 * crops of a synthetic 512 px site cut at the model's crop size and repeated up to the batch size. The model is
 * the test fixture by default ({@code feature-extractor/src/test/resources/fixture-model}, resolved from the
 * working directory: run from the repository root); {@code -Dphenostream.bench.model-dir=DIR} names another
 * model directory (model.pt + model.json with three input channels). The score is per batch.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar Embedding}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EmbeddingBenchmark {

    static final String MODEL_DIR_PROPERTY = "phenostream.bench.model-dir";
    static final String FIXTURE_MODEL = "feature-extractor/src/test/resources/fixture-model";

    @Param({"1", "64", "256"})
    int batchSize;

    EmbeddingModel model;
    Predictor<float[][], float[][]> predictor;
    float[][] batch;

    @Setup(Level.Trial)
    public void setUp() {
        model = EmbeddingModel.load(Path.of(System.getProperty(MODEL_DIR_PROPERTY, FIXTURE_MODEL)), "cpu");
        final Map<String, byte[]> images = SyntheticSiteImages.site(512, 1);
        final Map<String, float[]> pixels = new HashMap<>();
        try (AnalysisStages.Scope scope = new AnalysisStages.Scope()) {
            images.forEach((channel, bytes) -> pixels.put(channel,
                AnalysisStages.pixels(AnalysisStages.decode(channel, bytes, scope))));
            final AnalysisStages.Labels nuclei = new AnalysisStages(ExtractionParameters.defaults()).nuclei(
                AnalysisStages.decode(SyntheticSiteImages.NUCLEAR, images.get(SyntheticSiteImages.NUCLEAR), scope),
                scope);
            final CellCrops crops = AnalysisStages.crop(CellCropper.forModel(model.spec().cropSize(),
                model.spec().normalization()), pixels,
                List.copyOf(images.keySet()), nuclei);
            batch = new float[batchSize][];
            for (int i = 0; i < batchSize; i++) {
                batch[i] = crops.crops()[i % crops.count()];
            }
        }
        predictor = model.newPredictor();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        predictor.close();
        model.close();
    }

    @Benchmark
    public float[][] forward() throws TranslateException {
        return predictor.predict(batch);
    }
}
