package io.phenostream.sink.api;

/** One compound's score and hit call in one analysis: what a comparison reads per side. */
public record ScoredCompound(String compound, int rank, Double score, Double qValue, boolean hit) {
}
