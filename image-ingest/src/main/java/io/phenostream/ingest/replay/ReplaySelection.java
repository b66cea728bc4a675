package io.phenostream.ingest.replay;

import io.phenostream.common.events.PlateRun;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Set;

/**
 * Which historical plate runs a replay takes: those of one experiment, optionally only some plates, optionally only
 * runs created at or after {@code since}. Runs still open (being imaged) are never replayed: their live analysis
 * is not finished.
 */
public record ReplaySelection(String experimentId, Set<String> plates, Instant since) {

    public ReplaySelection {
        Objects.requireNonNull(experimentId, "experimentId");
        plates = plates == null ? Set.of() : Set.copyOf(plates);
    }

    boolean includes(final PlateRun run) {
        if (!experimentId.equals(run.experimentId()) || run.open()) {
            return false;
        }
        if (!plates.isEmpty() && !plates.contains(run.plateId())) {
            return false;
        }
        if (since == null) {
            return true;
        }
        try {
            return run.createdAt() != null && !Instant.parse(run.createdAt()).isBefore(since);
        } catch (final DateTimeParseException e) {
            return false;
        }
    }

    /** {@code 2024-05-01} (start of that day, UTC) or an ISO instant; null for null. */
    public static Instant parseSince(final String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return text.length() == 10 ? Instant.parse(text + "T00:00:00Z") : Instant.parse(text);
        } catch (final DateTimeParseException e) {
            throw new IllegalArgumentException("--since '" + text + "' is neither a date (2024-05-01) nor an instant "
                + "(2024-05-01T10:00:00Z)");
        }
    }
}
