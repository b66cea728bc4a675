package io.phenostream.scorer.query;

import io.phenostream.common.events.PlateQc;

/**
 * How far the scoring of one plate run for one analysis has got, as of the scorer's latest rescoring of it.
 * {@code wellsDone} counts the wells whose expected sites are all in; {@code finalResult} is true once every
 * expected site of the plate is in and the results say so.
 */
public record PlateProgress(String analysisId, String experimentId, String plateId, String runId, int sitesSeen,
                            int sitesExpected, int wellsDone, int wellsExpected, boolean finalResult,
                            String updatedAt) {

    /** Progress from a plate's latest QC record and its number of complete wells. */
    public static PlateProgress of(final PlateQc qc, final int wellsDone) {
        return new PlateProgress(qc.analysisId(), qc.experimentId(), qc.plateId(), qc.runId(), qc.sitesSeen(),
            qc.sitesExpected(), wellsDone, qc.nWellsExpected(), qc.status() == PlateQc.Status.FINAL, qc.updatedAt());
    }

    /** Sites seen over sites expected, in [0, 1]; 0 when the plate expects none. */
    public double fractionDone() {
        return sitesExpected <= 0 ? 0 : Math.min(1.0, sitesSeen / (double) sitesExpected);
    }
}
