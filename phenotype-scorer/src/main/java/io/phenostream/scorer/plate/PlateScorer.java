package io.phenostream.scorer.plate;

import io.phenostream.common.domain.PlateMapEntry;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.domain.WellRole;
import io.phenostream.common.events.PlateQc;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.events.ScoringParameters;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.events.WellProfile;
import io.phenostream.scorer.stats.ActivityScore;
import io.phenostream.scorer.stats.AssayQuality;
import io.phenostream.scorer.stats.MeanAveragePrecision;
import io.phenostream.scorer.stats.NullDistribution;
import io.phenostream.scorer.stats.RobustStatistics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;

/**
 * Scores one plate run for one analysis from the sites seen so far (pure function: the Kafka Streams topology
 * calls it again whenever a site arrives, so results update incrementally and become final with the last site).
 * <ol>
 *   <li><b>Sites</b> ({@link SiteSelection}): one per site key; FAILED and out-of-focus sites are seen, not used.
 *       Sites in wells that are missing from the plate map or EMPTY are seen but not used either.</li>
 *   <li><b>Well profile</b> = per-feature median over the well's used sites (pycytominer {@code aggregate},
 *       median); NaN/missing values are skipped. {@code cellCount} = mean cells per used site (sites of one well
 *       image the same area, so the mean is comparable across wells with different numbers of good sites).</li>
 *   <li><b>Normalization</b> per plate and feature against the negative-control wells, pycytominer
 *       {@code mad_robustize}: {@code x' = (x - median_neg) / (1.4826 MAD_neg + eps)}. A feature no negative
 *       has is dropped; a feature with {@code MAD_neg = 0} that takes the same value in every well is dropped
 *       from the score (it carries no information; eps alone would keep it at 0).
 *       {@link WellProfile#normalized()} holds this plate-wide normalization for every well.</li>
 *   <li><b>Activity score</b> = RMS of the normalized features ({@link ActivityScore}). A negative-control well
 *       is scored leave-one-out: its median/MAD come from the other negatives, as a treatment well's never
 *       include the treatment itself; otherwise negatives would sit closer to their own centre than new wells
 *       and the null would be biased low.</li>
 *   <li><b>p-value</b>: parametric upper tail against the leave-one-out negative scores
 *       ({@link NullDistribution}); a negative control is tested against the other negatives only.
 *       Needs 3 negative scores with some spread, else null.</li>
 *   <li><b>Control-axis score</b> ({@link ControlAxis}) where positives exist, cross-fitted: each control well's
 *       own score comes from an axis fitted without it. Z'-factor and SSMD ({@link AssayQuality}) on those
 *       cross-fitted scores; null without 2 wells in each group.</li>
 *   <li><b>Cytotoxic</b>: {@code cellCount < cytotoxicCellFraction * median(cellCount of negatives)}.</li>
 *   <li><b>QC</b>: FINAL once the run is closed and {@code sitesSeen >= expectedSites}; flags listed in {@link #FLAGS}. The edge-effect
 *       check compares edge and interior negative controls (activity score and cell count) with a two-sided
 *       Mann-Whitney U test, flagging at p &lt; 0.01 when each side has at least 3 wells.</li>
 * </ol>
 */
public final class PlateScorer {

    /** Name of embedding dimension d in well profiles. */
    public static final String EMBEDDING_FEATURE = "embedding_%03d";

    public static final String LOW_Z_PRIME = "low_z_prime";
    public static final String FEW_NEGATIVE_CONTROLS = "few_negative_controls";
    public static final String NO_POSITIVE_CONTROLS = "no_positive_controls";
    public static final String FAILED_SITES = "failed_sites";
    public static final String OUT_OF_FOCUS_SITES = "out_of_focus_sites";
    public static final String SITES_OUTSIDE_PLATE_MAP = "sites_outside_plate_map";
    public static final String EDGE_EFFECT = "edge_effect";
    public static final String CYTOTOXIC_WELLS = "cytotoxic_wells";
    public static final List<String> FLAGS = List.of(LOW_Z_PRIME, FEW_NEGATIVE_CONTROLS, NO_POSITIVE_CONTROLS,
        FAILED_SITES, OUT_OF_FOCUS_SITES, SITES_OUTSIDE_PLATE_MAP, EDGE_EFFECT, CYTOTOXIC_WELLS);

    /** Z' below this is flagged (0.5 = "excellent assay" boundary of Zhang et al. 1999). */
    public static final double Z_PRIME_THRESHOLD = 0.5;
    /** Fewer negative-control wells with data than this is flagged. */
    public static final int MIN_NEGATIVE_CONTROLS = 8;
    static final double EDGE_ALPHA = 0.01;

    private PlateScorer() {
    }

    /** Scores one plate run for one analysis from the sites seen so far (latest record per site key). */
    public static PlateScoring score(final PlateRun run, final String analysisId, final ScoringParameters params,
                                     final Collection<SiteFeatures> sites, final Instant now) {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(analysisId, "analysisId");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(sites, "sites");
        Objects.requireNonNull(now, "now");
        if (run.plateMap() == null || run.plateMap().isEmpty()) {
            throw new IllegalArgumentException("plate run " + run.runKey() + " has no plate map");
        }
        final String updatedAt = now.toString();
        final SiteSelection selection = SiteSelection.select(run, analysisId, params.outOfFocusRatio(), sites);

        final Map<WellId, PlateMapEntry> map = new HashMap<>();
        for (final PlateMapEntry e : run.plateMap()) {
            map.put(e.well(), e);
        }
        final TreeMap<WellId, List<SiteFeatures>> seenByWell = new TreeMap<>();
        final Map<WellId, List<SiteFeatures>> usedByWell = new HashMap<>();
        boolean outsideMap = false;
        for (final SiteFeatures s : selection.seen) {
            final PlateMapEntry e = map.get(s.well());
            if (e == null) {
                outsideMap = true;
            } else if (e.role() != WellRole.EMPTY) {
                seenByWell.computeIfAbsent(s.well(), w -> new ArrayList<>()).add(s);
            }
        }
        for (final SiteFeatures s : selection.used) {
            if (seenByWell.containsKey(s.well())) {
                usedByWell.computeIfAbsent(s.well(), w -> new ArrayList<>()).add(s);
            }
        }

        // Raw well profiles: median over used sites per feature.
        final List<WellId> wells = new ArrayList<>(seenByWell.keySet());
        final int nWells = wells.size();
        final Map<SiteFeatures, Map<String, Double>> values = new IdentityHashMap<>();
        usedByWell.values().forEach(l -> l.forEach(s -> values.put(s, profileValues(s))));
        final TreeSet<String> names = new TreeSet<>();
        values.values().forEach(v -> names.addAll(v.keySet()));
        final String[] features = names.toArray(String[]::new);
        final int nFeatures = features.length;
        final double[][] raw = new double[nWells][nFeatures];
        final double[] cellCount = new double[nWells];
        final int[] sitesUsed = new int[nWells];
        final WellRole[] roles = new WellRole[nWells];
        long nCells = 0;
        for (int i = 0; i < nWells; i++) {
            final WellId w = wells.get(i);
            roles[i] = map.get(w).role();
            final List<SiteFeatures> used = usedByWell.getOrDefault(w, List.of());
            sitesUsed[i] = used.size();
            final double[] perSite = new double[used.size()];
            for (int f = 0; f < nFeatures; f++) {
                for (int k = 0; k < used.size(); k++) {
                    final Double v = values.get(used.get(k)).get(features[f]);
                    perSite[k] = v == null ? Double.NaN : v;
                }
                raw[i][f] = RobustStatistics.median(perSite);
            }
            long cells = 0;
            for (final SiteFeatures s : used) {
                cells += s.cellCount();
            }
            nCells += cells;
            cellCount[i] = used.isEmpty() ? 0.0 : (double) cells / used.size();
        }
        final int[] negatives = indexes(roles, sitesUsed, WellRole.NEGATIVE_CONTROL);
        final int[] positives = indexes(roles, sitesUsed, WellRole.POSITIVE_CONTROL);

        // Normalization statistics from the negatives; decide which features enter the score.
        final double eps = params.madEpsilon();
        final double[] median = new double[nFeatures];
        final double[] mad = new double[nFeatures];
        final boolean[] kept = new boolean[nFeatures];
        for (int f = 0; f < nFeatures; f++) {
            final double[] neg = column(raw, negatives, f, -1);
            median[f] = RobustStatistics.median(neg);
            mad[f] = RobustStatistics.mad(neg);
            kept[f] = Double.isFinite(median[f]) && (mad[f] > 0 || variesAnywhere(raw, f));
        }
        final double[][] normalized = new double[nWells][nFeatures];
        final double[][] scoreSpace = new double[nWells][];
        for (int i = 0; i < nWells; i++) {
            for (int f = 0; f < nFeatures; f++) {
                normalized[i][f] = kept[f] ? RobustStatistics.robustize(raw[i][f], median[f], mad[f], eps) : Double.NaN;
            }
            scoreSpace[i] = normalized[i];
        }
        for (final int j : negatives) {
            final double[] loo = new double[nFeatures];
            for (int f = 0; f < nFeatures; f++) {
                final double[] others = column(raw, negatives, f, j);
                loo[f] = kept[f] && Double.isFinite(RobustStatistics.median(others))
                    ? RobustStatistics.robustize(raw[j][f], RobustStatistics.median(others),
                        RobustStatistics.mad(others), eps)
                    : Double.NaN;
            }
            scoreSpace[j] = loo;
        }
        // Score space: informative, non-redundant features, sphered on the negatives (ScoreSpace).
        final boolean[] hasData = new boolean[nWells];
        for (int i = 0; i < nWells; i++) {
            hasData[i] = sitesUsed[i] > 0;
        }
        final double[][] looNegatives = new double[negatives.length][];
        for (int k = 0; k < negatives.length; k++) {
            looNegatives[k] = scoreSpace[negatives[k]];
        }
        final ScoreSpace space = ScoreSpace.select(normalized, looNegatives, kept, mad,
            Arrays.stream(negatives).filter(i -> hasData[i]).toArray());
        final double[][] looSelected = new double[nWells][];
        final double[][] selected = new double[nWells][];
        for (int i = 0; i < nWells; i++) {
            looSelected[i] = space.project(scoreSpace[i]);
            selected[i] = space.project(normalized[i]);
        }
        final double[] score = space.activity(looSelected, negatives, hasData);
        // Null distribution from the leave-one-out negative scores.
        final List<Integer> nullWells = new ArrayList<>();
        for (final int j : negatives) {
            if (Double.isFinite(score[j])) {
                nullWells.add(j);
            }
        }
        final NullDistribution nullScores = NullDistribution.of(nullWells.stream().mapToDouble(j -> score[j]).toArray());
        final double[] pValue = new double[nWells];
        for (int i = 0; i < nWells; i++) {
            final int inNull = nullWells.indexOf(i);
            pValue[i] = inNull >= 0 ? nullScores.without(inNull).parametricPValue(score[i])
                : nullScores.parametricPValue(score[i]);
        }

        // Control axis (shrinkage LDA, cross-fitted for the control wells) and each compound's own axis.
        final double[] axisScore = space.controlAxis(selected, negatives, positives, hasData);
        final String[] compoundOf = new String[nWells];
        final Double[] concentrationOf = new Double[nWells];
        final boolean[] treatment = new boolean[nWells];
        for (int i = 0; i < nWells; i++) {
            final PlateMapEntry e = map.get(wells.get(i));
            compoundOf[i] = e.compound();
            concentrationOf[i] = e.concentration();
            treatment[i] = roles[i] == WellRole.TREATMENT;
        }
        final double[] compoundAxis = space.compoundAxis(selected, negatives, compoundOf, concentrationOf, treatment,
            hasData);
        final MeanAveragePrecision.Query[] replicateAp = ReplicateAgreement.wells(selected, compoundOf, treatment,
            negatives, hasData);
        final double zPrime = AssayQuality.zPrime(pick(axisScore, positives), pick(axisScore, negatives));
        final double ssmd = AssayQuality.ssmd(pick(axisScore, positives), pick(axisScore, negatives));

        // Cytotoxicity against the negatives' cell count.
        final double negativeCells = RobustStatistics.median(pick(cellCount, negatives));
        final boolean[] cytotoxic = new boolean[nWells];
        for (int i = 0; i < nWells; i++) {
            cytotoxic[i] = sitesUsed[i] > 0 && Double.isFinite(negativeCells)
                && cellCount[i] < params.cytotoxicCellFraction() * negativeCells;
        }

        final boolean isFinal = !run.open() && selection.seen.size() >= run.expectedSites();
        final List<String> flags = new ArrayList<>();
        if (Double.isFinite(zPrime) && zPrime < Z_PRIME_THRESHOLD) {
            flags.add(LOW_Z_PRIME);
        }
        if (negatives.length < MIN_NEGATIVE_CONTROLS) {
            flags.add(FEW_NEGATIVE_CONTROLS);
        }
        if (positives.length == 0) {
            flags.add(NO_POSITIVE_CONTROLS);
        }
        addSiteFlags(flags, selection, outsideMap);
        if (edgeEffect(run, wells, negatives, score) || edgeEffect(run, wells, negatives, cellCount)) {
            flags.add(EDGE_EFFECT);
        }
        for (int i = 0; i < nWells; i++) {
            if (cytotoxic[i]) {
                flags.add(CYTOTOXIC_WELLS);
                break;
            }
        }

        final List<WellProfile> profiles = new ArrayList<>(nWells);
        final List<WellScore> scores = new ArrayList<>(nWells);
        int wellsWithData = 0;
        for (int i = 0; i < nWells; i++) {
            final WellId w = wells.get(i);
            final PlateMapEntry e = map.get(w);
            if (sitesUsed[i] > 0) {
                wellsWithData++;
            }
            profiles.add(new WellProfile(WellProfile.SCHEMA_VERSION, analysisId, run.experimentId(), run.plateId(),
                run.runId(), w, e.compound(), e.concentration(), e.unit(), e.role(), seenByWell.get(w).size(),
                sitesUsed[i], run.sitesPerWell(), cellCount[i], toMap(features, raw[i]), toMap(features, normalized[i]),
                boxed(score[i]), boxed(pValue[i]), boxed(axisScore[i]), cytotoxic[i], isFinal, updatedAt));
            scores.add(new WellScore(w, e.compound(), e.concentration(), e.unit(), e.role(), boxed(score[i]),
                boxed(pValue[i]), boxed(axisScore[i]), cellCount[i], cytotoxic[i], boxed(compoundAxis[i]),
                replicateAp[i]));
        }
        final int expectedWells = (int) run.plateMap().stream().filter(e -> e.role() != WellRole.EMPTY).count();
        final PlateQc qc = new PlateQc(PlateQc.SCHEMA_VERSION, analysisId, run.experimentId(), run.plateId(),
            run.runId(), boxed(zPrime), boxed(ssmd), wellsWithData, expectedWells, nCells, selection.seen.size(),
            run.expectedSites(), selection.failed, selection.excluded,
            isFinal ? PlateQc.Status.FINAL : PlateQc.Status.RUNNING, List.copyOf(flags), updatedAt);
        final PlateWellScores plateScores = new PlateWellScores(PlateWellScores.SCHEMA_VERSION, analysisId,
            run.experimentId(), run.plateId(), run.runId(), isFinal, scores, params);
        return new PlateScoring(profiles, qc, plateScores);
    }

    /**
     * A running plate's QC without scoring it, for the rescorings between two partial updates: the site counts,
     * cells and wells with data as of now, as {@link #score} would count them; Z', SSMD and the flags that come
     * from the scores (low Z', edge effect, cytotoxic wells) as of {@code lastScored}. One pass over the sites,
     * where a scoring inverts a covariance per control well (0.75 s for a 384-well plate with an embedding on an idle core).
     * The status is FINAL when the plate is complete: the caller then scores it.
     *
     * @param lastScored the plate's previous QC (from a scoring or from this method)
     */
    public static PlateQc progress(final PlateRun run, final String analysisId, final ScoringParameters params,
                                   final Collection<SiteFeatures> sites, final PlateQc lastScored, final Instant now) {
        Objects.requireNonNull(lastScored, "lastScored");
        final SiteSelection selection = SiteSelection.select(run, analysisId, params.outOfFocusRatio(), sites);
        final Map<WellId, WellRole> roles = new HashMap<>();
        for (final PlateMapEntry e : run.plateMap()) {
            roles.put(e.well(), e.role());
        }
        boolean outsideMap = false;
        for (final SiteFeatures s : selection.seen) {
            outsideMap |= !roles.containsKey(s.well());
        }
        final TreeSet<WellId> wellsWithData = new TreeSet<>();
        long nCells = 0;
        for (final SiteFeatures s : selection.used) {
            final WellRole role = roles.get(s.well());
            if (role != null && role != WellRole.EMPTY) {
                wellsWithData.add(s.well());
                nCells += s.cellCount();
            }
        }
        // Site flags as of now; score-based ones as of the last scoring. Listed in FLAGS order.
        final Set<String> flags = new HashSet<>(lastScored.flags());
        flags.removeAll(List.of(FAILED_SITES, OUT_OF_FOCUS_SITES, SITES_OUTSIDE_PLATE_MAP));
        addSiteFlags(flags, selection, outsideMap);
        final boolean isFinal = !run.open() && selection.seen.size() >= run.expectedSites();
        return new PlateQc(PlateQc.SCHEMA_VERSION, analysisId, run.experimentId(), run.plateId(), run.runId(),
            lastScored.zPrime(), lastScored.ssmd(), wellsWithData.size(), lastScored.nWellsExpected(), nCells,
            selection.seen.size(), run.expectedSites(), selection.failed, selection.excluded,
            isFinal ? PlateQc.Status.FINAL : PlateQc.Status.RUNNING,
            FLAGS.stream().filter(flags::contains).toList(), now.toString());
    }

    /** The flags that come from the sites alone, not from the scores. */
    private static void addSiteFlags(final Collection<String> flags, final SiteSelection selection,
                                     final boolean outsideMap) {
        if (selection.failed > 0) {
            flags.add(FAILED_SITES);
        }
        if (selection.excluded > 0) {
            flags.add(OUT_OF_FOCUS_SITES);
        }
        if (outsideMap) {
            flags.add(SITES_OUTSIDE_PLATE_MAP);
        }
    }

    private static int[] indexes(final WellRole[] roles, final int[] sitesUsed, final WellRole role) {
        final List<Integer> out = new ArrayList<>();
        for (int i = 0; i < roles.length; i++) {
            if (roles[i] == role && sitesUsed[i] > 0) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Values of feature f in the given wells, leaving out well {@code skip} (-1 for none). */
    private static double[] column(final double[][] raw, final int[] rows, final int f, final int skip) {
        final double[] out = new double[rows.length];
        int n = 0;
        for (final int r : rows) {
            if (r != skip) {
                out[n++] = raw[r][f];
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static boolean variesAnywhere(final double[][] raw, final int f) {
        double first = Double.NaN;
        for (final double[] row : raw) {
            final double v = row[f];
            if (Double.isFinite(v)) {
                if (Double.isNaN(first)) {
                    first = v;
                } else if (v != first) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<double[]> vectors(final double[][] normalized, final int[] rows, final int skip) {
        final List<double[]> out = new ArrayList<>();
        for (final int r : rows) {
            if (r != skip) {
                out.add(normalized[r]);
            }
        }
        return out;
    }

    private static double[] pick(final double[] values, final int[] rows) {
        return Arrays.stream(rows).mapToDouble(r -> values[r]).filter(Double::isFinite).toArray();
    }

    /** Two-sided Mann-Whitney U of edge against interior negative controls, at {@link #EDGE_ALPHA}. */
    private static boolean edgeEffect(final PlateRun run, final List<WellId> wells, final int[] negatives,
                                      final double[] values) {
        if (run.layout() == null) {
            return false;
        }
        final List<Double> edge = new ArrayList<>();
        final List<Double> interior = new ArrayList<>();
        for (final int j : negatives) {
            if (Double.isFinite(values[j])) {
                (wells.get(j).isEdge(run.layout()) ? edge : interior).add(values[j]);
            }
        }
        if (edge.size() < 3 || interior.size() < 3) {
            return false;
        }
        final double p = new MannWhitneyUTest().mannWhitneyUTest(
            edge.stream().mapToDouble(Double::doubleValue).toArray(),
            interior.stream().mapToDouble(Double::doubleValue).toArray());
        return p < EDGE_ALPHA;
    }

    /**
     * A site's values for the well profile: its features and, with a model, each embedding dimension as a feature
     * {@code embedding_000...} (the per-site median over cells), normalized and scored like any other.
     */
    static Map<String, Double> profileValues(final SiteFeatures site) {
        if (site.embedding().isEmpty()) {
            return site.features();
        }
        final Map<String, Double> out = new HashMap<>(site.features());
        for (int d = 0; d < site.embedding().size(); d++) {
            out.put(String.format(Locale.ROOT, EMBEDDING_FEATURE, d), site.embedding().get(d));
        }
        return out;
    }

    private static Map<String, Double> toMap(final String[] names, final double[] values) {
        final Map<String, Double> out = new LinkedHashMap<>();
        for (int f = 0; f < names.length; f++) {
            if (Double.isFinite(values[f])) {
                out.put(names[f], values[f]);
            }
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    static Double boxed(final double v) {
        return Double.isFinite(v) ? v : null;
    }
}
