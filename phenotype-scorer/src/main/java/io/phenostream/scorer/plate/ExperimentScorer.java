package io.phenostream.scorer.plate;

import io.phenostream.common.domain.WellRole;
import io.phenostream.common.events.CompoundScore;
import io.phenostream.common.events.CompoundScore.DosePoint;
import io.phenostream.common.events.CompoundScore.DoseResponseFit;
import io.phenostream.common.events.ScoringParameters;
import io.phenostream.scorer.stats.BenjaminiHochberg;
import io.phenostream.scorer.stats.FourParameterLogistic;
import io.phenostream.scorer.stats.MeanAveragePrecision;
import io.phenostream.scorer.stats.PValueCombination;
import io.phenostream.scorer.stats.RobustStatistics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compound scores over every plate of an experiment for one analysis, ranked (rank 1 = most active).
 * <ul>
 *   <li>Only treatment wells with a score are used; controls are reported per plate, not ranked. A compound
 *       none of whose wells has a score yet is left out (it cannot be ranked).</li>
 *   <li>Per dose (exact concentration): Wilkinson's maximum-p combination of the replicate wells' p-values,
 *       dose {@code p = (max p_i)^n} (replicates are independent wells, possibly on different plates). A dose is
 *       active only when all its replicates are: a single aberrant well cannot make a compound a hit.</li>
 *   <li>Compound {@code p = min(1, m * min_dose p)} over its m doses with a p-value (Bonferroni: a compound is
 *       active if any dose is, and testing m doses must cost m).</li>
 *   <li>Compound score = over its doses, the largest replicate-consistent activity: the lower median of the
 *       dose's well scores (the smaller of two replicates), for the same reason.</li>
 *   <li>Benjamini-Hochberg q-values over the experiment's compounds; {@code hit = q < fdr}.</li>
 *   <li>Rank by score descending, ties by p ascending, then by compound name.</li>
 *   <li>Dose-response: 4PL of the well scores against log10 concentration ({@link FourParameterLogistic});
 *       parameters are reported only for a fit with status {@code ok}. {@code maxEffect} = top - bottom of an
 *       ok fit, else the largest dose mean score minus the mean score of the experiment's negative-control
 *       wells (null without negatives).</li>
 *   <li>Several runs of one plate (re-imaging) each contribute their wells; {@code plates} lists plate ids
 *       once. {@code finalResult} = every plate run contributing wells to the compound is final.</li>
 *   <li>Replicate agreement ({@link ReplicateAgreement}): mAP of the compound's wells' replicate APs (each
 *       computed on its own plate), permutation p-value, BH q-value over the compounds that have one; null
 *       where no well has an AP. Reported beside the hit call, not part of it.</li>
 * </ul>
 * A compound without any p-value (too few negative controls on its plates) has NaN p and q and is no hit.
 */
public final class ExperimentScorer {

    private ExperimentScorer() {
    }

    private record Well(String plateId, boolean finalResult, WellScore score) {
    }

    /** Compound scores over every plate of an experiment for one analysis, ranked (rank 1 = most active). */
    public static List<CompoundScore> score(final String analysisId, final String experimentId,
                                            final ScoringParameters params, final Collection<PlateWellScores> plates,
                                            final Instant now) {
        Objects.requireNonNull(analysisId, "analysisId");
        Objects.requireNonNull(experimentId, "experimentId");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(plates, "plates");
        Objects.requireNonNull(now, "now");
        final TreeMap<String, List<Well>> byCompound = new TreeMap<>();
        final List<Double> negativeScores = new ArrayList<>();
        for (final PlateWellScores plate : plates) {
            if (plate == null || !analysisId.equals(plate.analysisId())) {
                continue;
            }
            if (!experimentId.equals(plate.experimentId())) {
                throw new IllegalArgumentException("plate " + plate.plateId() + " run " + plate.runId()
                    + " belongs to experiment " + plate.experimentId() + ", not " + experimentId);
            }
            for (final WellScore w : plate.wells()) {
                if (w.score() == null || !Double.isFinite(w.score())) {
                    continue;
                }
                if (w.role() == WellRole.NEGATIVE_CONTROL) {
                    negativeScores.add(w.score());
                } else if (w.role() == WellRole.TREATMENT && w.compound() != null && !w.compound().isBlank()) {
                    byCompound.computeIfAbsent(w.compound(), c -> new ArrayList<>())
                        .add(new Well(plate.plateId(), plate.finalResult(), w));
                }
            }
        }
        final double baseline = RobustStatistics.mean(negativeScores.stream().mapToDouble(Double::doubleValue).toArray());

        final List<Draft> drafts = new ArrayList<>();
        for (final Map.Entry<String, List<Well>> c : byCompound.entrySet()) {
            drafts.add(draft(c.getKey(), c.getValue(), baseline));
        }
        final double[] q = BenjaminiHochberg.qValues(drafts.stream().mapToDouble(d -> d.p).toArray());
        final Map<String, ReplicateAgreement.Agreement> agreement =
            ReplicateAgreement.compounds(replicateQueries(byCompound));
        for (int i = 0; i < drafts.size(); i++) {
            drafts.get(i).q = q[i];
        }
        drafts.sort(Comparator.comparingDouble((Draft d) -> -d.score)
            .thenComparingDouble(d -> d.p)
            .thenComparing(d -> d.compound));
        final List<CompoundScore> out = new ArrayList<>(drafts.size());
        final String updatedAt = now.toString();
        for (int i = 0; i < drafts.size(); i++) {
            final Draft d = drafts.get(i);
            final ReplicateAgreement.Agreement a = agreement.get(d.compound);
            out.add(new CompoundScore(CompoundScore.SCHEMA_VERSION, analysisId, experimentId, d.compound, i + 1,
                d.score, d.p, d.q, d.q < params.fdr(), d.fit, d.maxEffect, d.nWells, d.doses, d.plates,
                d.finalResult, updatedAt, boxed(a == null ? Double.NaN : a.map()),
                boxed(a == null ? Double.NaN : a.pValue()), boxed(a == null ? Double.NaN : a.qValue())));
        }
        return out;
    }

    /** Per compound, the replicate APs of its wells that have one (a compound with none is left out). */
    private static SortedMap<String, List<MeanAveragePrecision.Query>> replicateQueries(
        final SortedMap<String, List<Well>> byCompound) {
        final TreeMap<String, List<MeanAveragePrecision.Query>> out = new TreeMap<>();
        for (final Map.Entry<String, List<Well>> c : byCompound.entrySet()) {
            final List<MeanAveragePrecision.Query> q = c.getValue().stream().map(w -> w.score().replicateAp())
                .filter(Objects::nonNull).toList();
            if (!q.isEmpty()) {
                out.put(c.getKey(), q);
            }
        }
        return out;
    }

    /** Whether a well enters the dose-response fit: a positive concentration and a finite readout. */
    private static boolean fitted(final Double concentration, final Double readout) {
        return concentration != null && concentration > 0 && readout != null && Double.isFinite(readout);
    }

    private static Double boxed(final double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static final class Draft {
        String compound;
        double score;
        double p;
        double q = Double.NaN;
        DoseResponseFit fit;
        Double maxEffect;
        int nWells;
        List<DosePoint> doses;
        List<String> plates;
        boolean finalResult;
    }

    private static Draft draft(final String compound, final List<Well> wells, final double baseline) {
        // The compound's own axis is linear in the fraction of its phenotype (the activity distance is not: it
        // has a noise floor and mixes directions), so its EC50 is the compound's. Activity scores stand in only
        // where a well has no compound-axis score.
        boolean onCompoundAxis = true;
        for (final Well w : wells) {
            if (fitted(w.score().concentration(), w.score().score())) {
                onCompoundAxis &= w.score().compoundAxisScore() != null;
            }
        }
        final TreeMap<Double, List<WellScore>> byDose = new TreeMap<>();
        for (final Well w : wells) {
            final Double c = w.score().concentration();
            byDose.computeIfAbsent(c == null ? Double.NaN : c, k -> new ArrayList<>()).add(w.score());
        }
        final List<DosePoint> doses = new ArrayList<>();
        final List<Double> logx = new ArrayList<>();
        final List<Double> y = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        double minDoseP = Double.NaN;
        int dosesWithP = 0;
        for (final Map.Entry<Double, List<WellScore>> d : byDose.entrySet()) {
            final List<WellScore> ws = d.getValue();
            final double[] scores = ws.stream().mapToDouble(WellScore::score).toArray();
            final double meanScore = RobustStatistics.mean(scores);
            final double meanAxis = RobustStatistics.mean(ws.stream().filter(w -> w.controlAxisScore() != null)
                .mapToDouble(WellScore::controlAxisScore).toArray());
            final List<Double> readouts = new ArrayList<>();
            for (final WellScore w : ws) {
                final Double readout = onCompoundAxis ? w.compoundAxisScore() : w.score();
                if (fitted(w.concentration(), readout)) {
                    logx.add(Math.log10(w.concentration()));
                    y.add(readout);
                    readouts.add(readout);
                }
            }
            doses.add(new DosePoint(d.getKey(), meanScore, meanAxis, ws.size(), readouts));
            best = Math.max(best, RobustStatistics.lowerMedian(scores));
            final double doseP = PValueCombination.maxP(ws.stream()
                .mapToDouble(w -> w.pValue() == null ? Double.NaN : w.pValue()).toArray());
            if (!Double.isNaN(doseP)) {
                dosesWithP++;
                minDoseP = Double.isNaN(minDoseP) ? doseP : Math.min(minDoseP, doseP);
            }
        }
        final double[] xs = logx.stream().mapToDouble(Double::doubleValue).toArray();
        final double[] ys = y.stream().mapToDouble(Double::doubleValue).toArray();
        // On the compound axis the negative controls are 0 by construction, so they fix the bottom plateau.
        final FourParameterLogistic.Fit f = onCompoundAxis && !y.isEmpty()
            ? FourParameterLogistic.fitWithBottom(xs, ys, 0.0) : FourParameterLogistic.fit(xs, ys);
        final Draft d = new Draft();
        d.compound = compound;
        d.score = best;
        d.p = dosesWithP == 0 ? Double.NaN : PValueCombination.bonferroni(minDoseP, dosesWithP);
        d.fit = f.ok() ? new DoseResponseFit(f.status(), f.ec50(), f.hill(), f.top(), f.bottom(), f.rSquared(),
            onCompoundAxis ? DoseResponseFit.COMPOUND_AXIS : DoseResponseFit.ACTIVITY_SCORE)
            : DoseResponseFit.notFitted(f.status());
        // In activity-score units (the fit's top and bottom are on the compound's own axis, top dose ~1).
        d.maxEffect = Double.isFinite(baseline) ? best - baseline : null;
        d.nWells = wells.size();
        d.doses = List.copyOf(doses);
        d.plates = List.copyOf(new TreeSet<>(wells.stream().map(Well::plateId).toList()));
        d.finalResult = wells.stream().allMatch(Well::finalResult);
        return d;
    }
}
