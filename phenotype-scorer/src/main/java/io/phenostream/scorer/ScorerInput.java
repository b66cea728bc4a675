package io.phenostream.scorer;

/** A raw record of one of the scorer's input topics, read by the processor so bad bytes can be dead-lettered. */
record ScorerInput(Kind kind, String topic, byte[] bytes) {

    enum Kind { PLATE_RUN, SITE_FEATURES }
}
