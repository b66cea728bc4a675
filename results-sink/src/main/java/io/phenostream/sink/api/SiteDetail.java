package io.phenostream.sink.api;

import io.phenostream.common.events.ImageRef;
import io.phenostream.common.events.SiteQc;
import java.time.Instant;
import java.util.List;

/** One imaged site of a well: status, cell count, image QC and the lineage of its channel images (S3 + sha256). */
public record SiteDetail(int site, String status, String error, int cellCount, SiteQc qc, List<ImageRef> images,
                         String cellDataUri, Instant processedAt) {
}
