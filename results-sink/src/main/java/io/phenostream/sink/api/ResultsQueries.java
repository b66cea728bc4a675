package io.phenostream.sink.api;

import com.fasterxml.jackson.core.type.TypeReference;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.events.CompoundScore;
import io.phenostream.common.events.ImageRef;
import io.phenostream.common.events.SiteQc;
import io.phenostream.common.json.Json;
import io.phenostream.sink.AnalysisRow;
import io.phenostream.sink.ExperimentRow;
import io.phenostream.sink.ResultsStore;
import io.phenostream.sink.ResultsStoreException;
import io.phenostream.sink.WellProfileRow;
import io.phenostream.sink.WellScoreRow;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The reads behind the query API and the web UI, on the read-only data source. Every value from a request travels
 * as a bind parameter; the only SQL text chosen by a request is a sort column from {@link HitQuery}'s fixed map.
 * Unknown experiments, analyses, plates, compounds and wells raise {@link ApiException} 404; database failures
 * raise {@link ResultsStoreException}.
 */
public final class ResultsQueries {

    private static final String EXPERIMENT_SUMMARIES =
        "SELECT e.experiment_id, e.created_at, e.updated_at, "
            + "(SELECT count(DISTINCT p.plate_id) FROM plate_runs p WHERE p.experiment_id = e.experiment_id) AS plates "
            + "FROM experiments e ORDER BY e.updated_at DESC, e.experiment_id";

    private static final String EXPERIMENT_EXISTS = "SELECT 1 FROM experiments WHERE experiment_id = ?";

    // Per compound: the roles of its wells and its cytotoxic well count, from the same analysis.
    private static final String HIT_FROM =
        " FROM compound_scores c LEFT JOIN LATERAL (SELECT string_agg(DISTINCT w.role, ',' ORDER BY w.role) AS roles,"
            + " count(*) FILTER (WHERE w.cytotoxic) AS cytotoxic_wells FROM well_profiles w"
            + " WHERE w.experiment_id = c.experiment_id AND w.analysis_id = c.analysis_id AND w.compound = c.compound)"
            + " wr ON true"
            + " WHERE c.experiment_id = ? AND c.analysis_id = ?"
            + " AND (CAST(? AS double precision) IS NULL OR c.q_value <= ?)"
            + " AND (CAST(? AS double precision) IS NULL OR c.score >= ?)"
            + " AND (CAST(? AS text) IS NULL OR EXISTS (SELECT 1 FROM well_profiles r WHERE r.experiment_id ="
            + " c.experiment_id AND r.analysis_id = c.analysis_id AND r.compound = c.compound AND r.role = ?))"
            + " AND (CAST(? AS boolean) IS NULL OR (COALESCE(wr.cytotoxic_wells, 0) > 0) = ?)";

    private static final String HIT_COLUMNS =
        "SELECT c.compound, c.rank, c.score, c.p_value, c.q_value, c.hit, c.ec50, c.hill, c.top, c.bottom, "
            + "c.max_effect, c.fit_status, c.n_wells, c.final_result, c.replicate_map, c.replicate_map_p_value, "
            + "c.replicate_map_q_value, wr.roles, COALESCE(wr.cytotoxic_wells, 0) AS cytotoxic_wells";

    private static final String COMPOUND_JSON =
        "SELECT fit::text AS fit, doses::text AS doses, plates::text AS plates FROM compound_scores "
            + "WHERE experiment_id = ? AND analysis_id = ? AND compound = ?";

    private static final String WELL_COLUMNS =
        "SELECT plate_id, run_id, well, compound, concentration, unit, role, cell_count, score, p_value, "
            + "control_axis_score, cytotoxic, final_result, sites_used FROM well_profiles ";

    private static final String PLATES =
        "SELECT q.plate_id, q.run_id, r.layout, q.z_prime, q.ssmd, q.n_wells, q.n_wells_expected, q.n_cells, "
            + "q.sites_seen, q.sites_expected, q.sites_failed, q.sites_excluded, q.status, q.flags::text AS flags, "
            + "q.updated_at FROM plate_qc q LEFT JOIN plate_runs r ON r.experiment_id = q.experiment_id "
            + "AND r.plate_id = q.plate_id AND r.run_id = q.run_id "
            + "WHERE q.experiment_id = ? AND q.analysis_id = ? ORDER BY q.plate_id, q.run_id";

    private static final String PLATE_RUN =
        "SELECT channels::text AS channels, sites_per_well FROM plate_runs "
            + "WHERE experiment_id = ? AND plate_id = ? AND run_id = ?";

    private static final String SITES =
        "SELECT site, status, error, cell_count, qc::text AS qc, images::text AS images, cell_data_uri, processed_at, "
            + "masks::text AS masks FROM site_features WHERE analysis_id = ? AND experiment_id = ? AND plate_id = ? AND run_id = ? "
            + "AND well = ? ORDER BY site";

    private static final String SITE_IMAGES =
        "SELECT images::text AS images, masks::text AS masks FROM site_features WHERE analysis_id = ? AND experiment_id = ? "
            + "AND plate_id = ? AND run_id = ? AND well = ? AND site = ?";

    // The run of a plate a page shows when none is named: the one with the latest scorer or extractor output.
    private static final String LATEST_RUN =
        "SELECT run_id FROM (SELECT run_id, updated_at AS t FROM plate_qc WHERE experiment_id = ? AND analysis_id = ?"
            + " AND plate_id = ? UNION ALL SELECT run_id, max(processed_at) FROM site_features WHERE experiment_id = ?"
            + " AND analysis_id = ? AND plate_id = ? GROUP BY run_id) u ORDER BY t DESC, run_id LIMIT 1";

    private static final TypeReference<List<CompoundScore.DosePoint>> DOSES = new TypeReference<>() { };
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };
    private static final TypeReference<List<ImageRef>> IMAGES = new TypeReference<>() { };
    private static final TypeReference<Map<String, String>> MASKS = new TypeReference<>() { };

    private final DataSource dataSource;
    private final ResultsStore store;

    public ResultsQueries(final DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.store = new ResultsStore(dataSource);
    }

    /** Round trip to the database; throws {@link ResultsStoreException} when it cannot be reached. */
    public void ping() {
        query("health check", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1"); ResultSet rs = ps.executeQuery()) {
                rs.next();
            }
            return null;
        });
    }

    public List<ExperimentSummary> experiments() {
        final List<ExperimentSummary> out = query("experiments", c -> {
            final List<ExperimentSummary> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(EXPERIMENT_SUMMARIES); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new ExperimentSummary(rs.getString("experiment_id"), instant(rs, "created_at"),
                        instant(rs, "updated_at"), rs.getLong("plates"), 0, null));
                }
            }
            return rows;
        });
        final List<ExperimentSummary> withAnalyses = new ArrayList<>(out.size());
        for (final ExperimentSummary e : out) {
            final List<AnalysisRow> analyses = store.analyses(e.experimentId());
            withAnalyses.add(new ExperimentSummary(e.experimentId(), e.createdAt(), e.updatedAt(), e.plates(),
                analyses.size(), store.latestAnalysis(e.experimentId()).orElse(null)));
        }
        return withAnalyses;
    }

    public Optional<ExperimentRow> latestExperiment() {
        return store.latestExperiment();
    }

    /** The analyses with results in the experiment, the most recent first; 404 for an unknown experiment. */
    public List<AnalysisRow> analyses(final String experimentId) {
        requireExperiment(experimentId);
        return store.analyses(experimentId);
    }

    /**
     * The analysis a request is about: the one named (404 when it has no results in the experiment) or the
     * experiment's latest (404 when the experiment is unknown or has no scored results yet).
     */
    public String resolveAnalysis(final String experimentId, final String analysisId) {
        requireExperiment(experimentId);
        if (analysisId == null) {
            return store.latestAnalysis(experimentId).orElseThrow(() -> ApiException.notFound("experiment '"
                + experimentId + "' has no scored results yet"));
        }
        if (store.analyses(experimentId).stream().noneMatch(a -> a.analysisId().equals(analysisId))) {
            throw ApiException.notFound("analysis '" + analysisId + "' has no results in experiment '"
                + experimentId + "'");
        }
        return analysisId;
    }

    public void requireExperiment(final String experimentId) {
        final boolean known = query("experiment " + experimentId, c -> {
            try (PreparedStatement ps = c.prepareStatement(EXPERIMENT_EXISTS)) {
                ps.setString(1, experimentId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
        if (!known) {
            throw ApiException.notFound("unknown experiment '" + experimentId + "'");
        }
    }

    /** A page of the filtered, sorted hit list. */
    public HitPage hits(final String experimentId, final HitQuery q) {
        final String analysis = resolveAnalysis(experimentId, q.analysisId());
        return query("hit list of " + experimentId, c -> {
            final long total;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*)" + HIT_FROM)) {
                bindHitFilters(ps, experimentId, analysis, q);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            final List<Hit> hits = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(HIT_COLUMNS + HIT_FROM + " ORDER BY " + q.orderBy()
                + " LIMIT ? OFFSET ?")) {
                final int next = bindHitFilters(ps, experimentId, analysis, q);
                ps.setInt(next, q.limit());
                ps.setInt(next + 1, q.offset());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        hits.add(hit(rs));
                    }
                }
            }
            return new HitPage(experimentId, analysis, total, q.limit(), q.offset(), q.sort(),
                q.descending() ? "desc" : "asc", hits);
        });
    }

    private static int bindHitFilters(final PreparedStatement ps, final String experimentId, final String analysis,
                                      final HitQuery q) throws SQLException {
        int i = 1;
        ps.setString(i++, experimentId);
        ps.setString(i++, analysis);
        setDouble(ps, i++, q.maxQ());
        setDouble(ps, i++, q.maxQ());
        setDouble(ps, i++, q.minScore());
        setDouble(ps, i++, q.minScore());
        ps.setString(i++, q.role());
        ps.setString(i++, q.role());
        setBoolean(ps, i++, q.cytotoxic());
        setBoolean(ps, i++, q.cytotoxic());
        return i;
    }

    private static Hit hit(final ResultSet rs) throws SQLException {
        final String roles = rs.getString("roles");
        return new Hit(rs.getInt("rank"), rs.getString("compound"), dbl(rs, "score"), dbl(rs, "p_value"),
            dbl(rs, "q_value"), rs.getBoolean("hit"), dbl(rs, "ec50"), dbl(rs, "hill"), dbl(rs, "top"),
            dbl(rs, "bottom"), dbl(rs, "max_effect"), rs.getString("fit_status"), rs.getInt("n_wells"),
            rs.getBoolean("final_result"), dbl(rs, "replicate_map"), dbl(rs, "replicate_map_p_value"),
            dbl(rs, "replicate_map_q_value"), roles == null ? List.of() : Arrays.asList(roles.split(",")),
            rs.getInt("cytotoxic_wells"));
    }

    /** The compound's scores, fit, dose points and wells; 404 when the analysis has no such compound. */
    public CompoundDetail compound(final String experimentId, final String analysisId, final String compound) {
        final String analysis = resolveAnalysis(experimentId, analysisId);
        return query("compound " + compound, c -> {
            final Hit score;
            try (PreparedStatement ps = c.prepareStatement(HIT_COLUMNS + HIT_FROM + " AND c.compound = ?")) {
                final int next = bindHitFilters(ps, experimentId, analysis, HitQuery.all());
                ps.setString(next, compound);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw ApiException.notFound("compound '" + compound + "' has no score in experiment '"
                            + experimentId + "', analysis '" + analysis + "'");
                    }
                    score = hit(rs);
                }
            }
            CompoundScore.DoseResponseFit fit = null;
            List<CompoundScore.DosePoint> doses = List.of();
            List<String> plates = List.of();
            try (PreparedStatement ps = c.prepareStatement(COMPOUND_JSON)) {
                ps.setString(1, experimentId);
                ps.setString(2, analysis);
                ps.setString(3, compound);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        fit = parse(rs.getString("fit"), CompoundScore.DoseResponseFit.class, "fit of " + compound);
                        doses = parse(rs.getString("doses"), DOSES, List.of(), "doses of " + compound);
                        plates = parse(rs.getString("plates"), STRINGS, List.of(), "plates of " + compound);
                    }
                }
            }
            final List<WellScoreRow> wells = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(WELL_COLUMNS
                + "WHERE experiment_id = ? AND analysis_id = ? AND compound = ?")) {
                ps.setString(1, experimentId);
                ps.setString(2, analysis);
                ps.setString(3, compound);
                readWells(ps, wells);
            }
            wells.sort(Comparator.comparing((WellScoreRow w) -> w.concentration() == null ? Double.NEGATIVE_INFINITY
                : w.concentration()).thenComparing(WellScoreRow::plateId).thenComparing(w -> wellOrder(w.well())));
            return new CompoundDetail(experimentId, analysis, score, fit, doses, plates, wells);
        });
    }

    /** Plate QC and progress of every plate run, by plate then run. */
    public List<PlateSummary> plates(final String experimentId, final String analysisId) {
        final String analysis = resolveAnalysis(experimentId, analysisId);
        return query("plates of " + experimentId, c -> {
            final List<PlateSummary> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(PLATES)) {
                ps.setString(1, experimentId);
                ps.setString(2, analysis);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new PlateSummary(rs.getString("plate_id"), rs.getString("run_id"),
                            rs.getString("layout"), dbl(rs, "z_prime"), dbl(rs, "ssmd"), rs.getInt("n_wells"),
                            rs.getInt("n_wells_expected"), rs.getLong("n_cells"), rs.getInt("sites_seen"),
                            rs.getInt("sites_expected"), rs.getInt("sites_failed"), rs.getInt("sites_excluded"),
                            rs.getString("status"), parse(rs.getString("flags"), STRINGS, List.of(), "plate flags"),
                            instant(rs, "updated_at")));
                    }
                }
            }
            return out;
        });
    }

    /** The run shown for a plate when a request names none; 404 when the plate has no results. */
    public String resolveRun(final String experimentId, final String analysis, final String plateId,
                             final String runId) {
        if (runId != null) {
            return runId;
        }
        final String run = query("runs of plate " + plateId, c -> {
            try (PreparedStatement ps = c.prepareStatement(LATEST_RUN)) {
                for (int i = 0; i < 2; i++) {
                    ps.setString(3 * i + 1, experimentId);
                    ps.setString(3 * i + 2, analysis);
                    ps.setString(3 * i + 3, plateId);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
        if (run == null) {
            throw ApiException.notFound("plate '" + plateId + "' has no results in experiment '" + experimentId
                + "', analysis '" + analysis + "'");
        }
        return run;
    }

    /** The scored wells of one plate run, in plate order; 404 when there are none and no QC row. */
    public List<WellScoreRow> plateWells(final String experimentId, final String analysis, final String plateId,
                                         final String runId) {
        final List<WellScoreRow> wells = query("wells of plate " + plateId, c -> {
            final List<WellScoreRow> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(WELL_COLUMNS
                + "WHERE experiment_id = ? AND analysis_id = ? AND plate_id = ? AND run_id = ?")) {
                ps.setString(1, experimentId);
                ps.setString(2, analysis);
                ps.setString(3, plateId);
                ps.setString(4, runId);
                readWells(ps, out);
            }
            return out;
        });
        wells.sort(Comparator.comparing(w -> wellOrder(w.well())));
        return wells;
    }

    /** One well with its sites; 404 when neither the scorer nor the extractor wrote anything for it. */
    public WellDetail well(final String experimentId, final String analysisId, final String plateId,
                           final String runId, final String wellText) {
        final String well = wellId(wellText);
        final String analysis = resolveAnalysis(experimentId, analysisId);
        final String run = resolveRun(experimentId, analysis, plateId, runId);
        return query("well " + plateId + "/" + well, c -> {
            final List<WellScoreRow> scores = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(WELL_COLUMNS
                + "WHERE experiment_id = ? AND analysis_id = ? AND plate_id = ? AND run_id = ? AND well = ?")) {
                ps.setString(1, experimentId);
                ps.setString(2, analysis);
                ps.setString(3, plateId);
                ps.setString(4, run);
                ps.setString(5, well);
                readWells(ps, scores);
            }
            final List<SiteDetail> sites = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(SITES)) {
                bindSiteKey(ps, analysis, experimentId, plateId, run, well);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sites.add(new SiteDetail(rs.getInt("site"), rs.getString("status"), rs.getString("error"),
                            rs.getInt("cell_count"), parse(rs.getString("qc"), SiteQc.class, "site QC"),
                            parse(rs.getString("images"), IMAGES, List.of(), "site images"),
                            rs.getString("cell_data_uri"), instant(rs, "processed_at"),
                            parse(rs.getString("masks"), MASKS, Map.of(), "site masks")));
                    }
                }
            }
            if (scores.isEmpty() && sites.isEmpty()) {
                throw ApiException.notFound("well " + well + " of plate '" + plateId + "' run '" + run
                    + "' has no results in analysis '" + analysis + "'");
            }
            List<String> channels = List.of();
            Integer sitesPerWell = null;
            try (PreparedStatement ps = c.prepareStatement(PLATE_RUN)) {
                ps.setString(1, experimentId);
                ps.setString(2, plateId);
                ps.setString(3, run);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        channels = parse(rs.getString("channels"), STRINGS, List.of(), "plate channels");
                        sitesPerWell = rs.getInt("sites_per_well");
                    }
                }
            }
            return new WellDetail(experimentId, analysis, plateId, run, well, scores.isEmpty() ? null : scores.get(0),
                channels, sitesPerWell, sites);
        });
    }

    /**
     * The image lineage of one site (bucket, key, sha256 per channel) and its label images; 404 when the site is
     * unknown.
     */
    public SiteImagery siteImages(final String experimentId, final String analysis, final String plateId,
                                  final String runId, final String wellText, final int site) {
        final String well = wellId(wellText);
        final SiteImagery images = query("site images", c -> {
            try (PreparedStatement ps = c.prepareStatement(SITE_IMAGES)) {
                bindSiteKey(ps, analysis, experimentId, plateId, runId, well);
                ps.setInt(6, site);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new SiteImagery(parse(rs.getString("images"), IMAGES, List.of(), "site images"),
                        parse(rs.getString("masks"), MASKS, Map.of(), "site masks")) : null;
                }
            }
        });
        if (images == null) {
            throw ApiException.notFound("site " + site + " of well " + well + ", plate '" + plateId + "' run '"
                + runId + "' has no results in analysis '" + analysis + "'");
        }
        return images;
    }

    /** The analysis' spec (model hash and parameters) as JSON, null when unknown. */
    public String analysisSpec(final String experimentId, final String analysis) {
        return store.analyses(experimentId).stream().filter(a -> a.analysisId().equals(analysis))
            .map(AnalysisRow::specJson).findFirst().orElse(null);
    }

    /** Normalized profiles of every well (exports). */
    public List<WellProfileRow> wellProfiles(final String experimentId, final String analysisId) {
        return store.wellProfiles(experimentId, resolveAnalysis(experimentId, analysisId));
    }

    private static void bindSiteKey(final PreparedStatement ps, final String analysis, final String experimentId,
                                    final String plateId, final String run, final String well) throws SQLException {
        ps.setString(1, analysis);
        ps.setString(2, experimentId);
        ps.setString(3, plateId);
        ps.setString(4, run);
        ps.setString(5, well);
    }

    private static void readWells(final PreparedStatement ps, final List<WellScoreRow> out) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                final int sitesUsed = rs.getInt("sites_used");
                out.add(new WellScoreRow(rs.getString("plate_id"), rs.getString("run_id"), rs.getString("well"),
                    rs.getString("compound"), dbl(rs, "concentration"), rs.getString("unit"), rs.getString("role"),
                    sitesUsed == 0 ? null : dbl(rs, "cell_count"), dbl(rs, "score"), dbl(rs, "p_value"),
                    dbl(rs, "control_axis_score"), rs.getBoolean("cytotoxic"), rs.getBoolean("final_result"),
                    sitesUsed));
            }
        }
    }

    /** A well id as the sink stores it (A01); 400 for text that is not a well. */
    static String wellId(final String text) {
        try {
            return WellId.parse(text).toString();
        } catch (final IllegalArgumentException e) {
            throw ApiException.badRequest("well: " + e.getMessage());
        }
    }

    static int wellOrder(final String well) {
        try {
            final WellId w = WellId.parse(well);
            return w.row() * 100 + w.column();
        } catch (final IllegalArgumentException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static <T> T parse(final String json, final Class<T> type, final String what) {
        if (json == null) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (final IOException e) {
            throw new IllegalStateException("Unreadable " + what + ": " + e.getMessage(), e);
        }
    }

    private static <T> T parse(final String json, final TypeReference<T> type, final T absent, final String what) {
        if (json == null) {
            return absent;
        }
        try {
            final T v = Json.MAPPER.readValue(json, type);
            return v == null ? absent : v;
        } catch (final IOException e) {
            throw new IllegalStateException("Unreadable " + what + ": " + e.getMessage(), e);
        }
    }

    private static void setDouble(final PreparedStatement ps, final int i, final Double v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }

    private static void setBoolean(final PreparedStatement ps, final int i, final Boolean v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BOOLEAN);
        } else {
            ps.setBoolean(i, v);
        }
    }

    static Double dbl(final ResultSet rs, final String column) throws SQLException {
        final double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    private static Instant instant(final ResultSet rs, final String column) throws SQLException {
        final OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /** One read on its own read-only connection; SQL failures become {@link ResultsStoreException}. */
    <T> T query(final String what, final Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setReadOnly(true);
            return work.apply(c);
        } catch (final SQLException e) {
            throw new ResultsStoreException("Cannot read " + what, e);
        }
    }

    @FunctionalInterface
    interface Work<T> {
        T apply(Connection c) throws SQLException;
    }
}
