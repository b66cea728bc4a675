package io.phenostream.sink.api;

import io.phenostream.sink.Csv;
import java.util.List;

/**
 * The per-compound CSV of a comparison (API {@code compare.csv} and {@code screen compare --format csv}): one row
 * per compound scored in A or B, in {@link ComparisonReport#compounds()} order, in {@link Exports}' conventions
 * (RFC 4180, {@code Double.toString}, empty for null; hit_a / hit_b empty where that analysis has no score).
 */
public final class ComparisonCsv {

    public static final List<String> HEADER = List.of("compound", "rank_a", "rank_b", "score_a", "score_b", "q_a",
        "q_b", "hit_a", "hit_b", "change");

    private ComparisonCsv() {
    }

    public static String compounds(final ComparisonReport report) {
        final StringBuilder sb = new StringBuilder(Csv.line(HEADER));
        for (final CompoundComparison c : report.compounds()) {
            sb.append(Csv.line(List.of(Csv.text(c.compound()), text(c.rankA()), text(c.rankB()), Csv.number(c.scoreA()),
                Csv.number(c.scoreB()), Csv.number(c.qA()), Csv.number(c.qB()), text(c.hitA()), text(c.hitB()),
                c.change().label())));
        }
        return sb.toString();
    }

    private static String text(final Object v) {
        return v == null ? "" : v.toString();
    }
}
