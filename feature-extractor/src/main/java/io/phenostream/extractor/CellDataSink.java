package io.phenostream.extractor;

import io.phenostream.common.events.ImageSet;
import io.phenostream.extractor.analysis.SiteAnalysis;

/**
 * Where a site's per-cell rows go (object storage as Parquet in production). Called on an I/O thread before the
 * site's record is published, so the record's URI always names a table that exists; must be idempotent (a
 * re-done site overwrites the same object).
 */
@FunctionalInterface
public interface CellDataSink {

    /** Keeps per-cell rows nowhere: the site record carries no URI. */
    CellDataSink NONE = (set, analysis) -> null;

    /** @return the URI of the stored table, or null when nothing is stored */
    String store(ImageSet set, SiteAnalysis analysis);
}
