package io.phenostream.sink;

/**
 * The scores of one well (plate heatmaps, well-scores.csv). {@code role} is the plate-map label. A well none of
 * whose sites was used ({@code sitesUsed = 0}: all failed or out of focus) has a null {@code cellCount}: its cells
 * were not counted, which is not the same as none.
 */
public record WellScoreRow(String plateId, String runId, String well, String compound, Double concentration,
                           String unit, String role, Double cellCount, Double score, Double pValue,
                           Double controlAxisScore, boolean cytotoxic, boolean finalResult, int sitesUsed) {

    /** Whether no site of the well was used for its profile. */
    public boolean excluded() {
        return sitesUsed == 0;
    }
}
