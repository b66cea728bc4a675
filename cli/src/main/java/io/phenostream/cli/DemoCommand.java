package io.phenostream.cli;

import io.phenostream.common.domain.PlateMapParser;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.synth.SynthOptions;
import io.phenostream.common.synth.SyntheticPlate;
import io.phenostream.ingest.IngestRequest;
import io.phenostream.ingest.IngestResult;
import io.phenostream.sink.ResultFiles;
import io.phenostream.sink.api.ResultsServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code screen demo}: the whole pipeline on embedded infrastructure and a synthetic plate with known hits.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Start embedded Kafka, S3 and PostgreSQL, synthesize a plate with known hits, push it through",
        "ingest -> extractor -> scorer -> sink, and print the ranked hit list and plate QC."})
final class DemoCommand implements Callable<Integer> {

    @Mixin
    ConfigOption configOption;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write hits.csv, plate-qc.csv, well-scores.csv, "
        + "well-profiles.csv, plate-map.csv and ground-truth.csv here.")
    Path out;

    @Option(names = "--wells", defaultValue = "96", description = "Plate size, 96 or 384 (default ${DEFAULT-VALUE}).")
    int wells;

    @Option(names = "--sites", defaultValue = "2", description = "Sites per well (default ${DEFAULT-VALUE}).")
    int sites;

    @Option(names = "--size", defaultValue = "256", description = "Image size in pixels (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the synthetic plate (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--timeout", defaultValue = "300", description = "Seconds to wait for final results (default ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--serve", description = "Keep the services running after the demo, until Ctrl-C.")
    boolean serve;

    @Option(names = "--port", defaultValue = "8080",
        description = "Port of the results API and web UI with --serve (default ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() throws Exception {
        final long t0 = System.nanoTime();
        final Path plateDir = out != null ? out.resolve("plate") : Files.createTempDirectory("phenostream-demo-plate");
        final SynthOptions options = SynthCommand.options(wells, sites, size, seed, "SYNTH-P001");
        System.err.printf("demo: synthesizing a %d-well plate (%d sites/well) in %s%n", wells, sites, plateDir);
        final SyntheticPlate plate = SynthCommand.generate(options, plateDir);

        System.err.println("demo: starting embedded Kafka, S3 and PostgreSQL and the four services...");
        try (LocalPipeline pipeline = LocalPipeline.start(configOption.load(), true)) {
            final AnalysisSpec analysis = AnalysisSpec.classicalDefaults();
            final IngestResult ingested = pipeline.ingest(new IngestRequest(plateDir,
                    PlateMapParser.parse(plateDir.resolve("plate-map.csv"), options.layout()), options.experimentId(),
                    options.plateId(), null, null, null, analysis),
                new ProgressBar("ingest", System.err)::update);
            System.err.printf("demo: ingested %d sites (%d images, naming scheme %s); analysing...%n",
                ingested.sites(), ingested.images(), ingested.scheme());
            final String experiment = ingested.run().experimentId();
            pipeline.awaitFinal(ingested, Duration.ofSeconds(timeoutSeconds), () -> { });

            ResultTables.printExperiment(System.out, pipeline.store(), experiment, ingested.analysisId(),
                analysis.scoring().fdr());
            if (out != null) {
                new ResultFiles(pipeline.store()).write(out, experiment, ingested.analysisId());
                Files.copy(plateDir.resolve("plate-map.csv"), out.resolve("plate-map.csv"), StandardCopyOption.REPLACE_EXISTING);
                Files.copy(plateDir.resolve("ground-truth.csv"), out.resolve("ground-truth.csv"),
                    StandardCopyOption.REPLACE_EXISTING);
                System.out.printf("%nResults written to %s%n", out.toAbsolutePath());
            }
            System.err.printf("demo: done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            if (serve) {
                serveUntilInterrupted(pipeline);
            }
        } finally {
            if (out == null) {
                deleteTree(plateDir);
            }
        }
        return 0;
    }

    private void serveUntilInterrupted(final LocalPipeline pipeline) throws Exception {
        try (ResultsServer server = ServeCommand.start(pipeline.config(), pipeline.objects(), port, null)) {
            System.out.printf("Serving results on http://127.0.0.1:%d/ (web UI; API under /api; Ctrl-C to stop)%n",
                server.port());
            ServeCommand.awaitShutdown();
        }
    }

    static void deleteTree(final Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (final IOException e) {
            // best effort: a temp folder
        }
    }
}
