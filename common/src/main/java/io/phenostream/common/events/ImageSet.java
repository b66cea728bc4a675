package io.phenostream.common.events;

import io.phenostream.common.domain.WellId;
import java.util.List;

/**
 * Topic {@code image-sets} (key = {@link Keys#site}, spreading sites over partitions for parallel extraction).
 * One record per site with every channel's image reference, and the analysis to run on it.
 */
public record ImageSet(int schemaVersion, String analysisId, AnalysisSpec analysis, String experimentId,
                       String plateId, String runId, WellId well, int site, List<ImageRef> images,
                       String nuclearChannel, String cellChannel, String publishedAt) implements Versioned {

    public static final int SCHEMA_VERSION = 1;

    public String runKey() {
        return Keys.run(experimentId, plateId, runId);
    }

    public String siteKey() {
        return Keys.site(experimentId, plateId, runId, well, site);
    }
}
