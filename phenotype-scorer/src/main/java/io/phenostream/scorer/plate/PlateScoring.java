package io.phenostream.scorer.plate;

import io.phenostream.common.events.PlateQc;
import io.phenostream.common.events.WellProfile;
import java.util.List;

/** Everything {@link PlateScorer} derives from one plate run: well profiles, plate QC and the well scores. */
public record PlateScoring(List<WellProfile> wells, PlateQc qc, PlateWellScores plateScores) {

    public PlateScoring {
        wells = List.copyOf(wells);
    }
}
