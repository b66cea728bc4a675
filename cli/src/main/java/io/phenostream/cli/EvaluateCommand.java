package io.phenostream.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phenostream.common.domain.PlateLayout;
import io.phenostream.extractor.embedding.BatchingSettings;
import io.phenostream.extractor.embedding.CropEmbedder;
import io.phenostream.extractor.embedding.EmbeddingModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code screen evaluate}: hit calls, EC50s and Z' against the ground truth of synthetic plates. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Score synthetic plates with known actives and EC50s through the real image analysis and",
        "scoring (no Kafka) and compare with their ground truth: hit precision/recall, false hits among",
        "inactive compounds, EC50 error of well-determined curves, Z'. Prints a markdown table."})
final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--wells", split = ",", defaultValue = "96,384",
        description = "Plate layouts (default ${DEFAULT-VALUE}).")
    List<Integer> wells;

    @Option(names = "--seeds", split = ",", defaultValue = "1,2,3", description = "Plate seeds (default ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Option(names = "--sites", defaultValue = "2", description = "Sites per well (default ${DEFAULT-VALUE}).")
    int sites;

    @Option(names = "--size", defaultValue = "256", description = "Image size in pixels (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--model", paramLabel = "NAME/VERSION", description = "Also embed every cell with this model "
        + "under --models (default: classical features only).")
    String model;

    @Option(names = "--models", paramLabel = "DIR", defaultValue = "models", description = "Models directory "
        + "(default ${DEFAULT-VALUE}).")
    Path models;

    @Override
    public Integer call() throws Exception {
        final Path work = Files.createTempDirectory("phenostream-evaluate");
        final CropEmbedder embedder = model == null ? null : new CropEmbedder(
            EmbeddingModel.load(models.resolve(model), "cpu"), BatchingSettings.defaults(), new SimpleMeterRegistry());
        final List<GroundTruthEvaluation.PlateOutcome> outcomes = new ArrayList<>();
        try {
            for (final int w : wells) {
                for (final long seed : seeds) {
                    final long t0 = System.nanoTime();
                    outcomes.add(GroundTruthEvaluation.evaluate(PlateLayout.parse(Integer.toString(w)), seed, sites,
                        size, work, embedder));
                    System.err.printf(Locale.ROOT, "evaluate: %d-well plate, seed %d: %.1f s%n", w, seed,
                        (System.nanoTime() - t0) / 1e9);
                }
            }
        } finally {
            if (embedder != null) {
                embedder.close();
                embedder.model().close();
            }
            DemoCommand.deleteTree(work);
        }
        System.out.print(GroundTruthEvaluation.table(outcomes));
        return 0;
    }
}
