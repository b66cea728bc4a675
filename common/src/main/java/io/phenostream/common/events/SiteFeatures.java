package io.phenostream.common.events;

import io.phenostream.common.domain.WellId;
import java.util.List;
import java.util.Map;

/**
 * Topic {@code site-features} (key = {@link Keys#run}, so all sites of a plate land on the partition that also
 * holds the plate's {@link PlateRun}: the scorer keeps per-plate state without a repartition).
 * {@code features} are the medians over the site's cells of each per-cell feature; per-cell rows go to object
 * storage ({@code cellDataUri}). A site the extractor could not analyse is still reported, with
 * {@code status = FAILED} and the {@code error}, so the plate can complete.
 */
public record SiteFeatures(int schemaVersion, String analysisId, AnalysisSpec analysis, String experimentId,
                           String plateId, String runId, WellId well, int site, Status status, String error,
                           int cellCount, Map<String, Double> features, SiteQc qc, List<ImageRef> images,
                           String cellDataUri, String processedAt) implements Versioned {

    public static final int SCHEMA_VERSION = 1;

    public enum Status { OK, FAILED }

    public SiteFeatures {
        features = features == null ? Map.of() : Map.copyOf(features);
        images = images == null ? List.of() : List.copyOf(images);
    }

    public String runKey() {
        return Keys.run(experimentId, plateId, runId);
    }

    public String siteKey() {
        return Keys.site(experimentId, plateId, runId, well, site);
    }
}
