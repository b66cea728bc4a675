package io.phenostream.benchmarks;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import io.phenostream.extractor.embedding.EmbeddingModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The embedding model through DJL exactly as the worker's inference threads call it ({@link EmbeddingModel},
 * its translator, one predictor): crops/s per batch size on the chosen device, float32 crops in [0,1] from the
 * Java heap to embeddings back on the heap. Prints a markdown table on stdout. On a GPU machine this needs a
 * CUDA libtorch (see {@code benchmarks/gpu/README.md}); {@code benchmarks/gpu/run-gpu-bench.sh} runs it.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.phenostream.benchmarks.ModelThroughput \
 *     --model-dir DIR [--device gpu|cpu|auto] [--batches 1,2,4,...,1024] [--seconds 2]
 * </pre>
 */
public final class ModelThroughput {

    private ModelThroughput() {
    }

    public static void main(final String[] args) throws TranslateException {
        Path dir = Path.of(EmbeddingBenchmark.FIXTURE_MODEL);
        String device = "auto";
        String batches = "1,2,4,8,16,32,64,128,256,512,1024";
        double seconds = 2;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--model-dir" -> dir = Path.of(args[i + 1]);
                case "--device" -> device = args[i + 1];
                case "--batches" -> batches = args[i + 1];
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                default -> {
                    System.err.println("Unknown option " + args[i] + "; usage: ModelThroughput --model-dir DIR"
                        + " [--device gpu|cpu|auto] [--batches 1,2,...] [--seconds S]");
                    System.exit(2);
                }
            }
        }
        try (EmbeddingModel model = EmbeddingModel.load(dir, device);
             Predictor<float[][], float[][]> predictor = model.newPredictor()) {
            final Random random = new Random(42);
            final List<String> rows = new ArrayList<>();
            for (final String b : batches.split(",")) {
                final int batch = Integer.parseInt(b.trim());
                final float[][] crops = new float[batch][model.spec().cropLength()];
                for (final float[] crop : crops) {
                    for (int i = 0; i < crop.length; i++) {
                        crop[i] = random.nextFloat();
                    }
                }
                for (int w = 0; w < 3; w++) {
                    predictor.predict(crops);
                }
                int passes = 0;
                final long t0 = System.nanoTime();
                long elapsed;
                do {
                    predictor.predict(crops);
                    passes++;
                    elapsed = System.nanoTime() - t0;
                } while (passes < 5 || elapsed < seconds * 1e9);
                final double cropsPerSecond = (double) passes * batch / (elapsed / 1e9);
                System.err.printf(Locale.ROOT, "[model-throughput] DJL batch %4d: %10.0f crops/s%n", batch,
                    cropsPerSecond);
                rows.add(String.format(Locale.ROOT, "| %d | %.0f | %.2f |", batch, cropsPerSecond,
                    elapsed / 1e6 / passes));
            }
            System.out.printf(Locale.ROOT, "DJL %s, model %s (%d x %d x %d crops -> %d floats) on %s; float32 from"
                    + " the Java heap and back, one predictor.%n%n", ai.djl.engine.Engine.getEngine(
                    EmbeddingModel.ENGINE).getVersion(), model.spec().id(), model.spec().inputChannels().size(),
                model.spec().cropSize(), model.spec().cropSize(), model.spec().embeddingSize(), model.device());
            System.out.println("| batch | DJL crops/s | ms per batch |");
            System.out.println("| ---: | ---: | ---: |");
            rows.forEach(System.out::println);
        }
        System.exit(0);
    }
}
