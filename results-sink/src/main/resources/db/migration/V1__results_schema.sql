-- PhenoStream results schema, version 1.
-- Natural keys are the primary keys, so the sink's upserts are idempotent. Every derived table carries
-- analysis_id in its key: a replay with a new model writes beside the old results, not over them.
-- Timestamps come from the events (updated_at, created_at, processed_at); now() where an event has none.

CREATE TABLE IF NOT EXISTS experiments (
    experiment_id  text        PRIMARY KEY,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS analyses (
    analysis_id  text        PRIMARY KEY,
    spec         jsonb,                       -- AnalysisSpec (model hash, extraction + scoring parameters)
    first_seen   timestamptz NOT NULL DEFAULT now()
);

-- One imaging run of a plate. A run id is unique within its plate and experiment only (Keys.run).
CREATE TABLE IF NOT EXISTS plate_runs (
    experiment_id    text        NOT NULL,
    plate_id         text        NOT NULL,
    run_id           text        NOT NULL,
    layout           text,
    channels         jsonb,
    nuclear_channel  text,
    cell_channel     text,
    sites_per_well   integer     NOT NULL,
    expected_sites   integer     NOT NULL,
    plate_map        jsonb,
    source           text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (experiment_id, plate_id, run_id)
);

CREATE TABLE IF NOT EXISTS plate_qc (
    analysis_id       text             NOT NULL,
    experiment_id     text             NOT NULL,
    plate_id          text             NOT NULL,
    run_id            text             NOT NULL,
    z_prime           double precision,
    ssmd              double precision,
    n_wells           integer          NOT NULL,
    n_wells_expected  integer          NOT NULL,
    n_cells           bigint           NOT NULL,
    sites_seen        integer          NOT NULL,
    sites_expected    integer          NOT NULL,
    sites_failed      integer          NOT NULL,
    sites_excluded    integer          NOT NULL,
    status            text             NOT NULL,   -- RUNNING | FINAL
    flags             jsonb,
    updated_at        timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (analysis_id, experiment_id, plate_id, run_id)
);

CREATE TABLE IF NOT EXISTS well_profiles (
    analysis_id         text             NOT NULL,
    experiment_id       text             NOT NULL,
    plate_id            text             NOT NULL,
    run_id              text             NOT NULL,
    well                text             NOT NULL,
    compound            text,
    concentration       double precision,
    unit                text,
    role                text,
    sites_seen          integer          NOT NULL,
    sites_used          integer          NOT NULL,
    sites_expected      integer          NOT NULL,
    cell_count          double precision,
    features            jsonb,
    normalized          jsonb,
    score               double precision,
    p_value             double precision,
    control_axis_score  double precision,
    cytotoxic           boolean          NOT NULL,
    final_result        boolean          NOT NULL,
    updated_at          timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (analysis_id, experiment_id, plate_id, run_id, well)
);

CREATE TABLE IF NOT EXISTS compound_scores (
    analysis_id    text             NOT NULL,
    experiment_id  text             NOT NULL,
    compound       text             NOT NULL,
    rank           integer          NOT NULL,
    score          double precision,
    p_value        double precision,
    q_value        double precision,
    hit            boolean          NOT NULL,
    fit            jsonb,
    ec50           double precision,
    hill           double precision,
    top            double precision,
    bottom         double precision,
    max_effect     double precision,
    fit_status     text,
    n_wells        integer          NOT NULL,
    doses          jsonb,
    plates         jsonb,
    final_result   boolean          NOT NULL,
    updated_at     timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (analysis_id, experiment_id, compound)
);

CREATE TABLE IF NOT EXISTS site_features (
    analysis_id    text        NOT NULL,
    experiment_id  text        NOT NULL,
    plate_id       text        NOT NULL,
    run_id         text        NOT NULL,
    well           text        NOT NULL,
    site           integer     NOT NULL,
    status         text        NOT NULL,        -- OK | FAILED
    error          text,
    cell_count     integer     NOT NULL,
    features       jsonb,
    qc             jsonb,
    images         jsonb,                       -- lineage: S3 bucket/key + sha256 of every channel image
    cell_data_uri  text,
    processed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (analysis_id, experiment_id, plate_id, run_id, well, site)
);

-- The hit list: one experiment and analysis, ordered by rank or filtered by q-value / score.
CREATE INDEX IF NOT EXISTS compound_scores_hit_rank ON compound_scores (experiment_id, analysis_id, rank);
CREATE INDEX IF NOT EXISTS compound_scores_hit_q ON compound_scores (experiment_id, analysis_id, q_value);
CREATE INDEX IF NOT EXISTS compound_scores_hit_score ON compound_scores (experiment_id, analysis_id, score DESC);
-- "The most recently updated analysis of an experiment".
CREATE INDEX IF NOT EXISTS compound_scores_recent ON compound_scores (experiment_id, updated_at DESC);
CREATE INDEX IF NOT EXISTS plate_qc_recent ON plate_qc (experiment_id, updated_at DESC);
CREATE INDEX IF NOT EXISTS well_profiles_recent ON well_profiles (experiment_id, updated_at DESC);
-- Per-experiment reads of wells and sites (plate heatmaps, exports).
CREATE INDEX IF NOT EXISTS well_profiles_experiment ON well_profiles (experiment_id, analysis_id, plate_id);
CREATE INDEX IF NOT EXISTS site_features_experiment ON site_features (experiment_id, analysis_id, plate_id);
CREATE INDEX IF NOT EXISTS experiments_recent ON experiments (updated_at DESC);
