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
 *
 * <p>{@code illumination} names, per channel, the illumination function the site was corrected with
 * ({@code illum-identity} before a plate has enough sites for an estimate); {@code embedding} is the per-dimension
 * median over the site's cells of the model's embeddings (empty without a model).
 *
 * <p>{@code masks} names, per role, the {@code s3://} URI of the label images the features were measured on
 * (16-bit grayscale PNG, pixel = object label, 0 = background): {@link #NUCLEI_OVER_CELLS_MASK}, one object with
 * both (nucleus labels above cell labels, {@code io.phenostream.common.image.StackedLabelImages}), or in records
 * of earlier extractors {@link #NUCLEI_MASK} and {@link #CELLS_MASK}, one object each. Empty for failed sites and
 * for records written before masks were stored (the field is optional: schema version 1).
 */
public record SiteFeatures(int schemaVersion, String analysisId, AnalysisSpec analysis, String experimentId,
                           String plateId, String runId, WellId well, int site, Status status, String error,
                           int cellCount, Map<String, Double> features, SiteQc qc, List<ImageRef> images,
                           String cellDataUri, String processedAt, Map<String, String> illumination,
                           List<Double> embedding, Map<String, String> masks) implements Versioned {

    public static final int SCHEMA_VERSION = 1;

    /** {@link #masks} role of the nucleus label image. */
    public static final String NUCLEI_MASK = "nuclei";
    /** {@link #masks} role of the cell label image. */
    public static final String CELLS_MASK = "cells";
    /**
     * {@link #masks} role of the one label image holding both: nucleus labels in the top half, cell labels in the
     * bottom half (twice the image's height). What the extractor writes; the two roles above are older records'.
     */
    public static final String NUCLEI_OVER_CELLS_MASK = "nuclei-over-cells";

    public enum Status { OK, FAILED }

    public SiteFeatures {
        features = features == null ? Map.of() : Map.copyOf(features);
        images = images == null ? List.of() : List.copyOf(images);
        illumination = illumination == null ? Map.of() : Map.copyOf(illumination);
        embedding = embedding == null ? List.of() : List.copyOf(embedding);
        masks = masks == null ? Map.of() : Map.copyOf(masks);
    }

    /** A record without label images (no masks stored; older callers). */
    public SiteFeatures(final int schemaVersion, final String analysisId, final AnalysisSpec analysis,
                        final String experimentId, final String plateId, final String runId, final WellId well,
                        final int site, final Status status, final String error, final int cellCount,
                        final Map<String, Double> features, final SiteQc qc, final List<ImageRef> images,
                        final String cellDataUri, final String processedAt, final Map<String, String> illumination,
                        final List<Double> embedding) {
        this(schemaVersion, analysisId, analysis, experimentId, plateId, runId, well, site, status, error, cellCount,
            features, qc, images, cellDataUri, processedAt, illumination, embedding, Map.of());
    }

    /** A record without illumination ids or embedding (classical analysis without correction; tests). */
    public SiteFeatures(final int schemaVersion, final String analysisId, final AnalysisSpec analysis,
                        final String experimentId, final String plateId, final String runId, final WellId well,
                        final int site, final Status status, final String error, final int cellCount,
                        final Map<String, Double> features, final SiteQc qc, final List<ImageRef> images,
                        final String cellDataUri, final String processedAt) {
        this(schemaVersion, analysisId, analysis, experimentId, plateId, runId, well, site, status, error, cellCount,
            features, qc, images, cellDataUri, processedAt, Map.of(), List.of(), Map.of());
    }

    public String runKey() {
        return Keys.run(experimentId, plateId, runId);
    }

    public String siteKey() {
        return Keys.site(experimentId, plateId, runId, well, site);
    }
}
