package io.phenostream.scorer;

import io.phenostream.common.events.CompoundScore;
import io.phenostream.common.events.DeadLetter;
import io.phenostream.common.events.PlateQc;
import io.phenostream.common.events.WellProfile;
import io.phenostream.scorer.plate.PlateWellScores;

/**
 * What the scoring processors emit; exactly one field is set. The topology routes each kind to its topic, so
 * every output of one input record is written in the same exactly-once transaction.
 */
record ScorerOutput(WellProfile wellProfile, PlateQc plateQc, PlateWellScores plateScores,
                    CompoundScore compoundScore, DeadLetter deadLetter) {

    static ScorerOutput of(final WellProfile v) {
        return new ScorerOutput(v, null, null, null, null);
    }

    static ScorerOutput of(final PlateQc v) {
        return new ScorerOutput(null, v, null, null, null);
    }

    static ScorerOutput of(final PlateWellScores v) {
        return new ScorerOutput(null, null, v, null, null);
    }

    static ScorerOutput of(final CompoundScore v) {
        return new ScorerOutput(null, null, null, v, null);
    }

    static ScorerOutput of(final DeadLetter v) {
        return new ScorerOutput(null, null, null, null, v);
    }
}
