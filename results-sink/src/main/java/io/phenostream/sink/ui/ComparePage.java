package io.phenostream.sink.ui;

import static io.phenostream.sink.ui.Html.esc;
import static io.phenostream.sink.ui.Html.fixed;
import static io.phenostream.sink.ui.Html.link;
import static io.phenostream.sink.ui.Html.num;
import static io.phenostream.sink.ui.Html.path;
import static io.phenostream.sink.ui.Html.url;

import io.phenostream.sink.AnalysisRow;
import io.phenostream.sink.api.AnalysisComparison;
import io.phenostream.sink.api.CompoundChange;
import io.phenostream.sink.api.CompoundComparison;
import io.phenostream.sink.api.ComparisonReport;
import io.phenostream.sink.api.ComparisonSummary;
import io.phenostream.sink.api.PlateComparison;
import io.phenostream.sink.api.QueryParams;
import io.phenostream.sink.api.ResultsQueries;
import io.phenostream.sink.api.SpecDifference;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /experiments/{e}/compare?a=A&b=B}: how analysis B (a replay with a new model or parameters) differs from
 * A: the settings that differ, the rank correlation and hit counts, a score scatter, the hits gained and lost,
 * compounds scored by one analysis only, and per-plate Z' / SSMD side by side. Also the small form the experiment
 * page shows when it has two or more analyses.
 */
public final class ComparePage {

    /** Rows shown per compound table; the CSV has them all. */
    static final int MAX_ROWS = 500;

    private final ResultsQueries queries;
    private final AnalysisComparison comparison;

    public ComparePage(final ResultsQueries queries) {
        this.queries = queries;
        this.comparison = new AnalysisComparison(queries);
    }

    public String render(final String e, final QueryParams q) {
        final ComparisonReport r = comparison.compare(e, q.text("a").orElse(null), q.text("b").orElse(null));
        final ComparisonSummary s = r.summary();
        final Map<String, String> ab = ab(r.analysisA(), r.analysisB());
        final StringBuilder b = new StringBuilder("<h1>Compare analyses <span class=\"muted\">experiment ")
            .append(link(path("experiments", e), e)).append("</span></h1>");
        b.append("<p>A (baseline): ").append(link(url(path("experiments", e), Map.of("analysis", r.analysisA())),
                r.analysisA())).append(" &nbsp; B: ").append(link(url(path("experiments", e),
                Map.of("analysis", r.analysisB())), r.analysisB())).append(". Exports: ")
            .append(link(url(path("api", "experiments", e, "compare.csv"), ab), "compare.csv")).append(", ")
            .append(link(url(path("api", "experiments", e, "compare"), ab), "JSON")).append("</p>");
        b.append(specTable(r));
        b.append("<h2>Summary</h2><table class=\"summary\"><tr><th>compounds A</th><th>compounds B</th>"
            + "<th>in both</th><th>n (scores in both)</th><th>Spearman ρ</th><th>Kendall τ-b</th><th>hits A</th>"
            + "<th>hits B</th><th>kept</th><th>gained</th><th>lost</th><th>only A</th><th>only B</th></tr><tr><td>")
            .append(s.compoundsA()).append("</td><td>").append(s.compoundsB()).append("</td><td>")
            .append(s.compoundsInBoth()).append("</td><td>").append(s.n()).append("</td><td class=\"spearman\">")
            .append(fixed(s.spearman(), 4)).append("</td><td>").append(fixed(s.kendallTauB(), 4)).append("</td><td>")
            .append(s.hitsA()).append("</td><td>").append(s.hitsB()).append("</td><td>").append(s.kept())
            .append("</td><td>").append(s.gained()).append("</td><td>").append(s.lost()).append("</td><td>")
            .append(s.onlyA()).append("</td><td>").append(s.onlyB()).append("</td></tr></table>");
        b.append("<p class=\"muted\">Rank correlations of the compound scores over the compounds scored in both "
            + "analyses (tied scores share their average rank). A hit is the analysis' own call (q below its FDR)."
            + "</p>");
        b.append("<h2>Scores, A against B</h2>").append("<div class=\"figs\"><figure><figcaption>")
            .append(esc("Compound score (orange: hit in both, green: gained, red: lost, grey: neither; dashed: "
                + "same score)")).append("</figcaption>")
            .append(ScoreScatterPlot.svg(r.compounds(), r.analysisA(), r.analysisB())).append("</figure></div>");
        b.append("<h2>Hits gained (hit in B, not in A)</h2>").append(compoundTable(e, r.gained(), r.analysisB()));
        b.append("<h2>Hits lost (hit in A, not in B)</h2>").append(compoundTable(e, r.lost(), r.analysisA()));
        final List<CompoundComparison> onlyA = r.withChange(CompoundChange.ONLY_A);
        final List<CompoundComparison> onlyB = r.withChange(CompoundChange.ONLY_B);
        if (!onlyA.isEmpty() || !onlyB.isEmpty()) {
            b.append("<h2>Scored in one analysis only</h2>");
            b.append("<h3>Only in A</h3>").append(compoundTable(e, onlyA, r.analysisA()));
            b.append("<h3>Only in B</h3>").append(compoundTable(e, onlyB, r.analysisB()));
        }
        b.append("<h2>Plate QC, A and B</h2>").append(plateTable(e, r));
        b.append("<h2>Compare other analyses</h2>").append(form(e, queries.analyses(e), r.analysisA(),
            r.analysisB()));
        return Html.page("Compare " + r.analysisA() + " and " + r.analysisB(), b.toString());
    }

    /**
     * The experiment page's form to compare two of its analyses: A defaults to the second most recent, B to the
     * most recent (a replay against the analysis it re-runs). Empty with fewer than two analyses.
     */
    public static String form(final String e, final List<AnalysisRow> analyses) {
        if (analyses.size() < 2) {
            return "";
        }
        return form(e, analyses, analyses.get(1).analysisId(), analyses.get(0).analysisId());
    }

    static String form(final String e, final List<AnalysisRow> analyses, final String a, final String b) {
        final StringBuilder sb = new StringBuilder("<form class=\"filters compare\" method=\"get\" action=\"")
            .append(esc(path("experiments", e, "compare"))).append("\">");
        sb.append(select("compare A", "a", analyses, a)).append(select("with B", "b", analyses, b));
        return sb.append("<button type=\"submit\">Compare</button></form>").toString();
    }

    private static String select(final String label, final String name, final List<AnalysisRow> analyses,
                                 final String current) {
        final StringBuilder sb = new StringBuilder("<label>").append(esc(label)).append("<select name=\"")
            .append(name).append("\">");
        for (final AnalysisRow r : analyses) {
            sb.append("<option value=\"").append(esc(r.analysisId())).append('"')
                .append(r.analysisId().equals(current) ? " selected" : "").append('>').append(esc(r.analysisId()))
                .append("</option>");
        }
        return sb.append("</select></label>").toString();
    }

    private static Map<String, String> ab(final String a, final String b) {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put("a", a);
        m.put("b", b);
        return m;
    }

    private static String specTable(final ComparisonReport r) {
        if (r.specA() == null || r.specB() == null) {
            return "<p class=\"muted\">The spec (model, parameters) of " + (r.specA() == null ? "A" : "B")
                + " is not known yet: it arrives with the extractor's site records.</p>";
        }
        if (r.specDifferences().isEmpty()) {
            return "<p class=\"muted\">Both analyses have the same model and parameters.</p>";
        }
        final StringBuilder b = new StringBuilder("<h2>What differs</h2><table class=\"spec\"><tr>"
            + "<th class=\"t\">setting</th><th class=\"t\">A</th><th class=\"t\">B</th></tr>");
        for (final SpecDifference d : r.specDifferences()) {
            b.append("<tr><td class=\"t\">").append(esc(d.setting())).append("</td><td class=\"t\">")
                .append(d.a() == null ? "–" : esc(d.a())).append("</td><td class=\"t\">")
                .append(d.b() == null ? "–" : esc(d.b())).append("</td></tr>");
        }
        return b.append("</table>").toString();
    }

    /** @param linkAnalysis the analysis whose compound page each name links to */
    private static String compoundTable(final String e, final List<CompoundComparison> rows,
                                        final String linkAnalysis) {
        if (rows.isEmpty()) {
            return "<p class=\"muted\">None.</p>";
        }
        final StringBuilder b = new StringBuilder("<table class=\"compounds\"><tr><th class=\"t\">compound</th>"
            + "<th>rank A</th><th>rank B</th><th>score A</th><th>score B</th><th>q A</th><th>q B</th></tr>");
        for (final CompoundComparison c : rows.subList(0, Math.min(MAX_ROWS, rows.size()))) {
            b.append("<tr><td class=\"t\">").append(link(url(path("experiments", e, "compounds", c.compound()),
                    Map.of("analysis", linkAnalysis)), c.compound())).append("</td><td>").append(rank(c.rankA()))
                .append("</td><td>").append(rank(c.rankB())).append("</td><td>").append(num(c.scoreA()))
                .append("</td><td>").append(num(c.scoreB())).append("</td><td>").append(num(c.qA()))
                .append("</td><td>").append(num(c.qB())).append("</td></tr>");
        }
        b.append("</table>");
        if (rows.size() > MAX_ROWS) {
            b.append("<p class=\"muted\">First ").append(MAX_ROWS).append(" of ").append(rows.size())
                .append("; compare.csv has them all.</p>");
        }
        return b.toString();
    }

    private static String plateTable(final String e, final ComparisonReport r) {
        final List<PlateComparison> plates = r.plates();
        if (plates.isEmpty()) {
            return "<p class=\"muted\">No plate QC in either analysis.</p>";
        }
        final StringBuilder b = new StringBuilder("<table class=\"plates\"><tr><th class=\"t\">plate</th>"
            + "<th class=\"t\">run</th><th>Z' A</th><th>Z' B</th><th>Δ Z'</th><th>SSMD A</th><th>SSMD B</th>"
            + "<th>Δ SSMD</th><th class=\"t\">status A</th><th class=\"t\">status B</th></tr>");
        for (final PlateComparison p : plates) {
            final Map<String, String> m = new LinkedHashMap<>();
            m.put("analysis", p.statusB() != null ? r.analysisB() : r.analysisA());
            m.put("run", p.runId());
            b.append("<tr><td class=\"t\">").append(link(url(path("experiments", e, "plates", p.plateId()), m),
                    p.plateId())).append("</td><td class=\"t\">")
                .append(esc(p.runId())).append("</td><td>").append(fixed(p.zPrimeA(), 3)).append("</td><td>")
                .append(fixed(p.zPrimeB(), 3)).append("</td><td>").append(signed(p.zPrimeDelta())).append("</td><td>")
                .append(fixed(p.ssmdA(), 2)).append("</td><td>").append(fixed(p.ssmdB(), 2)).append("</td><td>")
                .append(signed(p.ssmdDelta())).append("</td><td class=\"t\">")
                .append(p.statusA() == null ? "–" : esc(p.statusA())).append("</td><td class=\"t\">")
                .append(p.statusB() == null ? "–" : esc(p.statusB())).append("</td></tr>");
        }
        return b.append("</table>").toString();
    }

    private static String rank(final Integer rank) {
        return rank == null ? "–" : rank.toString();
    }

    private static String signed(final Double v) {
        return v == null || !Double.isFinite(v) ? "–" : (v > 0 ? "+" : "") + fixed(v, 3);
    }
}
