package io.phenostream.common.events;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.PlateMapEntry;
import java.util.List;

/**
 * Topic {@code plate-runs} (compacted, key = {@link Keys#run}). One imaging run of a plate: its plate map,
 * channels and how many sites to expect, so downstream stages know when a plate is complete.
 *
 * <p>A run registered while the plate is still being imaged is {@code open}: its {@code expectedSites} is the
 * plan, and results stay partial until the same key is published again with {@code open = false} and the
 * final site count. Records without the field (older producers) read as closed.
 */
public record PlateRun(int schemaVersion, String experimentId, String plateId, String runId, PlateLayout layout,
                       List<String> channels, String nuclearChannel, String cellChannel, int sitesPerWell,
                       int expectedSites, List<PlateMapEntry> plateMap, String source, String createdAt,
                       boolean open)
    implements Versioned {

    public static final int SCHEMA_VERSION = 1;

    /** The same run, closed with its final site count. */
    public PlateRun closedWith(final int finalSites, final String closedAt) {
        return new PlateRun(schemaVersion, experimentId, plateId, runId, layout, channels, nuclearChannel, cellChannel,
            sitesPerWell, finalSites, plateMap, source, closedAt, false);
    }

    public String runKey() {
        return Keys.run(experimentId, plateId, runId);
    }
}
