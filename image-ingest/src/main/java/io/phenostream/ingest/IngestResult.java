package io.phenostream.ingest;

import io.phenostream.common.events.PlateRun;
import java.util.List;

/**
 * What an ingest did: images found and how many of them (and bytes) were uploaded rather than already stored,
 * sites published now or by an earlier push, and warnings (files matching no naming scheme, plate-map wells
 * without images), each naming its file or well.
 */
public record IngestResult(PlateRun run, String analysisId, String scheme, int sites, int images, long bytes,
                           int imagesUploaded, long bytesUploaded, int sitesPublished, int sitesAlreadyPublished,
                           List<String> warnings) {
}
