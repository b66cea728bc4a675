package io.phenostream.sink.api;

import io.phenostream.sink.AnalysisRow;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The reads behind {@code compare}: both analyses' compound scores and plate QC for one experiment, on the
 * read-only data source of {@link ResultsQueries}, turned into a {@link ComparisonReport}. 400 when an analysis id
 * is missing or malformed, 404 when the experiment is unknown or an analysis has no results in it.
 */
public final class AnalysisComparison {

    // Every compound of the analysis, not a page: the correlation needs all of them.
    private static final String SCORES = "SELECT compound, rank, score, q_value, hit FROM compound_scores "
        + "WHERE experiment_id = ? AND analysis_id = ? ORDER BY rank, compound";

    private final ResultsQueries queries;

    public AnalysisComparison(final ResultsQueries queries) {
        this.queries = Objects.requireNonNull(queries, "queries");
    }

    /** @param analysisA the baseline; {@code analysisB} the analysis compared with it */
    public ComparisonReport compare(final String experimentId, final String analysisA, final String analysisB) {
        final String a = required("a", analysisA);
        final String b = required("b", analysisB);
        final List<AnalysisRow> analyses = queries.analyses(experimentId);
        requireAnalysis(experimentId, analyses, a);
        requireAnalysis(experimentId, analyses, b);
        return ComparisonReport.build(experimentId, a, b, spec(analyses, a), spec(analyses, b),
            scores(experimentId, a), scores(experimentId, b), queries.plates(experimentId, a),
            queries.plates(experimentId, b));
    }

    private static String required(final String name, final String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("parameter '" + name + "' (an analysis id of the experiment) is required");
        }
        return QueryParams.checkedText(name, value.trim());
    }

    private static void requireAnalysis(final String experimentId, final List<AnalysisRow> analyses,
                                        final String analysis) {
        if (analyses.stream().noneMatch(r -> r.analysisId().equals(analysis))) {
            throw ApiException.notFound("analysis '" + analysis + "' has no results in experiment '" + experimentId
                + "'");
        }
    }

    private static String spec(final List<AnalysisRow> analyses, final String analysis) {
        // null until a site-features record carrying the spec has been written (Stream.map would throw on it)
        return analyses.stream().filter(r -> r.analysisId().equals(analysis)).findFirst().map(AnalysisRow::specJson)
            .orElse(null);
    }

    private List<ScoredCompound> scores(final String experimentId, final String analysis) {
        return queries.query("compound scores of " + experimentId + " / " + analysis, c -> {
            final List<ScoredCompound> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(SCORES)) {
                ps.setString(1, experimentId);
                ps.setString(2, analysis);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new ScoredCompound(rs.getString("compound"), rs.getInt("rank"),
                            ResultsQueries.dbl(rs, "score"), ResultsQueries.dbl(rs, "q_value"), rs.getBoolean("hit")));
                    }
                }
            }
            return out;
        });
    }
}
