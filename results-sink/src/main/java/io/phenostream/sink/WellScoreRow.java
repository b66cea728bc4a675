package io.phenostream.sink;

/** The scores of one well (plate heatmaps, well-scores.csv). {@code role} is the plate-map label. */
public record WellScoreRow(String plateId, String runId, String well, String compound, Double concentration,
                           String unit, String role, Double cellCount, Double score, Double pValue,
                           Double controlAxisScore, boolean cytotoxic, boolean finalResult) {
}
