package io.phenostream.sink;

import static io.phenostream.sink.SqlValues.getDouble;
import static io.phenostream.sink.SqlValues.getInstant;
import static io.phenostream.sink.SqlValues.json;
import static io.phenostream.sink.SqlValues.setDouble;
import static io.phenostream.sink.SqlValues.setTimestamp;

import io.phenostream.common.domain.WellId;
import io.phenostream.common.events.CompoundScore;
import io.phenostream.common.events.PlateQc;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.events.WellProfile;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * The results database, written by the sink and read by the query API and exports. Writes are idempotent
 * upserts on natural keys, one transaction per {@link #write(Batch)}. All SQL is prepared: user values only
 * ever travel as parameters.
 *
 * <p>Where a query takes a nullable {@code analysisId}, null means the analysis of the experiment whose scorer
 * output (compound scores, plate QC, well profiles) was updated most recently.
 */
public final class ResultsStore implements BatchWriter {

    // A non-final update must not replace a final row: a late or replayed partial result is stale by definition.
    private static final String KEEP_FINAL = " WHERE NOT (%s.final_result AND NOT EXCLUDED.final_result)";

    private static final String UPSERT_EXPERIMENT =
        "INSERT INTO experiments (experiment_id, created_at, updated_at) VALUES (?, now(), now()) "
            + "ON CONFLICT (experiment_id) DO UPDATE SET updated_at = now()";

    // A spec, once known, is never replaced: the analysis id is its hash.
    private static final String UPSERT_ANALYSIS =
        "INSERT INTO analyses (analysis_id, spec, first_seen) VALUES (?, CAST(? AS jsonb), now()) "
            + "ON CONFLICT (analysis_id) DO UPDATE SET spec = EXCLUDED.spec "
            + "WHERE analyses.spec IS NULL AND EXCLUDED.spec IS NOT NULL";

    private static final String UPSERT_PLATE_RUN =
        "INSERT INTO plate_runs (experiment_id, plate_id, run_id, layout, channels, nuclear_channel, cell_channel, "
            + "sites_per_well, expected_sites, plate_map, source, created_at) "
            + "VALUES (?, ?, ?, ?, CAST(? AS jsonb), ?, ?, ?, ?, CAST(? AS jsonb), ?, COALESCE(CAST(? AS timestamptz), now())) "
            + "ON CONFLICT (experiment_id, plate_id, run_id) DO UPDATE SET layout = EXCLUDED.layout, "
            + "channels = EXCLUDED.channels, nuclear_channel = EXCLUDED.nuclear_channel, "
            + "cell_channel = EXCLUDED.cell_channel, sites_per_well = EXCLUDED.sites_per_well, "
            + "expected_sites = EXCLUDED.expected_sites, plate_map = EXCLUDED.plate_map, source = EXCLUDED.source, "
            + "created_at = EXCLUDED.created_at";

    private static final String UPSERT_SITE =
        "INSERT INTO site_features (analysis_id, experiment_id, plate_id, run_id, well, site, status, error, "
            + "cell_count, features, qc, images, cell_data_uri, processed_at, masks) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb), CAST(? AS jsonb), ?, "
            + "COALESCE(CAST(? AS timestamptz), now()), CAST(? AS jsonb)) "
            + "ON CONFLICT (analysis_id, experiment_id, plate_id, run_id, well, site) DO UPDATE SET "
            + "status = EXCLUDED.status, error = EXCLUDED.error, cell_count = EXCLUDED.cell_count, "
            + "features = EXCLUDED.features, qc = EXCLUDED.qc, images = EXCLUDED.images, "
            + "cell_data_uri = EXCLUDED.cell_data_uri, processed_at = EXCLUDED.processed_at, masks = EXCLUDED.masks";

    private static final String UPSERT_WELL =
        "INSERT INTO well_profiles (analysis_id, experiment_id, plate_id, run_id, well, compound, concentration, "
            + "unit, role, sites_seen, sites_used, sites_expected, cell_count, features, normalized, score, p_value, "
            + "control_axis_score, cytotoxic, final_result, updated_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb), ?, ?, ?, ?, ?, "
            + "COALESCE(CAST(? AS timestamptz), now())) "
            + "ON CONFLICT (analysis_id, experiment_id, plate_id, run_id, well) DO UPDATE SET "
            + "compound = EXCLUDED.compound, concentration = EXCLUDED.concentration, unit = EXCLUDED.unit, "
            + "role = EXCLUDED.role, sites_seen = EXCLUDED.sites_seen, sites_used = EXCLUDED.sites_used, "
            + "sites_expected = EXCLUDED.sites_expected, cell_count = EXCLUDED.cell_count, "
            + "features = EXCLUDED.features, normalized = EXCLUDED.normalized, score = EXCLUDED.score, "
            + "p_value = EXCLUDED.p_value, control_axis_score = EXCLUDED.control_axis_score, "
            + "cytotoxic = EXCLUDED.cytotoxic, final_result = EXCLUDED.final_result, updated_at = EXCLUDED.updated_at"
            + String.format(KEEP_FINAL, "well_profiles");

    private static final String UPSERT_COMPOUND =
        "INSERT INTO compound_scores (analysis_id, experiment_id, compound, rank, score, p_value, q_value, hit, fit, "
            + "ec50, hill, top, bottom, max_effect, fit_status, n_wells, doses, plates, final_result, updated_at, "
            + "replicate_map, replicate_map_p_value, replicate_map_q_value) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), "
            + "CAST(? AS jsonb), ?, COALESCE(CAST(? AS timestamptz), now()), ?, ?, ?) "
            + "ON CONFLICT (analysis_id, experiment_id, compound) DO UPDATE SET rank = EXCLUDED.rank, "
            + "score = EXCLUDED.score, p_value = EXCLUDED.p_value, q_value = EXCLUDED.q_value, hit = EXCLUDED.hit, "
            + "fit = EXCLUDED.fit, ec50 = EXCLUDED.ec50, hill = EXCLUDED.hill, top = EXCLUDED.top, "
            + "bottom = EXCLUDED.bottom, max_effect = EXCLUDED.max_effect, fit_status = EXCLUDED.fit_status, "
            + "n_wells = EXCLUDED.n_wells, doses = EXCLUDED.doses, plates = EXCLUDED.plates, "
            + "final_result = EXCLUDED.final_result, updated_at = EXCLUDED.updated_at, "
            + "replicate_map = EXCLUDED.replicate_map, replicate_map_p_value = EXCLUDED.replicate_map_p_value, "
            + "replicate_map_q_value = EXCLUDED.replicate_map_q_value"
            + String.format(KEEP_FINAL, "compound_scores");

    private static final String UPSERT_PLATE_QC =
        "INSERT INTO plate_qc (analysis_id, experiment_id, plate_id, run_id, z_prime, ssmd, n_wells, "
            + "n_wells_expected, n_cells, sites_seen, sites_expected, sites_failed, sites_excluded, status, flags, "
            + "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), "
            + "COALESCE(CAST(? AS timestamptz), now())) "
            + "ON CONFLICT (analysis_id, experiment_id, plate_id, run_id) DO UPDATE SET z_prime = EXCLUDED.z_prime, "
            + "ssmd = EXCLUDED.ssmd, n_wells = EXCLUDED.n_wells, n_wells_expected = EXCLUDED.n_wells_expected, "
            + "n_cells = EXCLUDED.n_cells, sites_seen = EXCLUDED.sites_seen, sites_expected = EXCLUDED.sites_expected, "
            + "sites_failed = EXCLUDED.sites_failed, sites_excluded = EXCLUDED.sites_excluded, "
            + "status = EXCLUDED.status, flags = EXCLUDED.flags, updated_at = EXCLUDED.updated_at "
            + "WHERE NOT (plate_qc.status = 'FINAL' AND EXCLUDED.status <> 'FINAL')";

    private static final String SELECT_EXPERIMENTS =
        "SELECT experiment_id, created_at, updated_at FROM experiments ORDER BY updated_at DESC, experiment_id";

    private static final String SELECT_ANALYSES =
        "WITH u AS ("
            + " SELECT analysis_id, max(updated_at) AS t FROM compound_scores WHERE experiment_id = ? GROUP BY analysis_id"
            + " UNION ALL SELECT analysis_id, max(updated_at) FROM plate_qc WHERE experiment_id = ? GROUP BY analysis_id"
            + " UNION ALL SELECT analysis_id, max(updated_at) FROM well_profiles WHERE experiment_id = ? GROUP BY analysis_id"
            + " UNION ALL SELECT analysis_id, max(processed_at) FROM site_features WHERE experiment_id = ? GROUP BY analysis_id)"
            + " SELECT u.analysis_id, a.spec::text AS spec, a.first_seen, max(u.t) AS last_updated"
            + " FROM u LEFT JOIN analyses a ON a.analysis_id = u.analysis_id"
            + " GROUP BY u.analysis_id, a.spec::text, a.first_seen ORDER BY last_updated DESC, u.analysis_id";

    private static final String SELECT_LATEST_ANALYSIS =
        "SELECT analysis_id FROM ("
            + " SELECT analysis_id, max(updated_at) AS t FROM compound_scores WHERE experiment_id = ? GROUP BY analysis_id"
            + " UNION ALL SELECT analysis_id, max(updated_at) FROM plate_qc WHERE experiment_id = ? GROUP BY analysis_id"
            + " UNION ALL SELECT analysis_id, max(updated_at) FROM well_profiles WHERE experiment_id = ? GROUP BY analysis_id"
            + ") u ORDER BY t DESC, analysis_id LIMIT 1";

    private static final String SELECT_HITS =
        "SELECT analysis_id, compound, rank, score, p_value, q_value, hit, ec50, hill, top, bottom, max_effect, "
            + "fit_status, n_wells, final_result, updated_at, replicate_map, replicate_map_p_value, "
            + "replicate_map_q_value FROM compound_scores "
            + "WHERE experiment_id = ? AND analysis_id = ? AND (CAST(? AS double precision) IS NULL OR q_value <= ?) "
            + "ORDER BY rank, compound LIMIT CAST(? AS bigint) OFFSET ?";

    private static final String SELECT_PLATE_QC =
        "SELECT analysis_id, plate_id, run_id, z_prime, ssmd, n_wells, n_wells_expected, n_cells, sites_seen, "
            + "sites_expected, sites_failed, sites_excluded, status, flags::text AS flags, updated_at FROM plate_qc "
            + "WHERE experiment_id = ? AND analysis_id = ? ORDER BY plate_id, run_id";

    private static final String SELECT_WELLS =
        "SELECT plate_id, run_id, well, compound, concentration, unit, role, cell_count, score, p_value, "
            + "control_axis_score, cytotoxic, final_result, sites_used, normalized::text AS normalized "
            + "FROM well_profiles "
            + "WHERE experiment_id = ? AND analysis_id = ?";

    private static final String SELECT_FINAL =
        "SELECT (SELECT count(*) FROM plate_qc WHERE experiment_id = ? AND analysis_id = ?) AS plates, "
            + "(SELECT count(*) FROM plate_qc WHERE experiment_id = ? AND analysis_id = ? AND status <> 'FINAL') AS open_plates, "
            + "(SELECT count(*) FROM compound_scores WHERE experiment_id = ? AND analysis_id = ?) AS compounds, "
            + "(SELECT count(*) FROM compound_scores WHERE experiment_id = ? AND analysis_id = ? AND NOT final_result) "
            + "AS open_compounds";

    private final DataSource dataSource;

    public ResultsStore(final DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    // ------------------------------------------------------------------ writes

    /**
     * Upserts every event of the batch in one transaction: all or nothing.
     *
     * @throws ResultsStoreException when the database refuses or cannot be reached; nothing was written then
     */
    @Override
    public void write(final Batch batch) {
        if (batch.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                writeIn(c, batch);
                c.commit();
            } catch (final SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (final SQLException e) {
            throw new ResultsStoreException("Cannot write " + batch.rowCount() + " result rows", e);
        }
    }

    private static void writeIn(final Connection c, final Batch batch) throws SQLException {
        // Shared parent rows first, in key order, so two writers lock them in the same order (no deadlock).
        final TreeSet<String> experiments = new TreeSet<>();
        final TreeMap<String, String> analyses = new TreeMap<>();
        batch.plateRuns().forEach(r -> experiments.add(r.experimentId()));
        for (final SiteFeatures s : batch.siteFeatures()) {
            experiments.add(s.experimentId());
            final String spec = s.analysis() == null ? null : json(s.analysis());
            analyses.merge(s.analysisId(), spec == null ? "" : spec, (a, b) -> a.isEmpty() ? b : a);
        }
        for (final WellProfile w : batch.wellProfiles()) {
            experiments.add(w.experimentId());
            analyses.putIfAbsent(w.analysisId(), "");
        }
        for (final CompoundScore cs : batch.compoundScores()) {
            experiments.add(cs.experimentId());
            analyses.putIfAbsent(cs.analysisId(), "");
        }
        for (final PlateQc q : batch.plateQcs()) {
            experiments.add(q.experimentId());
            analyses.putIfAbsent(q.analysisId(), "");
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_EXPERIMENT)) {
            for (final String e : experiments) {
                ps.setString(1, e);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_ANALYSIS)) {
            for (final var a : analyses.entrySet()) {
                ps.setString(1, a.getKey());
                ps.setString(2, a.getValue().isEmpty() ? null : a.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        writePlateRuns(c, batch.plateRuns());
        writeSites(c, batch.siteFeatures());
        writeWells(c, batch.wellProfiles());
        writeCompounds(c, batch.compoundScores());
        writePlateQcs(c, batch.plateQcs());
    }

    private static void writePlateRuns(final Connection c, final List<PlateRun> runs) throws SQLException {
        if (runs.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_PLATE_RUN)) {
            for (final PlateRun r : runs) {
                int i = 1;
                ps.setString(i++, r.experimentId());
                ps.setString(i++, r.plateId());
                ps.setString(i++, r.runId());
                ps.setString(i++, r.layout() == null ? null : r.layout().toString());
                ps.setString(i++, json(r.channels()));
                ps.setString(i++, r.nuclearChannel());
                ps.setString(i++, r.cellChannel());
                ps.setInt(i++, r.sitesPerWell());
                ps.setInt(i++, r.expectedSites());
                ps.setString(i++, json(r.plateMap()));
                ps.setString(i++, r.source());
                setTimestamp(ps, i, r.createdAt());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void writeSites(final Connection c, final List<SiteFeatures> sites) throws SQLException {
        if (sites.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_SITE)) {
            for (final SiteFeatures s : sites) {
                int i = 1;
                ps.setString(i++, s.analysisId());
                ps.setString(i++, s.experimentId());
                ps.setString(i++, s.plateId());
                ps.setString(i++, s.runId());
                ps.setString(i++, s.well().toString());
                ps.setInt(i++, s.site());
                ps.setString(i++, s.status() == null ? SiteFeatures.Status.OK.name() : s.status().name());
                ps.setString(i++, s.error());
                ps.setInt(i++, s.cellCount());
                ps.setString(i++, json(s.features()));
                ps.setString(i++, json(s.qc()));
                ps.setString(i++, json(s.images()));
                ps.setString(i++, s.cellDataUri());
                setTimestamp(ps, i++, s.processedAt());
                // NULL without masks (failed sites, older extractors), as in rows written before V4
                ps.setString(i, s.masks().isEmpty() ? null : json(s.masks()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void writeWells(final Connection c, final List<WellProfile> wells) throws SQLException {
        if (wells.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_WELL)) {
            for (final WellProfile w : wells) {
                int i = 1;
                ps.setString(i++, w.analysisId());
                ps.setString(i++, w.experimentId());
                ps.setString(i++, w.plateId());
                ps.setString(i++, w.runId());
                ps.setString(i++, w.well().toString());
                ps.setString(i++, w.compound());
                setDouble(ps, i++, w.concentration());
                ps.setString(i++, w.unit());
                ps.setString(i++, w.role() == null ? null : w.role().label());
                ps.setInt(i++, w.sitesSeen());
                ps.setInt(i++, w.sitesUsed());
                ps.setInt(i++, w.sitesExpected());
                setDouble(ps, i++, w.cellCount());
                ps.setString(i++, json(w.features()));
                ps.setString(i++, json(w.normalized()));
                setDouble(ps, i++, w.score());
                setDouble(ps, i++, w.pValue());
                setDouble(ps, i++, w.controlAxisScore());
                ps.setBoolean(i++, w.cytotoxic());
                ps.setBoolean(i++, w.finalResult());
                setTimestamp(ps, i, w.updatedAt());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void writeCompounds(final Connection c, final List<CompoundScore> scores) throws SQLException {
        if (scores.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_COMPOUND)) {
            for (final CompoundScore s : scores) {
                final CompoundScore.DoseResponseFit fit = s.fit();
                int i = 1;
                ps.setString(i++, s.analysisId());
                ps.setString(i++, s.experimentId());
                ps.setString(i++, s.compound());
                ps.setInt(i++, s.rank());
                setDouble(ps, i++, s.score());
                setDouble(ps, i++, s.pValue());
                setDouble(ps, i++, s.qValue());
                ps.setBoolean(i++, s.hit());
                ps.setString(i++, json(fit));
                setDouble(ps, i++, fit == null ? null : fit.ec50());
                setDouble(ps, i++, fit == null ? null : fit.hill());
                setDouble(ps, i++, fit == null ? null : fit.top());
                setDouble(ps, i++, fit == null ? null : fit.bottom());
                setDouble(ps, i++, s.maxEffect());
                ps.setString(i++, fit == null ? null : fit.status());
                ps.setInt(i++, s.nWells());
                ps.setString(i++, json(s.doses()));
                ps.setString(i++, json(s.plates()));
                ps.setBoolean(i++, s.finalResult());
                setTimestamp(ps, i++, s.updatedAt());
                setDouble(ps, i++, s.replicateMap());
                setDouble(ps, i++, s.replicateMapPValue());
                setDouble(ps, i, s.replicateMapQValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void writePlateQcs(final Connection c, final List<PlateQc> qcs) throws SQLException {
        if (qcs.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_PLATE_QC)) {
            for (final PlateQc q : qcs) {
                int i = 1;
                ps.setString(i++, q.analysisId());
                ps.setString(i++, q.experimentId());
                ps.setString(i++, q.plateId());
                ps.setString(i++, q.runId());
                setDouble(ps, i++, q.zPrime());
                setDouble(ps, i++, q.ssmd());
                ps.setInt(i++, q.nWells());
                ps.setInt(i++, q.nWellsExpected());
                ps.setLong(i++, q.nCells());
                ps.setInt(i++, q.sitesSeen());
                ps.setInt(i++, q.sitesExpected());
                ps.setInt(i++, q.sitesFailed());
                ps.setInt(i++, q.sitesExcluded());
                ps.setString(i++, (q.status() == null ? PlateQc.Status.RUNNING : q.status()).name());
                ps.setString(i++, json(q.flags()));
                setTimestamp(ps, i, q.updatedAt());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    // ------------------------------------------------------------------ queries

    /** Every experiment, the most recently written first. */
    public List<ExperimentRow> experiments() {
        return query("experiments", c -> {
            final List<ExperimentRow> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(SELECT_EXPERIMENTS); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ExperimentRow(rs.getString("experiment_id"), getInstant(rs, "created_at"),
                        getInstant(rs, "updated_at")));
                }
            }
            return out;
        });
    }

    /** The most recently written experiment, if any. */
    public Optional<ExperimentRow> latestExperiment() {
        final List<ExperimentRow> all = experiments();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    /** The analyses with any results in the experiment, the most recently updated first. */
    public List<AnalysisRow> analyses(final String experimentId) {
        return query("analyses of " + experimentId, c -> {
            final List<AnalysisRow> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(SELECT_ANALYSES)) {
                for (int i = 1; i <= 4; i++) {
                    ps.setString(i, experimentId);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new AnalysisRow(rs.getString("analysis_id"), rs.getString("spec"),
                            getInstant(rs, "first_seen"), getInstant(rs, "last_updated")));
                    }
                }
            }
            return out;
        });
    }

    /** The analysis whose scorer output in this experiment was updated last. */
    public Optional<String> latestAnalysis(final String experimentId) {
        return query("latest analysis of " + experimentId, c -> Optional.ofNullable(latestAnalysis(c, experimentId)));
    }

    private static String latestAnalysis(final Connection c, final String experimentId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT_LATEST_ANALYSIS)) {
            for (int i = 1; i <= 3; i++) {
                ps.setString(i, experimentId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static String resolve(final Connection c, final String experimentId, final String analysisId)
        throws SQLException {
        Objects.requireNonNull(experimentId, "experimentId");
        return analysisId != null ? analysisId : latestAnalysis(c, experimentId);
    }

    /**
     * The ranked hit list: compounds ordered by rank, optionally only those with {@code q <= maxQ}.
     *
     * @param analysisId null = the latest analysis of the experiment
     * @param maxQ       null = no q-value filter
     * @param limit      rows to return; 0 or less = all
     * @param offset     rows to skip (paging), at least 0
     */
    public List<HitRow> hitList(final String experimentId, final String analysisId, final Double maxQ,
                                final int limit, final int offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("Hit list offset must be >= 0, got " + offset);
        }
        if (maxQ != null && maxQ.isNaN()) {
            throw new IllegalArgumentException("Hit list q-value threshold is NaN");
        }
        return query("hit list of " + experimentId, c -> {
            final String analysis = resolve(c, experimentId, analysisId);
            final List<HitRow> out = new ArrayList<>();
            if (analysis == null) {
                return out;
            }
            try (PreparedStatement ps = c.prepareStatement(SELECT_HITS)) {
                ps.setString(1, experimentId);
                ps.setString(2, analysis);
                setDouble(ps, 3, maxQ);
                setDouble(ps, 4, maxQ);
                if (limit > 0) {
                    ps.setLong(5, limit);
                } else {
                    ps.setNull(5, Types.BIGINT); // LIMIT NULL = no limit
                }
                ps.setInt(6, offset);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new HitRow(rs.getString("analysis_id"), rs.getString("compound"), rs.getInt("rank"),
                            getDouble(rs, "score"), getDouble(rs, "p_value"), getDouble(rs, "q_value"),
                            rs.getBoolean("hit"), getDouble(rs, "ec50"), getDouble(rs, "hill"),
                            getDouble(rs, "top"), getDouble(rs, "bottom"), getDouble(rs, "max_effect"),
                            rs.getString("fit_status"), rs.getInt("n_wells"), rs.getBoolean("final_result"),
                            getInstant(rs, "updated_at"), getDouble(rs, "replicate_map"),
                            getDouble(rs, "replicate_map_p_value"), getDouble(rs, "replicate_map_q_value")));
                    }
                }
            }
            return out;
        });
    }

    /** Plate QC of every plate run of the experiment, by plate then run. */
    public List<PlateQcRow> plateQc(final String experimentId, final String analysisId) {
        return query("plate QC of " + experimentId, c -> {
            final String analysis = resolve(c, experimentId, analysisId);
            final List<PlateQcRow> out = new ArrayList<>();
            if (analysis == null) {
                return out;
            }
            try (PreparedStatement ps = c.prepareStatement(SELECT_PLATE_QC)) {
                ps.setString(1, experimentId);
                ps.setString(2, analysis);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        final String plate = rs.getString("plate_id");
                        out.add(new PlateQcRow(rs.getString("analysis_id"), plate, rs.getString("run_id"),
                            getDouble(rs, "z_prime"), getDouble(rs, "ssmd"), rs.getInt("n_wells"),
                            rs.getInt("n_wells_expected"), rs.getLong("n_cells"), rs.getInt("sites_seen"),
                            rs.getInt("sites_expected"), rs.getInt("sites_failed"), rs.getInt("sites_excluded"),
                            rs.getString("status"), SqlValues.stringList(rs.getString("flags"), "plate_qc " + plate),
                            getInstant(rs, "updated_at")));
                    }
                }
            }
            return out;
        });
    }

    /** Scores of every well, by plate, run and well position. */
    public List<WellScoreRow> wellScores(final String experimentId, final String analysisId) {
        final List<WellScoreRow> out = new ArrayList<>();
        readWells(experimentId, analysisId, rs -> out.add(new WellScoreRow(rs.getString("plate_id"),
            rs.getString("run_id"), rs.getString("well"), rs.getString("compound"), getDouble(rs, "concentration"),
            rs.getString("unit"), rs.getString("role"),
            rs.getInt("sites_used") == 0 ? null : getDouble(rs, "cell_count"), getDouble(rs, "score"),
            getDouble(rs, "p_value"), getDouble(rs, "control_axis_score"), rs.getBoolean("cytotoxic"),
            rs.getBoolean("final_result"), rs.getInt("sites_used"))));
        out.sort(Comparator.comparing(WellScoreRow::plateId).thenComparing(WellScoreRow::runId)
            .thenComparing(r -> wellOrder(r.well())));
        return out;
    }

    /** Normalized profiles of every well, by plate, run and well position. */
    public List<WellProfileRow> wellProfiles(final String experimentId, final String analysisId) {
        final List<WellProfileRow> out = new ArrayList<>();
        readWells(experimentId, analysisId, rs -> {
            final String where = "well_profiles " + rs.getString("plate_id") + "/" + rs.getString("well");
            out.add(new WellProfileRow(rs.getString("plate_id"), rs.getString("run_id"), rs.getString("well"),
                rs.getString("compound"), getDouble(rs, "concentration"), rs.getString("unit"), rs.getString("role"),
                getDouble(rs, "cell_count"), getDouble(rs, "score"),
                SqlValues.featureMap(rs.getString("normalized"), where)));
        });
        out.sort(Comparator.comparing(WellProfileRow::plateId).thenComparing(WellProfileRow::runId)
            .thenComparing(r -> wellOrder(r.well())));
        return out;
    }

    /**
     * True when the experiment's results for the analysis are complete: it has plate QC rows and all are FINAL,
     * and it has compound scores and all are final.
     */
    /**
     * Sites of the experiment stored for the analysis, per run key ({@code experiment/plate/run}): the progress of a
     * replay, whose analysis is new.
     */
    public Map<String, Integer> sitesStored(final String experimentId, final String analysisId) {
        return query("sites of " + experimentId, c -> {
            final Map<String, Integer> out = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT plate_id, run_id, count(*) AS n FROM site_features "
                + "WHERE experiment_id = ? AND analysis_id = ? GROUP BY plate_id, run_id")) {
                ps.setString(1, experimentId);
                ps.setString(2, analysisId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(experimentId + "/" + rs.getString("plate_id") + "/" + rs.getString("run_id"),
                            rs.getInt("n"));
                    }
                }
            }
            return out;
        });
    }

    /** Sites stored for the analysis over the given runs (run keys {@code experiment/plate/run}). */
    public int sitesStored(final String experimentId, final String analysisId, final List<String> runKeys) {
        final Map<String, Integer> byRun = sitesStored(experimentId, analysisId);
        return runKeys.stream().mapToInt(k -> byRun.getOrDefault(k, 0)).sum();
    }

    public boolean isExperimentFinal(final String experimentId, final String analysisId) {
        return query("final state of " + experimentId, c -> {
            final String analysis = resolve(c, experimentId, analysisId);
            if (analysis == null) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement(SELECT_FINAL)) {
                for (int i = 1; i <= 8; i += 2) {
                    ps.setString(i, experimentId);
                    ps.setString(i + 1, analysis);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong("plates") > 0 && rs.getLong("open_plates") == 0
                        && rs.getLong("compounds") > 0 && rs.getLong("open_compounds") == 0;
                }
            }
        });
    }

    private void readWells(final String experimentId, final String analysisId, final RowReader reader) {
        query("wells of " + experimentId, c -> {
            final String analysis = resolve(c, experimentId, analysisId);
            if (analysis == null) {
                return null;
            }
            try (PreparedStatement ps = c.prepareStatement(SELECT_WELLS)) {
                ps.setString(1, experimentId);
                ps.setString(2, analysis);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        reader.read(rs);
                    }
                }
            }
            return null;
        });
    }

    // Row-major plate order (A01, A02, ..., B01), also past row Z; unparsable text sorts last.
    private static int wellOrder(final String well) {
        try {
            final WellId w = WellId.parse(well);
            return w.row() * 100 + w.column();
        } catch (final IllegalArgumentException e) {
            return Integer.MAX_VALUE;
        }
    }

    private <T> T query(final String what, final ConnectionWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setReadOnly(true);
            return work.apply(c);
        } catch (final SQLException e) {
            throw new ResultsStoreException("Cannot read " + what, e);
        }
    }

    @FunctionalInterface
    private interface ConnectionWork<T> {
        T apply(Connection c) throws SQLException;
    }

    @FunctionalInterface
    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }
}
