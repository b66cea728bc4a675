package io.phenostream.sink.api;

import io.phenostream.common.events.ImageRef;
import io.phenostream.common.events.SiteQc;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One imaged site of a well: status, cell count, image QC, the lineage of its channel images (S3 + sha256) and
 * the label images its cells were measured on ({@code masks}: role {@code nuclei} / {@code cells} -> {@code s3://}
 * URI of a 16-bit label PNG; empty for failed sites and analyses from before masks were stored).
 */
public record SiteDetail(int site, String status, String error, int cellCount, SiteQc qc, List<ImageRef> images,
                         String cellDataUri, Instant processedAt, Map<String, String> masks) {

    public SiteDetail {
        masks = masks == null ? Map.of() : Map.copyOf(masks);
    }

    /** Whether thumbnails of this site can show segmentation outlines. */
    public boolean hasMasks() {
        return !masks.isEmpty();
    }
}
