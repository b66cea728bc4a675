package io.phenostream.common.events;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.PlateMapEntry;
import java.util.List;

/**
 * Topic {@code plate-runs} (compacted, key = {@link Keys#run}). One imaging run of a plate: its plate map,
 * channels and how many sites to expect, so downstream stages know when a plate is complete.
 */
public record PlateRun(int schemaVersion, String experimentId, String plateId, String runId, PlateLayout layout,
                       List<String> channels, String nuclearChannel, String cellChannel, int sitesPerWell,
                       int expectedSites, List<PlateMapEntry> plateMap, String source, String createdAt)
    implements Versioned {

    public static final int SCHEMA_VERSION = 1;

    public String runKey() {
        return Keys.run(experimentId, plateId, runId);
    }
}
