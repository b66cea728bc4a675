package io.phenostream.extractor;

import io.phenostream.common.events.ImageSet;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.extractor.analysis.SiteAnalysis;

/**
 * Per-cell rows as one Parquet file per site in S3 ({@link CellTableStore}), keyed by analysis and site, with the
 * site's nucleus and cell label images beside it in one object: two PUTs per site.
 */
public final class ParquetCellData implements CellDataSink {

    private final CellTableStore tables;

    public ParquetCellData(final ObjectStore store) {
        this.tables = new CellTableStore(store, new CellTableWriter());
    }

    @Override
    public StoredCellData store(final ImageSet set, final SiteAnalysis analysis, final float[][] embeddings,
                                final int embeddingDim) {
        final CellTableSite site = CellTableSite.of(set);
        // masks first: the table's URI is what readers look for, and it then always has its masks beside it
        final java.util.Map<String, String> masks = tables.uploadMasks(site, analysis.masks());
        return new StoredCellData(tables.put(site, analysis.featureNames(), analysis.cellFeatures(), embeddings,
            embeddingDim), masks);
    }
}
