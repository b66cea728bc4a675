package io.phenostream.sink.api;

import io.phenostream.sink.Csv;
import io.phenostream.sink.WellProfileRow;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * CSV exports of the API, in the same conventions as {@link io.phenostream.sink.ResultFiles} (RFC 4180, numbers
 * with {@code Double.toString}, empty for null).
 */
public final class Exports {

    static final List<String> HITS_HEADER = List.of("compound", "rank", "score", "p_value", "q_value", "hit", "ec50",
        "hill", "top", "bottom", "max_effect", "fit_status", "n_wells", "final", "replicate_map",
        "replicate_map_p_value", "replicate_map_q_value", "roles", "cytotoxic_wells", "analysis_id");

    /** Leading columns of the profile exports; a feature with one of these names is exported as feature_NAME. */
    static final List<String> PROFILE_FIXED = List.of("plate", "run", "well", "compound", "concentration", "unit",
        "role");

    private Exports() {
    }

    public static String hitsCsv(final HitPage page) {
        final StringBuilder sb = new StringBuilder(Csv.line(HITS_HEADER));
        for (final Hit h : page.hits()) {
            sb.append(Csv.line(List.of(Csv.text(h.compound()), Integer.toString(h.rank()), Csv.number(h.score()),
                Csv.number(h.pValue()), Csv.number(h.qValue()), Boolean.toString(h.hit()), Csv.number(h.ec50()),
                Csv.number(h.hill()), Csv.number(h.top()), Csv.number(h.bottom()), Csv.number(h.maxEffect()),
                Csv.text(h.fitStatus()), Integer.toString(h.nWells()), Boolean.toString(h.finalResult()),
                Csv.number(h.replicateMap()), Csv.number(h.replicateMapPValue()), Csv.number(h.replicateMapQValue()),
                Csv.text(String.join(";", h.roles())), Integer.toString(h.cytotoxicWells()),
                Csv.text(page.analysisId()))));
        }
        return sb.toString();
    }

    /** The sorted union of the normalized feature names of the rows: the profile columns of both exports. */
    public static List<String> featureColumns(final List<WellProfileRow> rows) {
        final TreeSet<String> features = new TreeSet<>();
        rows.forEach(r -> features.addAll(r.normalized().keySet()));
        return List.copyOf(features);
    }

    /** The export column of a feature: its name, or {@code feature_<name>} where it would clash with a fixed one. */
    public static String featureColumn(final String feature) {
        return PROFILE_FIXED.contains(feature) ? "feature_" + feature : feature;
    }

    public static String profilesCsv(final List<WellProfileRow> rows) {
        final List<String> features = featureColumns(rows);
        final List<String> header = new ArrayList<>(PROFILE_FIXED);
        features.forEach(f -> header.add(Csv.text(featureColumn(f))));
        final StringBuilder sb = new StringBuilder(Csv.line(header));
        for (final WellProfileRow w : rows) {
            final List<String> fields = new ArrayList<>(header.size());
            fields.add(Csv.text(w.plateId()));
            fields.add(Csv.text(w.runId()));
            fields.add(Csv.text(w.well()));
            fields.add(Csv.text(w.compound()));
            fields.add(Csv.number(w.concentration()));
            fields.add(Csv.text(w.unit()));
            fields.add(Csv.text(w.role()));
            for (final String f : features) {
                fields.add(Csv.number(w.normalized().get(f)));
            }
            sb.append(Csv.line(fields));
        }
        return sb.toString();
    }
}
