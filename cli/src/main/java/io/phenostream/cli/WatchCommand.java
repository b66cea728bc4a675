package io.phenostream.cli;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.ingest.PlateFolderWatcher;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code screen watch ROOT}: ingest each plate folder written under ROOT once it is complete. */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = {"Watch ROOT for plate folders (one sub-folder per plate run, with its plate-map.csv) and ingest",
        "each one when its marker file appears (phenostream.ingest.watch.marker, default COMPLETE) or its files",
        "have not changed for phenostream.ingest.watch.stable-seconds. The outcome is written into the folder",
        "(INGESTED.txt or INGEST-FAILED.txt). Pushes to the configured pipeline, else runs the local one."})
final class WatchCommand implements Callable<Integer> {

    @Mixin
    ConfigOption configOption;

    @Mixin
    PlateFolderOptions folder;

    @Parameters(index = "0", paramLabel = "ROOT", description = "The folder instruments write plate folders into.")
    Path root;

    @Option(names = "--interval", defaultValue = "10", description = "Seconds between scans (default ${DEFAULT-VALUE}).")
    long intervalSeconds;

    @Option(names = "--port", defaultValue = "8080", description = "Query API port in local mode (default ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() throws Exception {
        if (folder.plate != null || folder.plateMap != null) {
            throw new IllegalArgumentException("watch takes the plate id from each folder's name and its plate map "
                + "from the folder's " + PlateFolderOptions.PLATE_MAP + "; --plate and --plate-map do not apply");
        }
        PlateFolderOptions.requireFolder(root);
        try (StopSignal stop = new StopSignal();
             IngestEndpoint endpoint = IngestEndpoint.open(configOption.load(), port)) {
            final PhenoConfig config = endpoint.config();
            if (folder.experiment == null) {
                folder.experiment = PlateFolderOptions.idFrom(root.toAbsolutePath().normalize().getFileName().toString());
            }
            final PlateFolderWatcher watcher = new PlateFolderWatcher(root, config.require(ConfigKey.INGEST_WATCH_MARKER),
                config.getInt(ConfigKey.INGEST_WATCH_STABLE_SECONDS), dir -> folder.request(dir, config), endpoint.ingestor());
            System.err.printf("watch: scanning %s every %d s, pushing to %s (Ctrl-C to stop)%n", root, intervalSeconds,
                endpoint.describe());
            try {
                watcher.run(intervalSeconds * 1000, o -> {
                    if (o.ok()) {
                        System.out.printf("%s: ingested%n", o.folder());
                        IngestSummary.print(System.out, o.result(), folder.scheme != null);
                    } else {
                        System.out.printf("%s: NOT ingested (see %s there): %s%n", o.folder(), PlateFolderWatcher.FAILED,
                            o.error());
                    }
                });
            } catch (final InterruptedException interrupted) {
                System.err.println("watch: stopped");
            }
        }
        return 0;
    }
}
