package io.phenostream.cli;

import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.domain.PlateMapParser;
import io.phenostream.ingest.IngestResult;
import io.phenostream.sink.ResultFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code screen run DIR --out OUT}: the one-shot job for a scientist with a folder of images. Starts the
 * pipeline (embedded infrastructure for whatever is not configured), ingests the folder, waits for the plate's
 * final results and writes the result files.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Ingest a plate folder into the local pipeline (embedded Kafka, S3 and PostgreSQL unless",
        "configured), wait until its results are final, print plate QC and the hit list, and write",
        "hits.csv, plate-qc.csv, well-scores.csv, well-profiles.csv and plate-map.csv to --out."})
final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOption configOption;

    @Mixin
    PlateFolderOptions folder;

    @Parameters(index = "0", paramLabel = "DIR", description = "The plate folder.")
    Path dir;

    @Option(names = "--out", required = true, paramLabel = "OUT", description = "Folder for the result files.")
    Path out;

    @Option(names = "--timeout", defaultValue = "1800",
        description = "Seconds to wait for final results (default ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        PlateFolderOptions.requireFolder(dir);
        final PhenoConfig config = configOption.load();
        final var request = folder.request(dir, config); // plate map and options checked before anything starts
        final long t0 = System.nanoTime();
        System.err.println("run: starting the pipeline (embedded Kafka, S3 and PostgreSQL unless configured)...");
        try (LocalPipeline pipeline = LocalPipeline.start(config, false)) {
            final IngestResult ingested = pipeline.ingest(request, new ProgressBar("ingest", System.err)::update);
            IngestSummary.print(System.err, ingested, folder.scheme != null);
            System.err.println("run: analysing...");
            pipeline.awaitFinal(ingested, Duration.ofSeconds(timeoutSeconds), () -> { });
            final String experiment = ingested.run().experimentId();
            ResultTables.printExperiment(System.out, pipeline.store(), experiment, ingested.analysisId(),
                request.analysis().scoring().fdr());
            Files.createDirectories(out);
            new ResultFiles(pipeline.store()).write(out, experiment, ingested.analysisId());
            Files.writeString(out.resolve(PlateFolderOptions.PLATE_MAP), PlateMapParser.toCsv(request.plateMap()));
            System.out.printf("%nResults written to %s%n", out.toAbsolutePath());
            System.err.printf("run: done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        }
        return 0;
    }
}
