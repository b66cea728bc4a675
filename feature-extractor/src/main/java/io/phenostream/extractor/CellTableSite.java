package io.phenostream.extractor;

import io.phenostream.common.domain.WellId;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.ImageSet;
import io.phenostream.common.events.Keys;
import java.util.Objects;

/**
 * Which site of which analysis a per-cell table belongs to. It names the table's S3 object
 * ({@link #objectKey()}) and fills the identity columns and file metadata, so a file copied out of S3 still
 * says where its cells came from.
 *
 * @param analysisId   the analysis the cells were measured under (part of the key: a replay writes beside)
 * @param modelSha256  sha256 of the embedding model file, or {@link AnalysisSpec#NO_MODEL}
 * @param experimentId experiment identifier
 * @param plateId      plate barcode
 * @param runId        imaging run of the plate
 * @param well         well position
 * @param site         field number within the well
 */
public record CellTableSite(String analysisId, String modelSha256, String experimentId, String plateId,
                            String runId, WellId well, int site) {

    public CellTableSite {
        Keys.requireId("analysisId", analysisId);
        Keys.requireId("experimentId", experimentId);
        Keys.requireId("plateId", plateId);
        Keys.requireId("runId", runId);
        Objects.requireNonNull(well, "well");
        if (site < 0) {
            throw new IllegalArgumentException("Site number " + site + " of " + experimentId + "/" + plateId + "/"
                + runId + "/" + well + " is negative");
        }
        modelSha256 = modelSha256 == null || modelSha256.isBlank() ? AnalysisSpec.NO_MODEL : modelSha256;
    }

    /** The identity of the site an image-set asks to analyse. */
    public static CellTableSite of(final ImageSet set) {
        final String model = set.analysis() == null ? AnalysisSpec.NO_MODEL : set.analysis().modelSha256();
        return new CellTableSite(set.analysisId(), model, set.experimentId(), set.plateId(), set.runId(),
            set.well(), set.site());
    }

    /** {@link Keys#site}: experiment/plate/run/well/site. */
    public String siteKey() {
        return Keys.site(experimentId, plateId, runId, well, site);
    }

    /**
     * {@code cells/<analysisId>/<experiment>/<plate>/<run>/<well>-<site>.parquet}: a function of the identity
     * only, so a re-delivered site overwrites its own object, and the analysis comes first so that one
     * analysis is one prefix ({@code read_parquet('s3://bucket/cells/<analysisId>/**')}).
     */
    public String objectKey() {
        return keyStem() + ".parquet";
    }

    /**
     * {@code cells/<analysisId>/<experiment>/<plate>/<run>/<well>-<site>.<role>.png}: the site's label image of
     * {@code role} ({@code nuclei-over-cells}; earlier extractors wrote {@code nuclei} and {@code cells}) beside its
     * cell table, under the same rules as {@link #objectKey()}.
     */
    public String maskKey(final String role) {
        Keys.requireId("mask role", role);
        return keyStem() + "." + role + ".png";
    }

    private String keyStem() {
        return "cells/" + analysisId + "/" + experimentId + "/" + plateId + "/" + runId + "/" + well + "-" + site;
    }
}
