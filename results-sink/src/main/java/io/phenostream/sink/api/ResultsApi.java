package io.phenostream.sink.api;

import io.phenostream.common.events.ImageRef;
import io.phenostream.sink.WellProfileRow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON routes under {@code /api} (read-only, GET):
 * <pre>
 * /api/experiments                                        experiment list with counts
 * /api/experiments/{e}                                    analyses of the experiment
 * /api/experiments/{e}/plates                             plate QC and progress       ?analysis
 * /api/experiments/{e}/plates/{p}                         QC + scored wells of a run  ?analysis&amp;run
 * /api/experiments/{e}/plates/{p}/wells/{w}               well detail with sites      ?analysis&amp;run
 * /api/experiments/{e}/plates/{p}/wells/{w}/sites/{s}/thumbnail.png   ?channel&amp;analysis&amp;run&amp;size&amp;outlines
 * /api/experiments/{e}/hits                               hit list page               {@link HitQuery} params
 * /api/experiments/{e}/hits.csv                           the same as CSV (all rows unless limit)
 * /api/experiments/{e}/compounds/{c}                      compound detail             ?analysis
 * /api/experiments/{e}/profiles.csv | profiles.parquet    per-well normalized profiles ?analysis
 * /api/experiments/{e}/compare | compare.csv              analysis B against A        ?a&amp;b (both required)
 * </pre>
 */
public final class ResultsApi {

    private final ResultsQueries queries;
    private final SiteThumbnails thumbnails;
    private final AnalysisComparison comparison;

    /** @param thumbnails null: the thumbnail route answers 404 (no object storage configured) */
    public ResultsApi(final ResultsQueries queries, final SiteThumbnails thumbnails) {
        this.queries = queries;
        this.thumbnails = thumbnails;
        this.comparison = new AnalysisComparison(queries);
    }

    /** @param s path segments after {@code api}, percent-decoded */
    public Reply route(final List<String> s, final QueryParams q) {
        if (s.size() == 1 && s.get(0).equals("experiments")) {
            return Reply.json(200, queries.experiments());
        }
        if (s.size() < 2 || !s.get(0).equals("experiments")) {
            throw ApiException.notFound("no API route /api/" + String.join("/", s));
        }
        final String experiment = id("experiment", s.get(1));
        if (s.size() == 2) {
            final Map<String, Object> out = new LinkedHashMap<>();
            out.put("experimentId", experiment);
            out.put("analyses", queries.analyses(experiment));
            return Reply.json(200, out);
        }
        final String what = s.get(2);
        if (s.size() == 3) {
            switch (what) {
                case "plates":
                    return Reply.json(200, queries.plates(experiment, analysis(q)));
                case "hits":
                    return Reply.json(200, queries.hits(experiment, HitQuery.from(q)));
                case "hits.csv": {
                    final HitQuery hq = HitQuery.from(q.text("limit").isPresent() ? q : withAllRows(q));
                    return Reply.text(200, Reply.CSV, Exports.hitsCsv(queries.hits(experiment, hq)))
                        .attachment(experiment + "-hits.csv");
                }
                case "profiles.csv":
                    return Reply.text(200, Reply.CSV, Exports.profilesCsv(profiles(experiment, q)))
                        .attachment(experiment + "-well-profiles.csv");
                case "profiles.parquet": {
                    final String analysis = queries.resolveAnalysis(experiment, analysis(q));
                    final List<WellProfileRow> rows = queries.wellProfiles(experiment, analysis);
                    return new Reply(200, Reply.PARQUET, WellProfileParquet.write(experiment, analysis, rows),
                        Map.of()).attachment(experiment + "-well-profiles.parquet");
                }
                case "compare":
                    return Reply.json(200, compare(experiment, q));
                case "compare.csv":
                    return Reply.text(200, Reply.CSV, ComparisonCsv.compounds(compare(experiment, q)))
                        .attachment(experiment + "-compare.csv");
                default:
                    break;
            }
        }
        if (s.size() == 4 && what.equals("compounds")) {
            return Reply.json(200, queries.compound(experiment, analysis(q), id("compound", s.get(3))));
        }
        if (s.size() >= 4 && what.equals("plates")) {
            final String plate = id("plate", s.get(3));
            final String analysis = queries.resolveAnalysis(experiment, analysis(q));
            final String run = queries.resolveRun(experiment, analysis, plate, q.text("run").orElse(null));
            if (s.size() == 4) {
                final Map<String, Object> out = new LinkedHashMap<>();
                out.put("experimentId", experiment);
                out.put("analysisId", analysis);
                out.put("plateId", plate);
                out.put("runId", run);
                out.put("qc", queries.plates(experiment, analysis).stream()
                    .filter(p -> p.plateId().equals(plate) && p.runId().equals(run)).findFirst().orElse(null));
                out.put("wells", queries.plateWells(experiment, analysis, plate, run));
                return Reply.json(200, out);
            }
            if (s.size() == 6 && s.get(4).equals("wells")) {
                return Reply.json(200, queries.well(experiment, analysis, plate, run, s.get(5)));
            }
            if (s.size() == 9 && s.get(4).equals("wells") && s.get(6).equals("sites")
                && s.get(8).equals("thumbnail.png")) {
                return thumbnail(experiment, analysis, plate, run, s.get(5), s.get(7), q);
            }
        }
        throw ApiException.notFound("no API route /api/" + String.join("/", s));
    }

    private Reply thumbnail(final String experiment, final String analysis, final String plate, final String run,
                            final String well, final String siteText, final QueryParams q) {
        final int site = QueryParams.of(Map.of("site", siteText)).integer("site", 0, 0, 100_000);
        final int size = q.integer("size", 256, 16, 1024);
        final boolean outlines = q.bool("outlines").orElse(true);
        final SiteImagery imagery = queries.siteImages(experiment, analysis, plate, run, well, site);
        final List<ImageRef> images = imagery.images();
        if (images.isEmpty()) {
            throw ApiException.notFound("site " + site + " has no images");
        }
        final Optional<String> channel = q.text("channel");
        final ImageRef image = channel.isEmpty() ? images.get(0) : images.stream()
            .filter(i -> i.channel().equals(channel.get())).findFirst()
            .orElseThrow(() -> ApiException.notFound("site " + site + " has no channel '" + channel.get() + "'"));
        if (thumbnails == null) {
            throw ApiException.notFound("thumbnails need object storage (phenostream.s3.*), not configured here");
        }
        final byte[] png = thumbnails.render(image, imagery.masks(), size, outlines);
        return new Reply(200, Reply.PNG, png, Map.of("Cache-Control", "max-age=3600"));
    }

    private ComparisonReport compare(final String experiment, final QueryParams q) {
        return comparison.compare(experiment, q.text("a").orElse(null), q.text("b").orElse(null));
    }

    private List<WellProfileRow> profiles(final String experiment, final QueryParams q) {
        return queries.wellProfiles(experiment, analysis(q));
    }

    private static QueryParams withAllRows(final QueryParams q) {
        final Map<String, String> m = new LinkedHashMap<>(q.asMap());
        m.put("limit", Integer.toString(HitQuery.MAX_LIMIT));
        return QueryParams.of(m);
    }

    private static String analysis(final QueryParams q) {
        return q.text("analysis").orElse(null);
    }

    /** A path segment used as an id: 400 when empty, too long or holding control characters. */
    static String id(final String name, final String value) {
        if (value.isBlank()) {
            throw ApiException.badRequest(name + " id is empty");
        }
        return QueryParams.checkedText(name, value);
    }
}
