package io.phenostream.sink.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.phenostream.common.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How analysis B of an experiment differs from analysis A: rank correlation of the compound scores, hit calls
 * gained and lost, every compound side by side, per-plate Z' and SSMD, and the spec settings that differ. Built
 * from plain rows by {@link #build}, so the arithmetic is tested without a database.
 *
 * @param compounds every compound scored in A or B: by rank in B, then (scored in A only) by rank in A
 * @param plates    every plate run with QC in A or B, by plate then run
 */
public record ComparisonReport(String experimentId, String analysisA, String analysisB, JsonNode specA,
                               JsonNode specB, List<SpecDifference> specDifferences, ComparisonSummary summary,
                               List<PlateComparison> plates, List<CompoundComparison> compounds) {

    private static final Comparator<Integer> RANK = Comparator.nullsLast(Comparator.naturalOrder());

    static final Comparator<CompoundComparison> ORDER = Comparator.comparing(CompoundComparison::rankB, RANK)
        .thenComparing(CompoundComparison::rankA, RANK).thenComparing(CompoundComparison::compound);

    /** Hit in B, not in A, by rank in B. */
    @JsonProperty("gained")
    public List<CompoundComparison> gained() {
        return compounds.stream().filter(c -> c.change() == CompoundChange.GAINED).toList();
    }

    /** Hit in A, not in B, by rank in A. */
    @JsonProperty("lost")
    public List<CompoundComparison> lost() {
        return compounds.stream().filter(c -> c.change() == CompoundChange.LOST)
            .sorted(Comparator.comparing(CompoundComparison::rankA, RANK)).toList();
    }

    /** Compounds with the given change, in {@link #compounds} order. */
    public List<CompoundComparison> withChange(final CompoundChange change) {
        return compounds.stream().filter(c -> c.change() == change).toList();
    }

    /**
     * @param specJsonA the AnalysisSpec JSON of A (null when unknown); the same for B
     */
    public static ComparisonReport build(final String experimentId, final String analysisA, final String analysisB,
                                         final String specJsonA, final String specJsonB,
                                         final List<ScoredCompound> scoresA, final List<ScoredCompound> scoresB,
                                         final List<PlateSummary> platesA, final List<PlateSummary> platesB) {
        final Map<String, ScoredCompound> a = byCompound(scoresA, analysisA);
        final Map<String, ScoredCompound> b = byCompound(scoresB, analysisB);
        final TreeSet<String> names = new TreeSet<>(a.keySet());
        names.addAll(b.keySet());
        final List<CompoundComparison> compounds = new ArrayList<>(names.size());
        final List<double[]> pairs = new ArrayList<>();
        for (final String name : names) {
            final CompoundComparison c = CompoundComparison.of(a.get(name), b.get(name));
            compounds.add(c);
            if (finite(c.scoreA()) && finite(c.scoreB())) {
                pairs.add(new double[] {c.scoreA(), c.scoreB()});
            }
        }
        compounds.sort(ORDER);
        final double[] x = new double[pairs.size()];
        final double[] y = new double[pairs.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = pairs.get(i)[0];
            y[i] = pairs.get(i)[1];
        }
        final int[] counts = new int[CompoundChange.values().length];
        compounds.forEach(c -> counts[c.change().ordinal()]++);
        final int hitsA = (int) scoresA.stream().filter(ScoredCompound::hit).count();
        final int hitsB = (int) scoresB.stream().filter(ScoredCompound::hit).count();
        final ComparisonSummary summary = new ComparisonSummary(a.size(), b.size(),
            names.size() - counts[CompoundChange.ONLY_A.ordinal()] - counts[CompoundChange.ONLY_B.ordinal()],
            x.length, orNull(RankCorrelation.spearman(x, y)), orNull(RankCorrelation.kendallTauB(x, y)), hitsA, hitsB,
            counts[CompoundChange.KEPT.ordinal()], counts[CompoundChange.GAINED.ordinal()],
            counts[CompoundChange.LOST.ordinal()], counts[CompoundChange.ONLY_A.ordinal()],
            counts[CompoundChange.ONLY_B.ordinal()]);
        final JsonNode specA = parse(specJsonA);
        final JsonNode specB = parse(specJsonB);
        return new ComparisonReport(experimentId, analysisA, analysisB, specA, specB, specDifferences(specA, specB),
            summary, plates(platesA, platesB), List.copyOf(compounds));
    }

    private static Map<String, ScoredCompound> byCompound(final List<ScoredCompound> rows, final String analysis) {
        final Map<String, ScoredCompound> out = new LinkedHashMap<>();
        for (final ScoredCompound r : rows) {
            if (out.put(r.compound(), r) != null) {
                throw new IllegalArgumentException("compound '" + r.compound() + "' twice in analysis " + analysis);
            }
        }
        return out;
    }

    private static List<PlateComparison> plates(final List<PlateSummary> platesA, final List<PlateSummary> platesB) {
        final TreeMap<List<String>, PlateSummary[]> runs = new TreeMap<>(Comparator
            .comparing((List<String> k) -> k.get(0)).thenComparing(k -> k.get(1)));
        platesA.forEach(p -> runs.computeIfAbsent(List.of(p.plateId(), p.runId()), k -> new PlateSummary[2])[0] = p);
        platesB.forEach(p -> runs.computeIfAbsent(List.of(p.plateId(), p.runId()), k -> new PlateSummary[2])[1] = p);
        final List<PlateComparison> out = new ArrayList<>(runs.size());
        runs.forEach((k, v) -> out.add(PlateComparison.of(k.get(0), k.get(1), v[0], v[1])));
        return List.copyOf(out);
    }

    /** Leaf settings whose values differ, by dotted path; an empty list when either spec is unknown. */
    static List<SpecDifference> specDifferences(final JsonNode a, final JsonNode b) {
        if (a == null || b == null) {
            return List.of();
        }
        final Map<String, String> fa = new TreeMap<>();
        final Map<String, String> fb = new TreeMap<>();
        flatten("", a, fa);
        flatten("", b, fb);
        final TreeSet<String> keys = new TreeSet<>(fa.keySet());
        keys.addAll(fb.keySet());
        final List<SpecDifference> out = new ArrayList<>();
        for (final String k : keys) {
            if (!Objects.equals(fa.get(k), fb.get(k))) {
                out.add(new SpecDifference(k, fa.get(k), fb.get(k)));
            }
        }
        return List.copyOf(out);
    }

    private static void flatten(final String prefix, final JsonNode node, final Map<String, String> out) {
        if (node.isObject()) {
            for (final Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                final Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else {
            out.put(prefix, node.isValueNode() ? node.asText() : node.toString());
        }
    }

    private static JsonNode parse(final String json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(json);
        } catch (final IOException e) {
            return null;
        }
    }

    private static boolean finite(final Double v) {
        return v != null && Double.isFinite(v);
    }

    private static Double orNull(final double v) {
        return Double.isFinite(v) ? v : null;
    }
}
