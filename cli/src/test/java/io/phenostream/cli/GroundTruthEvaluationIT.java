package io.phenostream.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.domain.PlateLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hit calls and EC50s against the ground truth of synthetic plates, through the real image analysis and scoring
 * (the full table for more seeds is in phenotype-scorer/README.md, from {@code ./screen evaluate}). Over the plates
 * together: hit precision and recall of clear-effect compounds at least 0.9, false hits no more than the FDR
 * allows, well-determined EC50s within 0.3 log10 of the truth (median), and Z' on the control axis above 0.5
 * (median; above 0.3 on every plate: 96-well plates have 8 positive-control wells).
 */
@Tag("integration")
@Timeout(300)
class GroundTruthEvaluationIT {

    @Test
    void syntheticPlatesHitsAndEc50sMatchTheirGroundTruth(@TempDir final Path tmp) {
        final List<GroundTruthEvaluation.PlateOutcome> outcomes = new ArrayList<>();
        for (final long seed : new long[] {3, 4}) {
            outcomes.add(GroundTruthEvaluation.evaluate(PlateLayout.WELLS_96, seed, 2, 256, tmp));
        }
        outcomes.add(GroundTruthEvaluation.evaluate(PlateLayout.WELLS_384, 1, 2, 256, tmp));
        final String table = GroundTruthEvaluation.table(outcomes);
        final int hits = outcomes.stream().mapToInt(GroundTruthEvaluation.PlateOutcome::hits).sum();
        final int truePositive = outcomes.stream().mapToInt(GroundTruthEvaluation.PlateOutcome::truePositiveHits).sum();
        final int clear = outcomes.stream().mapToInt(GroundTruthEvaluation.PlateOutcome::clear).sum();
        final int clearHits = outcomes.stream().mapToInt(GroundTruthEvaluation.PlateOutcome::clearHits).sum();
        final List<Double> errors = outcomes.stream().flatMap(o -> o.ec50Errors().stream()).sorted().toList();
        assertTrue(hits > 0 && (double) truePositive / hits >= 0.9, "precision\n" + table);
        assertTrue((double) clearHits / clear >= 0.9, "recall\n" + table);
        assertTrue(hits - truePositive <= Math.max(1, 0.1 * hits), "false hits beyond the FDR\n" + table);
        assertTrue(errors.size() >= 5, "EC50s fitted\n" + table);
        assertTrue(errors.get(errors.size() / 2) < 0.3, "median EC50 error\n" + table);
        final double[] zPrimes = outcomes.stream().mapToDouble(GroundTruthEvaluation.PlateOutcome::zPrime).sorted()
            .toArray();
        assertTrue(zPrimes[zPrimes.length / 2] > 0.5, "median Z' on the control axis\n" + table);
        assertTrue(zPrimes[0] > 0.3, "every plate's Z' on the control axis\n" + table);
    }
}
