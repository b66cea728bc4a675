package io.phenostream.sink.ui;

import static io.phenostream.sink.ui.Html.esc;
import static io.phenostream.sink.ui.Html.fixed;
import static io.phenostream.sink.ui.Html.link;
import static io.phenostream.sink.ui.Html.num;
import static io.phenostream.sink.ui.Html.path;
import static io.phenostream.sink.ui.Html.url;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.domain.WellRole;
import io.phenostream.common.events.ImageRef;
import io.phenostream.sink.AnalysisRow;
import io.phenostream.sink.ExperimentRow;
import io.phenostream.sink.WellScoreRow;
import io.phenostream.sink.api.ApiException;
import io.phenostream.sink.api.CompoundDetail;
import io.phenostream.sink.api.ExperimentSummary;
import io.phenostream.sink.api.Hit;
import io.phenostream.sink.api.HitPage;
import io.phenostream.sink.api.HitQuery;
import io.phenostream.sink.api.PlateSummary;
import io.phenostream.sink.api.QueryParams;
import io.phenostream.sink.api.Reply;
import io.phenostream.sink.api.ResultsQueries;
import io.phenostream.sink.api.SiteDetail;
import io.phenostream.sink.api.WellDetail;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The web UI for scientists, rendered on the server (HTML + inline SVG, no script):
 * <pre>
 * /                                              latest experiment's ranked hits, experiment list, running plates
 * /experiments/{e}                               hit list (filter + sort + pages), plates with QC and progress
 * /experiments/{e}/plates/{p}                    plate QC with heatmaps (score, control-axis score, cell count)
 * /experiments/{e}/compounds/{c}                 compound detail with its dose-response curve and wells
 * /experiments/{e}/plates/{p}/wells/{w}          well detail: scores, sites, QC, image thumbnails
 * /experiments/{e}/compare?a=A&amp;b=B             analysis B against A ({@link ComparePage})
 * </pre>
 * Query parameters are the API's ({@code analysis}, {@code run}, the {@link HitQuery} filters).
 */
public final class ResultsPages {

    private static final int START_HITS = 25;

    private final ResultsQueries queries;
    private final boolean thumbnails;
    private final ComparePage comparePage;

    public ResultsPages(final ResultsQueries queries, final boolean thumbnails) {
        this.queries = queries;
        this.thumbnails = thumbnails;
        this.comparePage = new ComparePage(queries);
    }

    public Reply route(final List<String> s, final QueryParams q) {
        if (s.isEmpty()) {
            return html(start());
        }
        if (s.get(0).equals("experiments") && s.size() >= 2) {
            final String e = s.get(1);
            if (s.size() == 2) {
                return html(experiment(e, q));
            }
            if (s.size() == 3 && s.get(2).equals("compare")) {
                return html(comparePage.render(e, q));
            }
            if (s.size() == 4 && s.get(2).equals("compounds")) {
                return html(compound(e, s.get(3), q));
            }
            if (s.size() == 4 && s.get(2).equals("plates")) {
                return html(plate(e, s.get(3), q));
            }
            if (s.size() == 6 && s.get(2).equals("plates") && s.get(4).equals("wells")) {
                return html(well(e, s.get(3), s.get(5), q));
            }
        }
        throw ApiException.notFound("no page " + path(s.toArray(String[]::new)));
    }

    public Reply error(final int status, final String message) {
        final String title = switch (status) {
            case 400 -> "Bad request";
            case 404 -> "Not found";
            case 503 -> "Results database unavailable";
            default -> "Error " + status;
        };
        return Reply.text(status, Reply.HTML, Html.page(title, "<h1>" + esc(title) + "</h1><p class=\"err\">"
            + esc(message) + "</p><p>" + link("/", "Back to the start page") + "</p>"));
    }

    private static Reply html(final String page) {
        return Reply.text(200, Reply.HTML, page);
    }

    // ------------------------------------------------------------------ start page

    private String start() {
        final List<ExperimentSummary> experiments = queries.experiments();
        final StringBuilder b = new StringBuilder("<h1>PhenoStream results</h1>");
        final Optional<ExperimentRow> latest = queries.latestExperiment();
        if (latest.isEmpty()) {
            b.append("<p>No experiments yet. Push a plate (<code>./screen demo</code> or <code>./screen run</code>)"
                + " and its results appear here.</p>");
            return Html.page("Results", b.toString());
        }
        final String e = latest.get().experimentId();
        b.append("<h2>Latest experiment: ").append(link(path("experiments", e), e)).append("</h2>");
        try {
            final HitPage page = queries.hits(e, new HitQuery(null, null, null, null, null, "rank", false, START_HITS,
                0));
            b.append("<p class=\"muted\">Analysis ").append(esc(page.analysisId())).append(", top ")
                .append(page.hits().size()).append(" of ").append(page.total()).append(" compounds by rank. ")
                .append(link(path("experiments", e), "Full hit list, filters and plates")).append("</p>");
            b.append(hitTable(e, page, null));
        } catch (final ApiException notScored) {
            b.append("<p>").append(esc(notScored.getMessage())).append("</p>");
        }
        b.append(runningPlates(experiments));
        b.append("<h2>Experiments</h2><table><tr><th class=\"t\">experiment</th><th>plates</th><th>analyses</th>"
            + "<th class=\"t\">latest analysis</th><th class=\"t\">last update</th></tr>");
        for (final ExperimentSummary x : experiments) {
            b.append("<tr><td class=\"t\">").append(link(path("experiments", x.experimentId()), x.experimentId()))
                .append("</td><td>").append(x.plates()).append("</td><td>").append(x.analyses())
                .append("</td><td class=\"t\">").append(esc(x.latestAnalysisId() == null ? "–" : x.latestAnalysisId()))
                .append("</td><td class=\"t\">").append(esc(x.updatedAt())).append("</td></tr>");
        }
        b.append("</table>");
        return Html.page("Results", b.toString());
    }

    private String runningPlates(final List<ExperimentSummary> experiments) {
        final StringBuilder rows = new StringBuilder();
        for (final ExperimentSummary x : experiments.subList(0, Math.min(10, experiments.size()))) {
            if (x.latestAnalysisId() == null) {
                continue;
            }
            for (final PlateSummary p : queries.plates(x.experimentId(), x.latestAnalysisId())) {
                if (!"FINAL".equals(p.status())) {
                    rows.append("<tr><td class=\"t\">").append(link(path("experiments", x.experimentId()),
                            x.experimentId())).append("</td><td class=\"t\">")
                        .append(link(plateUrl(x.experimentId(), p.plateId(), p.runId(), null), p.plateId()))
                        .append("</td><td class=\"t\">").append(Html.progress(p.progress(), p.sitesSeen() + " / "
                            + p.sitesExpected() + " sites")).append("</td></tr>");
                }
            }
        }
        if (rows.length() == 0) {
            return "<h2>Plates in progress</h2><p class=\"muted\">None: every plate is final.</p>";
        }
        return "<h2>Plates in progress</h2><table><tr><th class=\"t\">experiment</th><th class=\"t\">plate</th>"
            + "<th class=\"t\">sites seen / expected</th></tr>" + rows + "</table>";
    }

    // ------------------------------------------------------------------ experiment: hit list + plates

    private String experiment(final String e, final QueryParams q) {
        final HitQuery hq = HitQuery.from(q);
        final List<AnalysisRow> analyses = queries.analyses(e);
        final HitPage page = queries.hits(e, hq);
        final StringBuilder b = new StringBuilder("<h1>Experiment ").append(esc(e)).append("</h1>");
        b.append("<p>Analysis <b>").append(esc(page.analysisId())).append("</b>");
        if (analyses.size() > 1) {
            b.append(" (").append(analyses.size()).append(" analyses: pick one below)");
        }
        b.append(". Exports: ")
            .append(link(url(path("api", "experiments", e, "hits.csv"), filters(q, hq)), "hits.csv")).append(", ")
            .append(link(url(path("api", "experiments", e, "profiles.csv"), Map.of("analysis", page.analysisId())),
                "well profiles CSV")).append(", ")
            .append(link(url(path("api", "experiments", e, "profiles.parquet"), Map.of("analysis",
                page.analysisId())), "well profiles Parquet")).append("</p>");
        b.append(filterForm(e, hq, analyses, page.analysisId()));
        b.append(ComparePage.form(e, analyses));
        b.append("<p class=\"muted\">").append(page.total()).append(" compounds match; showing ")
            .append(page.hits().isEmpty() ? 0 : page.offset() + 1).append("–").append(page.offset()
                + page.hits().size()).append(". Click a column title to sort.</p>");
        b.append(hitTable(e, page, hq));
        b.append(pager(e, q, hq, page));
        b.append("<h2>Plates</h2>").append(plateTable(e, queries.plates(e, page.analysisId()), page.analysisId()));
        return Html.page("Experiment " + e, b.toString());
    }

    private static Map<String, String> filters(final QueryParams q, final HitQuery hq) {
        final Map<String, String> m = new LinkedHashMap<>();
        for (final String k : List.of("analysis", "maxQ", "minScore", "role", "cytotoxic")) {
            q.text(k).ifPresent(v -> m.put(k, v));
        }
        m.put("sort", hq.sort());
        m.put("order", hq.descending() ? "desc" : "asc");
        return m;
    }

    private static String filterForm(final String e, final HitQuery hq, final List<AnalysisRow> analyses,
                                     final String current) {
        final StringBuilder b = new StringBuilder("<form class=\"filters\" method=\"get\" action=\"")
            .append(esc(path("experiments", e))).append("\">");
        b.append("<label>analysis<select name=\"analysis\">");
        for (final AnalysisRow a : analyses) {
            b.append("<option value=\"").append(esc(a.analysisId())).append('"')
                .append(a.analysisId().equals(current) ? " selected" : "").append('>').append(esc(a.analysisId()))
                .append("</option>");
        }
        b.append("</select></label>");
        b.append(input("max q", "maxQ", hq.maxQ())).append(input("min score", "minScore", hq.minScore()));
        b.append("<label>role<select name=\"role\"><option value=\"\">any</option>");
        for (final WellRole r : WellRole.values()) {
            b.append("<option").append(r.label().equals(hq.role()) ? " selected" : "").append('>')
                .append(esc(r.label())).append("</option>");
        }
        b.append("</select></label><label>cytotoxic<select name=\"cytotoxic\"><option value=\"\">any</option>")
            .append("<option value=\"true\"").append(Boolean.TRUE.equals(hq.cytotoxic()) ? " selected" : "")
            .append(">yes</option><option value=\"false\"").append(Boolean.FALSE.equals(hq.cytotoxic()) ? " selected"
                : "").append(">no</option></select></label>");
        b.append("<input type=\"hidden\" name=\"sort\" value=\"").append(esc(hq.sort())).append("\">")
            .append("<input type=\"hidden\" name=\"order\" value=\"").append(hq.descending() ? "desc" : "asc")
            .append("\"><label>rows<input name=\"limit\" size=\"5\" value=\"").append(hq.limit())
            .append("\"></label><button type=\"submit\">Apply</button></form>");
        return b.toString();
    }

    private static String input(final String label, final String name, final Double value) {
        return "<label>" + esc(label) + "<input name=\"" + name + "\" size=\"7\" value=\""
            + (value == null ? "" : esc(value)) + "\"></label>";
    }

    /** @param hq null: plain headers (start page); else sortable headers keeping the filters */
    private static String hitTable(final String e, final HitPage page, final HitQuery hq) {
        final StringBuilder b = new StringBuilder("<table class=\"hits\"><tr>");
        final String[][] columns = {{"rank", "rank"}, {"compound", "compound"}, {"score", "score"}, {"p", "p"},
            {"q", "q"}, {null, "hit"}, {"ec50", "EC50"}, {null, "hill"}, {"effect", "max effect"}, {null, "wells"},
            {"map", "mAP"}, {null, "mAP q"}, {null, "roles"}, {null, "cytotoxic wells"}};
        for (final String[] c : columns) {
            final String cls = c[1].equals("compound") || c[1].equals("roles") ? " class=\"t\"" : "";
            if (hq == null || c[0] == null) {
                b.append("<th").append(cls).append('>').append(esc(c[1])).append("</th>");
            } else {
                final boolean active = hq.sort().equals(c[0]);
                final Map<String, String> m = new LinkedHashMap<>();
                m.put("analysis", page.analysisId());
                m.put("maxQ", hq.maxQ() == null ? null : Double.toString(hq.maxQ()));
                m.put("minScore", hq.minScore() == null ? null : Double.toString(hq.minScore()));
                m.put("role", hq.role());
                m.put("cytotoxic", hq.cytotoxic() == null ? null : hq.cytotoxic().toString());
                m.put("sort", c[0]);
                if (active) {
                    m.put("order", hq.descending() ? "asc" : "desc");
                }
                m.put("limit", Integer.toString(hq.limit()));
                b.append("<th").append(cls).append('>').append(link(url(path("experiments", e), m), c[1]
                    + (active ? hq.descending() ? " ▼" : " ▲" : ""))).append("</th>");
            }
        }
        b.append("</tr>");
        for (final Hit h : page.hits()) {
            b.append("<tr").append(h.hit() ? " class=\"hit\"" : "").append("><td>").append(h.rank())
                .append("</td><td class=\"t\">").append(link(url(path("experiments", e, "compounds", h.compound()),
                    Map.of("analysis", page.analysisId())), h.compound()))
                .append("</td><td>").append(num(h.score())).append("</td><td>").append(num(h.pValue()))
                .append("</td><td>").append(num(h.qValue())).append("</td><td>").append(h.hit() ? "yes" : "")
                .append("</td><td>").append(num(h.ec50())).append("</td><td>").append(num(h.hill()))
                .append("</td><td>").append(num(h.maxEffect())).append("</td><td>").append(h.nWells())
                .append("</td><td>").append(fixed(h.replicateMap(), 3)).append("</td><td>")
                .append(num(h.replicateMapQValue())).append("</td><td class=\"t\">")
                .append(esc(String.join(", ", h.roles()))).append("</td><td>").append(h.cytotoxicWells())
                .append("</td></tr>");
        }
        return b.append("</table>").toString();
    }

    private static String pager(final String e, final QueryParams q, final HitQuery hq, final HitPage page) {
        final StringBuilder b = new StringBuilder("<p>");
        final Map<String, String> m = filters(q, hq);
        m.put("limit", Integer.toString(hq.limit()));
        if (hq.offset() > 0) {
            m.put("offset", Integer.toString(Math.max(0, hq.offset() - hq.limit())));
            b.append(link(url(path("experiments", e), m), "« previous")).append(' ');
        }
        if (hq.offset() + page.hits().size() < page.total()) {
            m.put("offset", Integer.toString(hq.offset() + hq.limit()));
            b.append(link(url(path("experiments", e), m), "next »"));
        }
        return b.append("</p>").toString();
    }

    private static String plateTable(final String e, final List<PlateSummary> plates, final String analysis) {
        if (plates.isEmpty()) {
            return "<p class=\"muted\">No plate QC yet.</p>";
        }
        final StringBuilder b = new StringBuilder("<table><tr><th class=\"t\">plate</th><th class=\"t\">run</th>"
            + "<th>Z'</th><th>SSMD</th><th>wells</th><th>cells</th><th class=\"t\">sites seen / expected</th>"
            + "<th>failed</th><th>excluded</th><th class=\"t\">status</th><th class=\"t\">flags</th></tr>");
        for (final PlateSummary p : plates) {
            b.append("<tr><td class=\"t\">").append(link(plateUrl(e, p.plateId(), p.runId(), analysis), p.plateId()))
                .append("</td><td class=\"t\">").append(esc(p.runId())).append("</td><td>").append(num(p.zPrime()))
                .append("</td><td>").append(num(p.ssmd())).append("</td><td>").append(p.nWells()).append(" / ")
                .append(p.nWellsExpected()).append("</td><td>").append(p.nCells()).append("</td><td class=\"t\">")
                .append(Html.progress(p.progress(), p.sitesSeen() + " / " + p.sitesExpected()))
                .append("</td><td>").append(p.sitesFailed()).append("</td><td>").append(p.sitesExcluded())
                .append("</td><td class=\"t\">").append(esc(p.status())).append("</td><td class=\"t\">")
                .append(esc(String.join(", ", p.flags()))).append("</td></tr>");
        }
        return b.append("</table>").toString();
    }

    private static String plateUrl(final String e, final String plate, final String run, final String analysis) {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put("analysis", analysis);
        m.put("run", run);
        return url(path("experiments", e, "plates", plate), m);
    }

    // ------------------------------------------------------------------ plate QC

    private String plate(final String e, final String plate, final QueryParams q) {
        final String analysis = queries.resolveAnalysis(e, q.text("analysis").orElse(null));
        final String run = queries.resolveRun(e, analysis, plate, q.text("run").orElse(null));
        final Optional<PlateSummary> qc = queries.plates(e, analysis).stream()
            .filter(p -> p.plateId().equals(plate) && p.runId().equals(run)).findFirst();
        final List<WellScoreRow> wells = queries.plateWells(e, analysis, plate, run);
        final PlateLayout layout = layoutOf(qc.map(PlateSummary::layout).orElse(null), wells);
        final StringBuilder b = new StringBuilder("<h1>Plate ").append(esc(plate)).append(" <span class=\"muted\">run ")
            .append(esc(run)).append("</span></h1><p>Experiment ").append(link(url(path("experiments", e),
                Map.of("analysis", analysis)), e)).append(", analysis ").append(esc(analysis)).append(", layout ")
            .append(esc(layout)).append("</p>");
        if (qc.isPresent()) {
            b.append(plateTable(e, List.of(qc.get()), analysis));
        }
        final Function<String, String> wellLink = w -> url(path("experiments", e, "plates", plate, "wells", w),
            linkParams(analysis, run));
        b.append("<h2>Heatmaps</h2><div class=\"figs\">")
            .append(figure("Activity score", PlateHeatmap.svg(layout, wells, WellScoreRow::score, false, wellLink)))
            .append(figure("Control-axis score", PlateHeatmap.svg(layout, wells, WellScoreRow::controlAxisScore, true,
                wellLink)))
            .append(figure("Cell count", PlateHeatmap.svg(layout, wells, WellScoreRow::cellCount, false, wellLink)))
            .append("</div>");
        b.append("<h2>Wells</h2><table><tr><th class=\"t\">well</th><th class=\"t\">compound</th><th>dose</th>"
            + "<th class=\"t\">role</th><th>cells</th><th>score</th><th>p</th><th>control axis</th>"
            + "<th class=\"t\">cytotoxic</th><th class=\"t\">final</th></tr>");
        for (final WellScoreRow w : wells) {
            b.append(wellRow(e, w, analysis, true));
        }
        return Html.page("Plate " + plate, b.append("</table>").toString());
    }

    private static Map<String, String> linkParams(final String analysis, final String run) {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put("analysis", analysis);
        m.put("run", run);
        return m;
    }

    private static String figure(final String caption, final String svg) {
        return "<figure><figcaption>" + esc(caption) + "</figcaption>" + svg + "</figure>";
    }

    static PlateLayout layoutOf(final String stored, final List<WellScoreRow> wells) {
        if (stored != null) {
            try {
                return PlateLayout.parse(stored);
            } catch (final IllegalArgumentException e) {
                // fall through: guess from the wells
            }
        }
        final List<WellId> ids = new ArrayList<>();
        for (final WellScoreRow w : wells) {
            try {
                ids.add(WellId.parse(w.well()));
            } catch (final IllegalArgumentException e) {
                // not a well id: not drawn
            }
        }
        return ids.isEmpty() ? PlateLayout.WELLS_96 : PlateLayout.smallestFor(ids);
    }

    private static String wellRow(final String e, final WellScoreRow w, final String analysis,
                                  final boolean linkWell) {
        final String wellCell = linkWell ? link(url(path("experiments", e, "plates", w.plateId(), "wells", w.well()),
            linkParams(analysis, w.runId())), w.well()) : esc(w.well());
        return "<tr><td class=\"t\">" + wellCell + "</td><td class=\"t\">"
            + (w.compound() == null ? "" : link(url(path("experiments", e, "compounds", w.compound()),
            Map.of("analysis", analysis)), w.compound())) + "</td><td>" + num(w.concentration())
            + (w.unit() == null ? "" : " " + esc(w.unit())) + "</td><td class=\"t\">" + esc(w.role()) + "</td><td>"
            + (w.excluded() ? "<span class=\"muted\" title=\"no site of this well was used: every site failed or "
                + "was below the plate's focus cut-off\">excluded</span>" : num(w.cellCount()))
            + "</td><td>" + num(w.score()) + "</td><td>" + num(w.pValue()) + "</td><td>"
            + num(w.controlAxisScore()) + "</td><td class=\"t\">" + (w.cytotoxic() ? "yes" : "") + "</td><td class=\"t\">"
            + (w.finalResult() ? "yes" : "no") + "</td></tr>";
    }

    // ------------------------------------------------------------------ compound

    private String compound(final String e, final String compound, final QueryParams q) {
        final CompoundDetail d = queries.compound(e, q.text("analysis").orElse(null), compound);
        final Hit h = d.score();
        final StringBuilder b = new StringBuilder("<h1>Compound ").append(esc(compound)).append("</h1><p>Experiment ")
            .append(link(url(path("experiments", e), Map.of("analysis", d.analysisId())), e)).append(", analysis ")
            .append(esc(d.analysisId())).append("</p>");
        b.append("<table><tr><th>rank</th><th>score</th><th>p</th><th>q</th><th class=\"t\">hit</th><th>EC50</th>"
            + "<th>hill</th><th>top</th><th>bottom</th><th>R²</th><th class=\"t\">fit</th><th>max effect</th>"
            + "<th>wells</th><th>mAP</th><th>mAP p</th><th>mAP q</th></tr><tr><td>").append(h.rank())
            .append("</td><td>").append(num(h.score())).append("</td><td>").append(num(h.pValue())).append("</td><td>")
            .append(num(h.qValue())).append("</td><td class=\"t\">").append(h.hit() ? "yes" : "no").append("</td><td>")
            .append(num(h.ec50())).append("</td><td>").append(num(h.hill())).append("</td><td>").append(num(h.top()))
            .append("</td><td>").append(num(h.bottom())).append("</td><td>")
            .append(num(d.fit() == null ? null : d.fit().rSquared())).append("</td><td class=\"t\">")
            .append(esc(h.fitStatus())).append("</td><td>").append(num(h.maxEffect())).append("</td><td>")
            .append(h.nWells()).append("</td><td>").append(fixed(h.replicateMap(), 3)).append("</td><td>")
            .append(num(h.replicateMapPValue())).append("</td><td>").append(num(h.replicateMapQValue()))
            .append("</td></tr></table>");
        final String unit = d.wells().stream().map(WellScoreRow::unit).filter(u -> u != null).findFirst().orElse(null);
        b.append("<h2>Dose response</h2>").append(figure("Response vs concentration (grey: wells, blue: dose means, "
            + "orange: 4PL fit)", DoseResponsePlot.svg(d.fit(), d.doses(), d.wells(), unit)));
        b.append("<h2>Wells</h2><table><tr><th class=\"t\">well</th><th class=\"t\">compound</th><th>dose</th>"
            + "<th class=\"t\">role</th><th>cells</th><th>score</th><th>p</th><th>control axis</th>"
            + "<th class=\"t\">cytotoxic</th><th class=\"t\">final</th></tr>");
        for (final WellScoreRow w : d.wells()) {
            b.append(wellRow(e, w, d.analysisId(), true).replaceFirst("<td class=\"t\">", "<td class=\"t\">"
                + esc(w.plateId()) + " "));
        }
        return Html.page("Compound " + compound, b.append("</table>").toString());
    }

    // ------------------------------------------------------------------ well

    private String well(final String e, final String plate, final String well, final QueryParams q) {
        final WellDetail d = queries.well(e, q.text("analysis").orElse(null), plate, q.text("run").orElse(null),
            well);
        final StringBuilder b = new StringBuilder("<h1>Well ").append(esc(d.well())).append(" <span class=\"muted\">")
            .append("plate ").append(link(plateUrl(e, plate, d.runId(), d.analysisId()), plate)).append(", run ")
            .append(esc(d.runId())).append("</span></h1><p>Experiment ").append(link(url(path("experiments", e),
                Map.of("analysis", d.analysisId())), e)).append(", analysis ").append(esc(d.analysisId()))
            .append("</p>");
        if (d.scores() != null) {
            b.append("<table><tr><th class=\"t\">well</th><th class=\"t\">compound</th><th>dose</th>"
                + "<th class=\"t\">role</th><th>cells</th><th>score</th><th>p</th><th>control axis</th>"
                + "<th class=\"t\">cytotoxic</th><th class=\"t\">final</th></tr>")
                .append(wellRow(e, d.scores(), d.analysisId(), false)).append("</table>");
            if (d.scores().excluded()) {
                b.append("<p class=\"muted\">No site of this well was used: every site failed or was below the "
                    + "plate's focus cut-off (a fraction of the plate's median focus score; see the plate's QC "
                    + "flags). Its cells were not counted and it has no score.</p>");
            }
        } else {
            b.append("<p class=\"muted\">Not scored yet.</p>");
        }
        b.append("<h2>Sites</h2><p class=\"muted\">").append(d.sites().size()).append(" site(s) processed")
            .append(d.sitesPerWell() == null ? "" : " of " + d.sitesPerWell() + " expected").append(".</p>");
        b.append("<table><tr><th>site</th><th class=\"t\">status</th><th>cells</th><th>focus</th>"
            + "<th>saturation</th><th class=\"t\">QC flags</th><th class=\"t\">images (S3 key, sha256)</th></tr>");
        for (final SiteDetail s : d.sites()) {
            b.append("<tr><td>").append(s.site()).append("</td><td class=\"t\">").append(esc(s.status()))
                .append(s.error() == null ? "" : " <span class=\"err\">" + esc(s.error()) + "</span>")
                .append("</td><td>").append(s.cellCount()).append("</td><td>")
                .append(num(s.qc() == null ? null : s.qc().focusScore())).append("</td><td>")
                .append(num(s.qc() == null ? null : s.qc().saturationFraction())).append("</td><td class=\"t\">")
                .append(esc(s.qc() == null ? "" : String.join(", ", s.qc().flags()))).append("</td><td class=\"t\">");
            for (final ImageRef img : s.images()) {
                b.append(esc(img.channel())).append(": ").append(esc(img.uri())).append(" <span class=\"muted\">")
                    .append(esc(img.sha256() == null ? "" : img.sha256().substring(0, Math.min(12,
                        img.sha256().length())))).append("</span><br>");
            }
            b.append("</td></tr>");
        }
        b.append("</table>");
        if (thumbnails) {
            if (d.sites().stream().anyMatch(SiteDetail::hasMasks)) {
                // the label images the extractor stored with the site; older analyses have none
                b.append("<h2>Images</h2><p class=\"muted\">Contrast stretched per image; outlined with the "
                    + "segmentation the cells were measured on: nuclei in <span style=\"color:#00b8b8\">cyan</span>, "
                    + "cells in <span style=\"color:#d000d0\">magenta</span>.")
                    .append(d.sites().stream().allMatch(SiteDetail::hasMasks) ? ""
                        : " Sites without stored segmentation masks are shown without outlines.")
                    .append("</p>");
            } else {
                b.append("<h2>Images</h2><p class=\"muted\">Contrast stretched per image; segmentation outlines where "
                    + "the analysis could be re-run.</p>");
            }
            for (final SiteDetail s : d.sites()) {
                b.append("<div class=\"figs\">");
                for (final ImageRef img : s.images()) {
                    final Map<String, String> m = linkParams(d.analysisId(), d.runId());
                    m.put("channel", img.channel());
                    if (s.hasMasks()) {
                        m.put("outlines", "true");
                    }
                    final String src = url(path("api", "experiments", e, "plates", plate, "wells", d.well(), "sites",
                        Integer.toString(s.site()), "thumbnail.png"), m);
                    b.append("<figure><figcaption>site ").append(s.site()).append(", ").append(esc(img.channel()))
                        .append(s.hasMasks() ? ", outlined" : "").append("</figcaption><a href=\"")
                        .append(esc(src.replace("thumbnail.png?", "thumbnail.png?size=1024&")))
                        .append("\"><img class=\"thumb\" width=\"256\" src=\"")
                        .append(esc(src)).append("\" alt=\"").append(esc("site " + s.site() + " " + img.channel()))
                        .append("\"></a></figure>");
                }
                b.append("</div>");
            }
        }
        return Html.page("Well " + d.well(), b.toString());
    }
}
