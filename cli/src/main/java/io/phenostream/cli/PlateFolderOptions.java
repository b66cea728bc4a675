package io.phenostream.cli;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.PlateMap;
import io.phenostream.common.domain.PlateMapEntry;
import io.phenostream.common.domain.PlateMapParser;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.extractor.embedding.EmbeddingModel;
import io.phenostream.ingest.ChannelLayout;
import io.phenostream.ingest.IngestRequest;
import io.phenostream.ingest.NamingScheme;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * How to read a plate folder, shared by {@code ingest}, {@code run} and {@code watch}: the plate map, ids,
 * naming scheme and channels. Everything has a default, so {@code ./screen run DIR} works on a folder holding
 * its images and a {@code plate-map.csv}.
 */
final class PlateFolderOptions {

    static final String PLATE_MAP = "plate-map.csv";

    @Option(names = "--plate-map", paramLabel = "CSV",
        description = "Plate map: well,compound,concentration,unit,role (default: DIR/" + PLATE_MAP + ").")
    Path plateMap;

    @Option(names = "--layout", paramLabel = "N",
        description = "Plate layout 96, 384 or 1536 (default: the smallest holding the plate map's wells).")
    String layout;

    @Option(names = "--experiment", description = "Experiment id (default: the name of DIR's parent folder).")
    String experiment;

    @Option(names = "--plate", description = "Plate id / barcode (default: the name of DIR).")
    String plate;

    @Option(names = "--run-id", description = "Imaging run id (default: derived from the images' content, so a "
        + "re-push is the same run).")
    String runId;

    static final class Scheme {
        @Option(names = "--pattern", paramLabel = "REGEX", description = "File-name regex with named groups well "
            + "(or row + column), site (optional) and channel.")
        String pattern;

        @Option(names = "--preset", paramLabel = "NAME",
            description = "Naming preset: imagexpress, operetta, cellprofiler or plain.")
        String preset;
    }

    @ArgGroup(exclusive = true)
    Scheme scheme;

    @Option(names = "--channels", paramLabel = "SPEC",
        description = "Channel names by file token, e.g. 1=DNA,2=GFP,3=CellMask (default: DIR/channels.csv, "
            + "else ch<token>).")
    String channels;

    @Option(names = "--nuclear-channel", paramLabel = "NAME", description = "Channel with the nuclear stain "
        + "(default: the first).")
    String nuclearChannel;

    @Option(names = "--cell-channel", paramLabel = "NAME", description = "Channel with a cell body stain (default: none).")
    String cellChannel;

    @Option(names = "--force", description = "Publish every site again even if this plate was already pushed.")
    boolean force;

    @Option(names = "--model", paramLabel = "NAME/VERSION", description = "Embedding model under "
        + "phenostream.models.dir, e.g. cellembed/2 (default: none, classical features only).")
    String model;

    IngestRequest request(final Path dir) {
        return request(dir, PhenoConfig.defaults());
    }

    /** The ingest request; {@code config} locates the models directory for {@code --model}. */
    IngestRequest request(final Path dir, final PhenoConfig config) {
        final Path mapFile = plateMap != null ? plateMap : dir.resolve(PLATE_MAP);
        if (!Files.isRegularFile(mapFile)) {
            throw new IllegalArgumentException("No plate map: give --plate-map CSV or put " + PLATE_MAP + " in " + dir);
        }
        final PlateMap map = PlateMapParser.parse(mapFile, layout(mapFile));
        if (channels == null && (nuclearChannel != null || cellChannel != null)) {
            throw new IllegalArgumentException("--nuclear-channel and --cell-channel name channels given by --channels");
        }
        final ChannelLayout channelLayout = channels == null ? null
            : ChannelLayout.parse(channels, nuclearChannel, cellChannel);
        final NamingScheme naming = scheme == null ? null
            : scheme.pattern != null ? NamingScheme.custom(scheme.pattern) : NamingScheme.preset(scheme.preset);
        final Path abs = dir.toAbsolutePath().normalize();
        final String exp = experiment != null ? experiment
            : idFrom(abs.getParent() == null ? "experiment" : abs.getParent().getFileName().toString());
        final String plateId = plate != null ? plate : idFrom(abs.getFileName().toString());
        return new IngestRequest(dir, map, exp, plateId, runId, naming, channelLayout, analysis(model, config),
            force);
    }

    /** Classical defaults, or the defaults with the model {@code name/version} and its file's sha256. */
    static AnalysisSpec analysis(final String model, final PhenoConfig config) {
        final AnalysisSpec defaults = AnalysisSpec.classicalDefaults();
        if (model == null || model.isBlank() || AnalysisSpec.NO_MODEL.equals(model)) {
            return defaults;
        }
        final Path file = Path.of(config.require(ConfigKey.MODELS_DIR)).resolve(model).resolve("model.pt");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("No model " + model + ": " + file.toAbsolutePath()
                + " does not exist (models live in phenostream.models.dir as <name>/<version>/model.pt)");
        }
        return new AnalysisSpec(model, EmbeddingModel.sha256(file), defaults.extraction(), defaults.scoring());
    }

    private PlateLayout layout(final Path mapFile) {
        if (layout != null) {
            return PlateLayout.parse(layout);
        }
        // Parse against the largest layout to learn the wells, then use the smallest layout that holds them.
        return PlateLayout.smallestFor(PlateMapParser.parse(mapFile, PlateLayout.WELLS_1536).entries().stream()
            .map(PlateMapEntry::well).toList());
    }

    /** A folder name as an identifier: characters outside [A-Za-z0-9._-] become '-'. */
    static String idFrom(final String name) {
        final String id = name.replaceAll("[^A-Za-z0-9._-]", "-");
        return id.isEmpty() ? "unnamed" : id.length() > 128 ? id.substring(0, 128) : id;
    }

    static Path requireFolder(final Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("Plate folder " + dir + " does not exist or is not a directory");
        }
        return dir;
    }
}
