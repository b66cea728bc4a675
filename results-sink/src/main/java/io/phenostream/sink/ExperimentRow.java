package io.phenostream.sink;

import java.time.Instant;

/** An experiment known to the results database; {@code updatedAt} is the last time the sink wrote to it. */
public record ExperimentRow(String experimentId, Instant createdAt, Instant updatedAt) {
}
