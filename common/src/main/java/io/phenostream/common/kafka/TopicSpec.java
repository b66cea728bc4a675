package io.phenostream.common.kafka;

import java.util.Map;

/** A topic of the catalogue: name (without the configured prefix), partitions and topic-level configs. */
public record TopicSpec(String name, int partitions, Map<String, String> configs, String purpose) {
}
