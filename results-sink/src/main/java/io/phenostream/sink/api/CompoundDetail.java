package io.phenostream.sink.api;

import io.phenostream.common.events.CompoundScore;
import io.phenostream.sink.WellScoreRow;
import java.util.List;

/**
 * Everything about one compound in one analysis: its hit-list row, the 4PL dose-response fit
 * ({@code y = bottom + (top - bottom) / (1 + (ec50 / x)^hill)}, null when not stored), the per-dose mean scores
 * the fit was made on, the plates and every well with its dose and scores. Replicate agreement (mAP) is in
 * {@code score}.
 */
public record CompoundDetail(String experimentId, String analysisId, Hit score, CompoundScore.DoseResponseFit fit,
                             List<CompoundScore.DosePoint> doses, List<String> plates, List<WellScoreRow> wells) {
}
