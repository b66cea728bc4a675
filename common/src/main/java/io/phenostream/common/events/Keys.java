package io.phenostream.common.events;

import io.phenostream.common.domain.WellId;
import java.util.regex.Pattern;

/**
 * Record keys. Identifiers are restricted to {@code [A-Za-z0-9._-]} so that '/' and '|' can separate them, and
 * may not consist of dots alone: ids become segments of object keys and URL paths, where {@code .} and
 * {@code ..} would climb out of the plate's prefix (or folder, on a filesystem-backed S3).
 * Partitioning: plate-level topics are keyed by run so a plate stays on one partition; image-sets by site so
 * sites spread over the extractor pool.
 */
public final class Keys {

    private static final Pattern ID = Pattern.compile("(?!\\.+$)[A-Za-z0-9._-]{1,128}");

    private Keys() {
    }

    public static String requireId(final String what, final String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException(what + " '" + id
                + "' is not a valid identifier (1-128 characters of A-Z a-z 0-9 . _ -, not dots alone)");
        }
        return id;
    }

    public static String run(final String experimentId, final String plateId, final String runId) {
        return experimentId + "/" + plateId + "/" + runId;
    }

    public static String site(final String experimentId, final String plateId, final String runId, final WellId well,
                              final int site) {
        return run(experimentId, plateId, runId) + "/" + well + "/" + site;
    }

    public static String analysisRun(final String analysisId, final String runKey) {
        return analysisId + "|" + runKey;
    }

    public static String well(final String analysisId, final String runKey, final WellId well) {
        return analysisId + "|" + runKey + "/" + well;
    }

    public static String experiment(final String analysisId, final String experimentId) {
        return analysisId + "|" + experimentId;
    }

    public static String compound(final String analysisId, final String experimentId, final String compound) {
        return analysisId + "|" + experimentId + "|" + compound;
    }
}
