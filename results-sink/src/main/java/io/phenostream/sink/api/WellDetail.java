package io.phenostream.sink.api;

import io.phenostream.sink.WellScoreRow;
import java.util.List;

/**
 * One well of one plate run in one analysis: its profile scores ({@code scores}, null while the scorer has not
 * written the well), the plate run's channels and expected sites per well, and its sites.
 */
public record WellDetail(String experimentId, String analysisId, String plateId, String runId, String well,
                         WellScoreRow scores, List<String> channels, Integer sitesPerWell, List<SiteDetail> sites) {
}
