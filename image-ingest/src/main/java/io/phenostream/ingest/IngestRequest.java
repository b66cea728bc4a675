package io.phenostream.ingest;

import io.phenostream.common.domain.PlateMap;
import io.phenostream.common.events.AnalysisSpec;
import java.nio.file.Path;

/**
 * One plate folder to push.
 *
 * @param runId    null derives a stable id from the images' content, so pushing the same plate twice is the
 *                 same run (idempotent) while a re-imaging of the plate is a new run
 * @param scheme   null detects the naming scheme from the file names
 * @param channels null reads {@code channels.csv} beside the images when present, else default names
 * @param force    publish every record again even where receipts say it was published
 */
public record IngestRequest(Path dir, PlateMap plateMap, String experimentId, String plateId, String runId,
                            NamingScheme scheme, ChannelLayout channels, AnalysisSpec analysis, boolean force) {

    public IngestRequest(final Path dir, final PlateMap plateMap, final String experimentId, final String plateId,
                         final String runId, final NamingScheme scheme, final ChannelLayout channels,
                         final AnalysisSpec analysis) {
        this(dir, plateMap, experimentId, plateId, runId, scheme, channels, analysis, false);
    }
}
