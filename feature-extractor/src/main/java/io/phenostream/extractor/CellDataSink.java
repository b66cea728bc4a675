package io.phenostream.extractor;

import io.phenostream.common.events.ImageSet;
import io.phenostream.extractor.analysis.SiteAnalysis;

/**
 * Where a site's per-cell rows (features and embeddings) and label images go: a Parquet file and PNGs in object
 * storage in production ({@link ParquetCellData}). Called on an I/O thread before the site's record is published, so the record's URI
 * always names a table that exists; must be idempotent (a re-done site overwrites the same object).
 */
@FunctionalInterface
public interface CellDataSink {

    /** Keeps per-cell rows nowhere: the site record carries no URI (tests of other stages). */
    CellDataSink NONE = (set, analysis, embeddings, embeddingDim) -> StoredCellData.NOTHING;

    /**
     * @param embeddings one row per cell, or null without a model
     * @param embeddingDim the model's embedding length (0 without a model), so a site without cells keeps the columns
     * @return the URIs of the stored table and label images ({@link StoredCellData#NOTHING} when nothing is stored)
     */
    StoredCellData store(ImageSet set, SiteAnalysis analysis, float[][] embeddings, int embeddingDim);
}
