package io.phenostream.cli;

import io.phenostream.common.config.PhenoConfig;
import io.phenostream.ingest.IngestResult;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code screen ingest DIR}: push a plate folder to the configured pipeline (S3 + Kafka) and return. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = {"Push a plate folder to a running pipeline: images to S3 (content-addressed, verified), the",
        "plate run and one image set per site to Kafka. Every file is checked first: a bad folder publishes",
        "nothing. Re-pushing uploads and publishes nothing twice. Needs phenostream.kafka.bootstrap and",
        "phenostream.s3.endpoint; `run` does the same on the embedded local pipeline."})
final class IngestCommand implements Callable<Integer> {

    @Mixin
    ConfigOption configOption;

    @Mixin
    PlateFolderOptions folder;

    @Parameters(index = "0", paramLabel = "DIR", description = "The plate folder.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        PlateFolderOptions.requireFolder(dir);
        final PhenoConfig config = configOption.load();
        try (ExternalIngest ingest = ExternalIngest.connect(config)) {
            final IngestResult r = ingest.ingestor().ingest(folder.request(dir, config), new ProgressBar("ingest", System.err)::update);
            IngestSummary.print(System.out, r, folder.scheme != null);
        }
        return 0;
    }
}
