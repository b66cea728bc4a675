package io.phenostream.cli;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config FILE} and {@code --data-dir DIR}, shared by every command. */
final class ConfigOption {

    @Option(names = "--config", paramLabel = "FILE",
        description = "Properties file with phenostream.* keys (default: $PHENOSTREAM_CONFIG if set).")
    Path configFile;

    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "Where local mode keeps Kafka, S3 and PostgreSQL data (default .phenostream).")
    Path dataDir;

    PhenoConfig load() {
        PhenoConfig c = PhenoConfig.load(configFile);
        if (dataDir != null) {
            c = c.with(ConfigKey.DATA_DIR, dataDir.toString());
        }
        return c;
    }
}
