package io.phenostream.benchmarks;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.WellRole;
import io.phenostream.common.events.CompoundScore;
import io.phenostream.common.events.ScoringParameters;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.events.WellProfile;
import io.phenostream.scorer.plate.ExperimentScorer;
import io.phenostream.scorer.plate.PlateScorer;
import io.phenostream.scorer.plate.PlateScoring;
import io.phenostream.scorer.stats.RobustStatistics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The scorer's plate math without Kafka, on a synthetic plate ({@link SyntheticScreenRecords}: 2 sites per well,
 * 53 classical features, optionally a 192-float embedding per site, which the scorer adds as 192 more features):
 * <ul>
 *   <li>{@code finalPlate}: {@link PlateScorer#score} with every site in (the punctuation that finalizes a plate:
 *       well medians, robust z on the negatives, leave-one-out, feature selection and sphering, activity scores
 *       and p-values, control and compound axes, replicate APs, Z'/SSMD, edge-effect tests);</li>
 *   <li>{@code partialPlate}: the same with half of the sites in (a punctuation while the plate streams in);</li>
 *   <li>{@code experiment}: {@link ExperimentScorer#score} of the final plate (per compound: p-value combination,
 *       BH q-values, 4PL dose-response fit, replicate mAP with its permutation test);</li>
 *   <li>{@code robustZ}: only the normalization step (median and MAD of the negatives per feature, then
 *       {@code (x - median) / (1.4826 MAD + eps)} for every well), on the final plate's raw well profiles.</li>
 * </ul>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar PlateScoring}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PlateScoringBenchmark {

    @Param({"96", "384"})
    int wells;

    @Param({"0", "192"})
    int embeddingDim;

    SyntheticScreenRecords plate;
    List<SiteFeatures> half;
    ScoringParameters params;
    PlateScoring finalScoring;
    Instant now;
    double[][] rawProfiles;
    int[] negatives;

    @Setup
    public void setUp() {
        plate = SyntheticScreenRecords.plate(PlateLayout.parse(Integer.toString(wells)), 2, embeddingDim, "BENCH",
            "P1", 42);
        half = new ArrayList<>();
        for (int i = 0; i < plate.sites.size(); i += 2) {
            half.add(plate.sites.get(i)); // every well's first site: all wells seen, half the sites
        }
        params = ScoringParameters.defaults();
        now = Instant.parse("2026-11-27T00:00:00Z");
        finalScoring = finalPlate();
        final List<WellProfile> profiles = finalScoring.wells();
        final List<String> names = new ArrayList<>(profiles.get(0).features().keySet());
        rawProfiles = new double[profiles.size()][names.size()];
        final List<Integer> neg = new ArrayList<>();
        for (int i = 0; i < profiles.size(); i++) {
            for (int f = 0; f < names.size(); f++) {
                final Double v = profiles.get(i).features().get(names.get(f));
                rawProfiles[i][f] = v == null ? Double.NaN : v;
            }
            if (profiles.get(i).role() == WellRole.NEGATIVE_CONTROL) {
                neg.add(i);
            }
        }
        negatives = neg.stream().mapToInt(Integer::intValue).toArray();
        final List<CompoundScore> scores = experiment();
        System.out.printf("%n[PlateScoring] %d wells, %d sites, %d profile features; Z' %s, %d compounds, %d hits, "
                + "%d ok fits%n", profiles.size(), plate.sites.size(), names.size(), finalScoring.qc().zPrime(),
            scores.size(), scores.stream().filter(CompoundScore::hit).count(),
            scores.stream().filter(s -> s.fit() != null && "ok".equals(s.fit().status())).count());
    }

    @Benchmark
    public PlateScoring finalPlate() {
        return PlateScorer.score(plate.run, SyntheticScreenRecords.ANALYSIS_ID, params, plate.sites, now);
    }

    @Benchmark
    public PlateScoring partialPlate() {
        return PlateScorer.score(plate.run, SyntheticScreenRecords.ANALYSIS_ID, params, half, now);
    }

    @Benchmark
    public List<CompoundScore> experiment() {
        return ExperimentScorer.score(SyntheticScreenRecords.ANALYSIS_ID, plate.run.experimentId(), params,
            List.of(finalScoring.plateScores()), now);
    }

    @Benchmark
    public double[][] robustZ() {
        final int nFeatures = rawProfiles[0].length;
        final double[][] out = new double[rawProfiles.length][nFeatures];
        final double[] controls = new double[negatives.length];
        for (int f = 0; f < nFeatures; f++) {
            for (int k = 0; k < negatives.length; k++) {
                controls[k] = rawProfiles[negatives[k]][f];
            }
            final double median = RobustStatistics.median(controls);
            final double mad = RobustStatistics.mad(controls);
            for (int i = 0; i < rawProfiles.length; i++) {
                out[i][f] = RobustStatistics.robustize(rawProfiles[i][f], median, mad, params.madEpsilon());
            }
        }
        return out;
    }
}
