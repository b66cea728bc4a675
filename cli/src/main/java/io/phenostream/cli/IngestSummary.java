package io.phenostream.cli;

import io.phenostream.ingest.IngestResult;
import java.io.PrintStream;

/** What an ingest did, for people: run key, counts, and the warnings (a few, then how many more). */
final class IngestSummary {

    private static final int WARNINGS_SHOWN = 10;

    private IngestSummary() {
    }

    static void print(final PrintStream out, final IngestResult r, final boolean schemeGiven) {
        out.printf("run %s (analysis %s)%n", r.run().runKey(), r.analysisId());
        out.printf("  naming scheme %s%s; channels %s (nuclear %s)%n", r.scheme(), schemeGiven ? "" : " (detected)",
            r.run().channels(), r.run().nuclearChannel());
        out.printf("  %d sites, %d images, %.1f MB: %d images uploaded (%.1f MB), %d already stored%n", r.sites(),
            r.images(), r.bytes() / 1e6, r.imagesUploaded(), r.bytesUploaded() / 1e6, r.images() - r.imagesUploaded());
        out.printf("  %d sites published, %d already published by an earlier push%n", r.sitesPublished(),
            r.sitesAlreadyPublished());
        r.warnings().stream().limit(WARNINGS_SHOWN).forEach(w -> out.println("  warning: " + w));
        if (r.warnings().size() > WARNINGS_SHOWN) {
            out.printf("  ... and %d more warnings (see the log)%n", r.warnings().size() - WARNINGS_SHOWN);
        }
    }
}
