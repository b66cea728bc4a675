package io.phenostream.ingest;

import io.phenostream.common.events.PlateRun;

/** What an ingest pushed. */
public record IngestResult(PlateRun run, String analysisId, String scheme, int sites, int images, long bytes) {
}
