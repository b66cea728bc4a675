package io.phenostream.extractor;

import io.phenostream.common.events.ImageSet;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.extractor.analysis.SiteAnalysis;

/** Per-cell rows as one Parquet file per site in S3 ({@link CellTableStore}), keyed by analysis and site. */
public final class ParquetCellData implements CellDataSink {

    private final CellTableStore tables;

    public ParquetCellData(final ObjectStore store) {
        this.tables = new CellTableStore(store, new CellTableWriter());
    }

    @Override
    public String store(final ImageSet set, final SiteAnalysis analysis, final float[][] embeddings,
                        final int embeddingDim) {
        return tables.put(CellTableSite.of(set), analysis.featureNames(), analysis.cellFeatures(), embeddings,
            embeddingDim);
    }
}
